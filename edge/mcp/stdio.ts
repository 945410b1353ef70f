/**
 * @module `deno task mcp`: ChemAgent as an MCP server over stdio (desktop clients launch it as a subprocess).
 * Built through the shared composition function (cache, session memory, LLM as configured); stdout carries the
 * protocol only, so logs go to stderr.
 */
import process from "node:process";
import { StdioServerTransport } from "./sdk.ts";
import { ConfigError, createLogger, loadConfig } from "../../core/mod.ts";
import { buildAgent } from "../compose.ts";
import { createMcpServer } from "./server.ts";

let config, parts, log;
try {
  config = loadConfig(Deno.env.toObject());
  log = createLogger(config.LOG_LEVEL, { service: "chemagent-mcp" }, (l) => console.error(l));
  parts = await buildAgent(config, { log });
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message); // one clear line, as main.ts does
  Deno.exit(2);
}
const server = createMcpServer(parts.agent, {
  onUnexpected: (err) => log.error("unexpected MCP error", { error: err }),
});
const transport = new StdioServerTransport();
let closing = false;
const stop = async (code: number) => {
  if (closing) return;
  closing = true;
  await server.close().catch(() => {});
  await parts.close();
  // Idle chemistry workers would keep the process alive.
  Deno.exit(code);
};
transport.onclose = () => void stop(0);
for (const sig of ["SIGTERM", "SIGINT"] as const) Deno.addSignalListener(sig, () => void stop(0));
await server.connect(transport);
// The stdio transport does not watch for the end of stdin: stop when the client goes away.
process.stdin.on("end", () => void stop(0));
log.info("mcp stdio ready", { dataset: parts.agent.data.version });
parts.agent.warm().catch((e) => log.warn("background start-up work failed", { error: String(e) }));
