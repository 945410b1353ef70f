/** MCP tool calls vs the equivalent HTTP call on the same server: sequential latency of properties(aspirin). */
import { fmt, percentile, startServerProcess } from "./lib.ts";

const JSON_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

export async function benchMcp(n = 250): Promise<string[]> {
  const server = await startServerProcess({}, "warmed");
  try {
    const http = (tool: string, args: () => Record<string, unknown>) => async () => {
      const r = await fetch(`${server.url}/api/tools/${tool}`, {
        method: "POST",
        headers: JSON_HEADERS,
        body: JSON.stringify(args()),
      });
      await r.arrayBuffer();
    };
    const init = await fetch(`${server.url}/mcp`, {
      method: "POST",
      headers: JSON_HEADERS,
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 0,
        method: "initialize",
        params: {
          protocolVersion: "2025-11-25",
          capabilities: {},
          clientInfo: { name: "bench", version: "1" },
        },
      }),
    });
    const session = init.headers.get("mcp-session-id")!;
    await init.text();
    const headers = { ...JSON_HEADERS, "mcp-session-id": session, "mcp-protocol-version": "2025-11-25" };
    await (await fetch(`${server.url}/mcp`, {
      method: "POST",
      headers,
      body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    })).arrayBuffer();
    let id = 1;
    const mcp = (tool: string, args: () => Record<string, unknown>) => async () => {
      const r = await fetch(`${server.url}/mcp`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: id++,
          method: "tools/call",
          params: { name: tool, arguments: args() },
        }),
      });
      await r.text(); // the SSE stream closes once the response is written
    };
    const time = async (f: () => Promise<void>) => {
      const xs: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        await f();
        xs.push(performance.now() - t);
      }
      return xs;
    };
    const compare = async (label: string, tool: string, args: (i: number) => Record<string, unknown>) => {
      let hi = 0, mi = 0;
      // Even indices for HTTP, odd for MCP: neither side is served a result the other computed.
      const [hf, mf] = [http(tool, () => args(2 * hi++)), mcp(tool, () => args(2 * mi++ + 1))];
      await time(hf), await time(mf); // warm-up: JIT, caches, the session's stream state
      // Interleaved rounds so drift (other processes on the machine) hits both sides alike.
      const h: number[] = [], m: number[] = [];
      for (let round = 0; round < 4; round++) {
        h.push(...await time(hf));
        m.push(...await time(mf));
      }
      const [h50, m50] = [percentile(h, 50), percentile(m, 50)];
      return `${label}, sequential, ${h.length} calls each: POST /api/tools/${tool} p50 ${fmt(h50)} ms ` +
        `(p99 ${fmt(percentile(h, 99))}) vs MCP tools/call p50 ${fmt(m50)} ms (p99 ${
          fmt(percentile(m, 99))
        }) ` +
        `→ ratio ${fmt(m50 / h50)}  [target ≤ 1.20]`;
    };
    return [
      await compare("properties(aspirin), cached result", "properties", () => ({ compound: "aspirin" })),
      // A new threshold per call: every call computes (no cached result on either side).
      await compare(
        "similarity_search(ibuprofen), computed",
        "similarity_search",
        (i) => ({ compound: "ibuprofen", threshold: 0.3 + i / 100_000, limit: 10 }),
      ),
    ];
  } finally {
    await server.stop();
  }
}

if (import.meta.main) { for (const l of await benchMcp()) console.log(l); }
