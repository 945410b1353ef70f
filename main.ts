/**
 * @module Composition root: validate config, build drivers and the agent, serve HTTP (+ UI) with Deno.serve.
 * The only place where runtime, config and drivers meet.
 */
import { ConfigError, createAgent, loadConfig } from "./core/mod.ts";
import { createLogger } from "./core/obs/log.ts";
import { createApp } from "./edge/app.ts";
import { uiRoutes } from "./edge/routes/ui.ts";

const startedAt = performance.now();
let config;
try {
  config = loadConfig(Deno.env.toObject());
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    Deno.exit(2);
  }
  throw e;
}
const log = createLogger(config.LOG_LEVEL, { service: "chemagent" });
if (config.CHEMAGENT_DATA === "chembl") {
  log.error("CHEMAGENT_DATA=chembl (live ChEMBL REST) is not available in this build; use embedded");
  Deno.exit(2);
}

const agent = await createAgent({
  stepTimeoutMs: config.CHEMAGENT_STEP_TIMEOUT_MS,
  maxQueryLength: config.CHEMAGENT_MAX_QUERY_LENGTH,
});
const lifecycle = { draining: false, startedAt };
const app = createApp({
  agent,
  config,
  lifecycle,
  onUnexpected: (err, requestId) => log.error("unexpected error", { request_id: requestId, error: err }),
});
app.route("/ui", uiRoutes());

const server = Deno.serve({
  port: config.CHEMAGENT_PORT,
  hostname: config.CHEMAGENT_HOST,
  onListen: ({ hostname, port }) => {
    log.info("listening", {
      url: `http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`,
      dataset: agent.data.version,
      compounds: agent.data.compounds.length,
      ready_ms: Math.round(performance.now() - startedAt),
    });
  },
}, app.fetch);

// Slow optional indices (substructure library, "did you mean") build after we are serving.
agent.warm().then(() => log.info("warm-up done", { ms: Math.round(performance.now() - startedAt) }));

const shutdown = async (signal: string) => {
  if (lifecycle.draining) return;
  lifecycle.draining = true;
  log.info("draining", { signal });
  await server.shutdown();
  Deno.exit(0);
};
for (const sig of ["SIGTERM", "SIGINT"] as const) Deno.addSignalListener(sig, () => void shutdown(sig));
