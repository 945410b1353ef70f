/**
 * @module Deno Deploy entry. What differs from main.ts: no local files are written (Deploy has no writable
 * disk), so the cache's shared tier is Upstash Redis (UPSTASH_REDIS_REST_URL/TOKEN, REST: no pub/sub bus,
 * L1 TTL bounds staleness), session memory lives in memory per isolate unless REDIS_URL points at a Redis
 * reachable over TCP, and rollups/alerts are per isolate. The embedded dataset ships with the code.
 */
import { Agent, ConfigError, createChemPool, embeddedSource, loadConfig } from "../../core/mod.ts";
import { createCacheStack } from "../../core/cache/factory.ts";
import { createSessionStore } from "../../core/memory/factory.ts";
import { createApp } from "../../edge/app.ts";

let config;
try {
  config = loadConfig({
    ...Deno.env.toObject(),
    MEMORY_SQLITE_PATH: ":memory:",
    METRICS_DB_PATH: ":memory:",
  });
} catch (e) {
  if (e instanceof ConfigError) throw new Error(e.message);
  throw e;
}
const [data, chem] = await Promise.all([
  embeddedSource().load(),
  createChemPool({ size: config.CHEMAGENT_CHEM_WORKERS, timeoutMs: config.CHEMAGENT_CHEM_TIMEOUT_MS }),
]);
const stack = await createCacheStack(config);
const memory = await createSessionStore(config);
const agent = new Agent(data, chem, {
  cache: stack.cache,
  memory,
  stepTimeoutMs: config.CHEMAGENT_STEP_TIMEOUT_MS,
});
const app = createApp({ agent, config });
Deno.serve(app.fetch);
