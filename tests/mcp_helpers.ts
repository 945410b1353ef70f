/** @module MCP test helpers: the SDK's own client (typed through @ts-types) and a real server on a free port. */
// @ts-types="@modelcontextprotocol/sdk/client"
export { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
export { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/client/stdio"
export { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { loadConfig } from "../core/mod.ts";
import { buildServer, type ChemAgentServer } from "../edge/compose.ts";

export interface McpTestServer {
  url: string;
  app: ChemAgentServer;
  close(): Promise<void>;
}

/** The whole server (edge/compose.ts buildServer) on 127.0.0.1 with an ephemeral port, quiet and self-contained. */
export async function startMcpServer(env: Record<string, string> = {}): Promise<McpTestServer> {
  const dir = await Deno.makeTempDir({ prefix: "chemagent-mcp-" });
  const app = await buildServer(loadConfig({
    CACHE_WARM: "false",
    METRICS_DB_PATH: ":memory:",
    MEMORY_SQLITE_PATH: `${dir}/sessions.db`,
    LOG_LEVEL: "error",
    ...env,
  }));
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
  const port = (server.addr as Deno.NetAddr).port;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    async close() {
      await app.shutdown(server, 2_000);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** Reads SSE events from a response body until `stop` says so (or the stream ends). */
export async function readSse(
  body: ReadableStream<Uint8Array>,
  stop: (e: { id?: string; data: string }) => boolean,
): Promise<{ id?: string; data: string }[]> {
  const events: { id?: string; data: string }[] = [];
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const e: { id?: string; data: string } = { data: "" };
        for (const line of block.split("\n")) {
          if (line.startsWith("id:")) e.id = line.slice(3).trim();
          else if (line.startsWith("data:")) e.data += line.slice(5).trim();
        }
        if (e.id === undefined && !e.data) continue; // a comment (keep-alive) or a bare retry field
        events.push(e);
        if (stop(e)) return events;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return events;
}
