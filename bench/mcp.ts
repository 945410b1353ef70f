/**
 * MCP tool calls vs the equivalent HTTP call on the same server process (the same app-wide middleware: request
 * id, drain, metrics, body limit, rate limiter, auth when on), sequential latency, alternating call by call. Cached
 * cheap call (properties of aspirin) and computed call (similarity with a fresh threshold each time), against a
 * server with MCP sessions (default) and one with MCP_STATELESS=true. Target: MCP p50 ≤ 1.20 × HTTP p50.
 */
import { fmt, percentile, startServerProcess } from "./lib.ts";

const JSON_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };
type Args = (i: number) => Record<string, unknown>;

async function mcpHeaders(url: string, stateless: boolean): Promise<Record<string, string>> {
  const base = { ...JSON_HEADERS, "mcp-protocol-version": "2025-11-25" };
  if (stateless) return base; // no initialize: every POST stands alone
  const init = await fetch(`${url}/mcp`, {
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
  const headers = { ...base, "mcp-session-id": session };
  await (await fetch(`${url}/mcp`, {
    method: "POST",
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  })).arrayBuffer();
  return headers;
}

async function benchServer(stateless: boolean, n: number): Promise<string[]> {
  const server = await startServerProcess(stateless ? { MCP_STATELESS: "true" } : {}, "warmed");
  try {
    const headers = await mcpHeaders(server.url, stateless);
    let id = 1;
    const http = (tool: string, args: () => Record<string, unknown>) => async () => {
      const r = await fetch(`${server.url}/api/tools/${tool}`, {
        method: "POST",
        headers: JSON_HEADERS,
        body: JSON.stringify(args()),
      });
      await r.json();
    };
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
      // Parsed like the HTTP side; a call nobody streams is answered as JSON (an SSE answer would fail here).
      const msg = await r.json();
      if (!msg.result || msg.result.isError) {
        throw new Error(`MCP call failed: ${JSON.stringify(msg).slice(0, 300)}`);
      }
    };
    const once = async (f: () => Promise<void>, into: number[]) => {
      const t = performance.now();
      await f();
      into.push(performance.now() - t);
    };
    const mode = stateless ? "stateless" : "session";
    const compare = async (label: string, tool: string, args: Args) => {
      let hi = 0, mi = 0;
      // Even indices for HTTP, odd for MCP: neither side is served a result the other computed.
      const [hf, mf] = [http(tool, () => args(2 * hi++)), mcp(tool, () => args(2 * mi++ + 1))];
      for (let i = 0; i < n; i++) await once(hf, []), await once(mf, []); // warm-up: JIT, caches, pooled servers
      // Call by call, alternating which side goes first: a burst of load from other processes on the machine
      // hits both sides alike.
      const h: number[] = [], m: number[] = [];
      for (let i = 0; i < 4 * n; i++) {
        if (i % 2) await once(hf, h), await once(mf, m);
        else await once(mf, m), await once(hf, h);
      }
      const [h50, m50] = [percentile(h, 50), percentile(m, 50)];
      return `${label}, MCP ${mode}, sequential, ${h.length} calls each: POST /api/tools/${tool} p50 ${
        fmt(h50)
      } ms ` +
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
        (i) => ({ compound: "ibuprofen", threshold: 0.3 + i / 100_000 + (stateless ? 0.05 : 0), limit: 10 }),
      ),
    ];
  } finally {
    await server.stop();
  }
}

export async function benchMcp(n = 250): Promise<string[]> {
  return [...await benchServer(false, n), ...await benchServer(true, n)];
}

if (import.meta.main) { for (const l of await benchMcp()) console.log(l); }
