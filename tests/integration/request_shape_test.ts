/**
 * One QueryRequest, every transport (issue 15.3): the same valid and invalid requests go through POST /api/query,
 * GET /api/query, SSE /api/query/stream, WebSocket and the CLI (--json --request), and each transport must give
 * the same outcome: answered with the same status/error code, or refused with `invalid_request` naming the field.
 */
import assert from "node:assert/strict";
import { rawClient, startWsServer } from "../ws_helpers.ts";
import { runCli } from "../helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;
type Transport = "POST" | "GET" | "SSE" | "WS" | "CLI";
const ALL: Transport[] = ["POST", "GET", "SSE", "WS", "CLI"];

/** What a transport made of a request: refused before running (with the error), or answered (status + code). */
interface Outcome {
  refused: boolean;
  code: string; // error code, or the status of a successful answer
  message?: string;
}

interface Case {
  name: string;
  request: Record<string, unknown>;
  expect: { refused: boolean; code: string; names?: string };
  /** Transports that can express this request (GET/SSE take options as flat parameters). */
  only?: Transport[];
}

const CASES: Case[] = [
  { name: "a plain question", request: { query: "What is the molecular weight of aspirin?" }, expect: ok() },
  {
    name: "every option",
    request: {
      query: "What are the targets of imatinib?",
      session_id: "s_shape_1",
      options: { cache: false, llm: "off", limit: 5, parallel: false },
    },
    expect: ok(),
  },
  { name: "an empty question", request: { query: "" }, expect: { refused: false, code: "empty_query" } },
  {
    name: "an unknown compound",
    request: { query: "zorbitrexil" },
    expect: { refused: false, code: "not_found" },
  },
  { name: "no query", request: { session_id: "s_x" }, expect: refused("query") },
  { name: "an unknown top-level field", request: { query: "aspirin", foo: "1" }, expect: refused("foo") },
  {
    name: "a top-level cache (belongs in options)",
    request: { query: "aspirin", cache: false },
    expect: refused("options.cache"),
    only: ["POST", "WS", "CLI"],
  },
  {
    name: "an unknown option",
    request: { query: "aspirin", options: { bogus: true } },
    expect: refused("bogus"),
  },
  {
    name: "cache that is not a boolean",
    request: { query: "aspirin", options: { cache: "sometimes" } },
    expect: refused("cache"),
  },
  { name: "limit 0", request: { query: "aspirin", options: { limit: 0 } }, expect: refused("limit") },
  {
    name: "limit not a number",
    request: { query: "aspirin", options: { limit: "ten" } },
    expect: refused("limit"),
  },
  {
    name: "llm not auto/off",
    request: { query: "aspirin", options: { llm: "gpt" } },
    expect: refused("llm"),
  },
  {
    name: "a session id with spaces",
    request: { query: "aspirin", session_id: "my session" },
    expect: refused("session_id"),
  },
  {
    name: "a query that is not a string",
    request: { query: 42 },
    expect: refused("query"),
    only: ["POST", "WS", "CLI"],
  },
];

function ok(): Case["expect"] {
  return { refused: false, code: "success" };
}
function refused(names: string): Case["expect"] {
  return { refused: true, code: "invalid_request", names };
}

/** GET and SSE spell a QueryRequest as parameters: q, session_id, and the options flat. */
function params(req: Record<string, unknown>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(req)) {
    if (k === "options") { for (const [ok, ov] of Object.entries(v as object)) p.set(ok, String(ov)); }
    else p.set(k === "query" ? "q" : k, String(v));
  }
  return p.toString();
}

const answered = (r: Any): Outcome => ({ refused: false, code: r.error?.code ?? r.status });
const refusedWith = (e: Any): Outcome => ({ refused: true, code: e?.code, message: e?.message });

async function viaCli(req: Record<string, unknown>): Promise<Outcome> {
  const out = await runCli(["--json", "--request", JSON.stringify(req)], {
    env: { MEMORY_SQLITE_PATH: ":memory:", LOG_LEVEL: "error" },
  });
  const body = JSON.parse(out.stdout);
  // Exit codes (DESIGN.md §4): 2 for a request the CLI refuses, 1 for a query error, 0 for an answer.
  if (out.code === 2) return refusedWith(body.error);
  assert.equal(out.code, body.success ? 0 : 1, "exit code matches the answer");
  return answered(body);
}

