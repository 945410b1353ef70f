/**
 * @module Entry: validate config, build the server through the one composition function (edge/compose.ts,
 * shared with the CLI and the Deno Deploy entry), serve with Deno.serve, drain losslessly on SIGTERM/SIGINT.
 */
import { ChemAgentError, ConfigError, loadConfig } from "./core/mod.ts";
import { buildServer, type ChemAgentServer } from "./edge/compose.ts";
import { keepServingOnConnectionErrors } from "./edge/escaped_errors.ts";

let app: ChemAgentServer;
try {
  app = await buildServer(loadConfig(Deno.env.toObject()));
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    Deno.exit(2);
  }
  // A data source that cannot be reached at start (the ChEMBL database): one line, exit 1 — the orchestrator
  // restarts the process, which needs the catalogue before it can answer anything.
  if (e instanceof ChemAgentError && e.code === "upstream_unavailable") {
    console.error(`cannot start: ${e.message}`);
    Deno.exit(1);
  }
  throw e;
}
const { config, log } = app;
keepServingOnConnectionErrors((msg, fields) => log.warn(msg, fields));

const probed = app.lifecycle.probeChemistry?.();
const server = Deno.serve({
  port: config.CHEMAGENT_PORT,
  hostname: config.CHEMAGENT_HOST,
  onListen: ({ hostname, port }) => {
    log.info("listening", {
      url: `http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`,
      ...app.describe(),
    });
  },
}, app.fetch);

// Slow optional indices (substructure library, "did you mean") build after we are serving and the first
// readiness probe is answered (on a small machine they would compete with it for the cores), then the cache
// warms from common and recently frequent questions — in the background, never delaying readiness.
Promise.resolve(probed).finally(() =>
  app.background().catch((e) => log.warn("background start-up work failed", { error: String(e) }))
);

let stopping = false;
for (const sig of ["SIGTERM", "SIGINT"] as const) {
  Deno.addSignalListener(sig, () => {
    if (stopping) return;
    stopping = true;
    log.info("shutdown requested", { signal: sig });
    app.shutdown(server).then(() => Deno.exit(0), (e) => {
      log.error("shutdown failed", { error: String(e) });
      Deno.exit(1);
    });
  });
}
