/**
 * @module Deno Deploy entry: the same composition as main.ts (edge/compose.ts: agent with cache, session memory
 * and its context window, LLM when configured, observers, WebSocket hub, metrics API). What differs is only
 * configuration: Deploy has no writable disk, so session memory and metrics rollups live in memory per isolate
 * (unless REDIS_URL points at a Redis reachable over TCP), and the cache's shared tier is Upstash Redis
 * (UPSTASH_REDIS_REST_URL/TOKEN, REST: no pub/sub bus, L1 TTL bounds staleness). The dataset ships with the code.
 */
import { ConfigError, loadConfig } from "../../core/mod.ts";
import { buildServer } from "../../edge/compose.ts";

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
const app = await buildServer(config);
// Deploy picks the port itself; PORT lets the same entry run locally (and in tests) on a chosen or free port.
Deno.serve({
  port: Number(Deno.env.get("PORT") ?? 8000),
  onListen: ({ hostname, port }) =>
    app.log.info("listening", { url: `http://${hostname}:${port}`, ...app.describe() }),
}, app.fetch);
app.background().catch((e) => app.log.warn("background start-up work failed", { error: String(e) }));