async function viaWs(url: string, req: Record<string, unknown>, id: string): Promise<Outcome> {
  const c = await rawClient(url);
  try {
    c.send({ action: "query", id, ...req });
    const terminal = new Set(["result", "error", "cancelled", "clarification_needed"]);
    const accepted = () => c.messages.find((m) => m.type === "accepted" && (m.data as Any).id === id);
    const notice = () => c.messages.find((m) => m.seq === 0 && (m.data as Any).id === id);
    const end = () => {
      const a = accepted();
      return a && c.messages.find((m) => m.query_id === a.query_id && terminal.has(m.type as string));
    };
    assert.ok(await c.until(() => !!(notice() || end()), 15_000), `WS answered ${id}`);
    const n = notice();
    if (n) return refusedWith((n.data as Any).error);
    const e = end()! as Any;
    return e.type === "result"
      ? answered(e.data.response)
      : answered(e.data.response ?? { error: e.data.error });
  } finally {
    c.ws.close();
  }
}

async function viaSse(base: string, req: Record<string, unknown>): Promise<Outcome> {
  const res = await fetch(`${base}/api/query/stream?${params(req)}`);
  const text = await res.text();
  if (res.status !== 200) return refusedWith(JSON.parse(text).error);
  const events = text.split("\n").filter((l) => l.startsWith("data:")).map((l) => JSON.parse(l.slice(5)));
  const last = events.at(-1);
  return answered(last.data.response ?? { error: last.data.error });
}

Deno.test({
  name: "the same QueryRequest gives the same outcome over POST, GET, SSE, WebSocket and the CLI",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const s = await startWsServer();
    const base = `http://127.0.0.1:${s.port}`;
    const run: Record<Transport, (req: Record<string, unknown>, i: number) => Promise<Outcome>> = {
      POST: async (req) => {
        const res = await fetch(`${base}/api/query`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(req),
        });
        const body = await res.json();
        if (!body.query_id) {
          assert.equal(res.status, 400);
          return refusedWith(body.error);
        }
        return answered(body);
      },
      GET: async (req) => {
        const res = await fetch(`${base}/api/query?${params(req)}`);
        const body = await res.json();
        if (!body.query_id) {
          assert.equal(res.status, 400);
          return refusedWith(body.error);
        }
        return answered(body);
      },
      SSE: (req) => viaSse(base, req),
      WS: (req, i) => viaWs(s.url, req, `shape-${i}`),
      CLI: (req) => viaCli(req),
    };
    try {
      for (const [i, c] of CASES.entries()) {
        for (const transport of c.only ?? ALL) {
          await t.step(`${c.name} via ${transport}`, async () => {
            const got = await run[transport](c.request, i);
            assert.equal(got.refused, c.expect.refused, JSON.stringify(got));
            assert.equal(got.code, c.expect.code, JSON.stringify(got));
            if (c.expect.names) assert.ok(got.message?.includes(c.expect.names), JSON.stringify(got));
          });
        }
      }
    } finally {
      await s.stop();
    }
  },
});

Deno.test({
  name: "WebSocket: config is an alias of options; giving both is refused",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const s = await startWsServer();
    try {
      const alias = await viaWs(
        s.url,
        { query: "targets of imatinib", config: { cache: false, limit: 3 } },
        "a",
      );
      assert.deepEqual(alias, { refused: false, code: "success" });
      const badAlias = await viaWs(s.url, { query: "aspirin", config: { cache: "no" } }, "b");
      assert.equal(badAlias.code, "invalid_request");
      assert.match(badAlias.message!, /options\.cache/);
      const both = await viaWs(s.url, { query: "aspirin", options: {}, config: {} }, "c");
      assert.equal(both.code, "invalid_request");
      assert.match(both.message!, /not both/);
    } finally {
      await s.stop();
    }
  },
});
