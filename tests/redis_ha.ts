/** @module Mixed user load against whole servers (buildServer) sharing one Redis topology, for the failover
 * tests and the failover bench: HTTP questions, conversations (session turns) and WebSocket query streams
 * that drop their connection and resume on the other instance. Everything counted, nothing mocked. */
import { loadConfig, MEMORY_UNSAVED } from "../core/mod.ts";
import { buildServer, type ChemAgentServer } from "../edge/compose.ts";

export interface HaServer {
  app: ChemAgentServer;
  http: string;
  ws: string;
  close(): Promise<void>;
}

/** A whole server on an ephemeral port, its Redis given by `env` (REDIS_SENTINELS=… or REDIS_CLUSTER_NODES=…). */
export async function startHaServer(env: Record<string, string>): Promise<HaServer> {
  const app = await buildServer(loadConfig({
    CACHE_WARM: "false",
    METRICS_DB_PATH: ":memory:",
    LOG_LEVEL: "error",
    RATE_LIMIT_ENABLED: "false",
    ...env,
  }));
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
  const port = (server.addr as Deno.NetAddr).port;
  return {
    app,
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}/ws`,
    async close() {
      await app.shutdown(server, 3000);
    },
  };
}

const QUESTIONS = [
  "What is the molecular weight of aspirin?",
  "Targets of imatinib",
  "LogP of caffeine",
  "Compounds similar to ibuprofen",
  "What is the molecular weight of metformin?",
  "Lipinski rule of five for atorvastatin",
];
const TURNS = ["Tell me about aspirin", "What about its targets?", "And its molecular weight?"];

export interface LoadReport {
  requests: number;
  failed: number;
  errors: string[];
  turnsAcked: Map<string, number>;
  /** Turns answered with the note that the session store did not confirm them (not counted as acked). */
  unsaved: number;
  streams: number;
  /** Streams whose events (before the drop + after the resume) were not exactly 1..N with a terminal event. */
  badStreams: string[];
  /** First failed/slow request → first success after it, as seen by clients (ms), per incident. */
  slowestMs: number;
}

/**
 * Runs the load until `stop()` resolves: `workers` HTTP question loops, `sessions` conversations, and WebSocket
 * streams on `a` that drop after their first events and resume on `b` with `replay`.
 */
export async function mixedLoad(
  a: HaServer,
  b: HaServer,
  until: Promise<unknown>,
  o: { workers?: number; sessions?: number; streams?: number; tag?: string } = {},
): Promise<LoadReport> {
  let done = false;
  void until.finally(() => done = true);
  const r: LoadReport = {
    requests: 0,
    failed: 0,
    errors: [],
    turnsAcked: new Map(),
    unsaved: 0,
    streams: 0,
    badStreams: [],
    slowestMs: 0,
  };
  // true = answered 200 and, for a session turn, the answer did not say the turn went unsaved.
  const ask = async (base: string, body: Record<string, unknown>) => {
    const t0 = performance.now();
    r.requests++;
    try {
      const res = await fetch(`${base}/api/query`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const json = await res.json();
      r.slowestMs = Math.max(r.slowestMs, performance.now() - t0);
      if (res.status !== 200) {
        r.failed++;
        r.errors.push(`${res.status} ${JSON.stringify(json).slice(0, 200)}`);
        return false;
      }
      if (json.notes?.includes(MEMORY_UNSAVED)) {
        r.unsaved++;
        return false;
      }
      return true;
    } catch (e) {
      r.failed++;
      r.errors.push(String(e));
      return false;
    }
  };
  const tag = o.tag ?? crypto.randomUUID().slice(0, 6);
  const http = Array.from({ length: o.workers ?? 3 }, async (_, w) => {
    for (let i = 0; !done; i++) {
      await ask(i % 2 ? a.http : b.http, { query: QUESTIONS[(i + w) % QUESTIONS.length] });
    }
  });
  const conversations = Array.from({ length: o.sessions ?? 3 }, async (_, s) => {
    for (let c = 0; !done; c++) {
      const id = `s_ha_${tag}_${s}_${c}`;
      for (const [i, q] of TURNS.entries()) {
        if (done) break;
        if (await ask(i % 2 ? a.http : b.http, { query: q, session_id: id })) {
          r.turnsAcked.set(id, (r.turnsAcked.get(id) ?? 0) + 1);
        }
      }
    }
  });
  const streams = Array.from({ length: o.streams ?? 2 }, async (_, s) => {
    for (let i = 0; !done; i++) {
      r.streams++;
      const bad = await resumedStream(a.ws, b.ws, QUESTIONS[(i + s) % QUESTIONS.length]);
      if (bad) r.badStreams.push(bad);
    }
  });
  await Promise.all([...http, ...conversations, ...streams]);
  return r;
}

/** One query over WebSocket on `first`; after its first two events the socket drops and the client resumes on
 * `second` with `replay` from the last seq it saw. Returns a description of what went wrong, or undefined. */
async function resumedStream(first: string, second: string, query: string): Promise<string | undefined> {
  const seen: number[] = [];
  let queryId = "";
  let terminal = false;
  const onEvent = (m: Record<string, unknown>) => {
    if (typeof m.seq !== "number" || typeof m.query_id !== "string") return;
    queryId = m.query_id;
    seen.push(m.seq);
    if (["result", "error", "cancelled", "clarification_needed"].includes(String(m.type))) terminal = true;
  };
  const open = (url: string) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve(ws);
      ws.onerror = () => reject(new Error(`cannot open ${url}`));
    });
  try {
    const ws1 = await open(first);
    await new Promise<void>((resolve) => {
      ws1.onmessage = (e) => {
        onEvent(JSON.parse(String(e.data)));
        if (seen.length >= 2 || terminal) resolve();
      };
      ws1.send(JSON.stringify({ action: "query", query }));
    });
    ws1.onmessage = null; // the connection "drops": nothing more is read from it
    ws1.close();
    const last = Math.max(...seen);
    const ws2 = await open(second);
    const end = Date.now() + 30_000;
    ws2.onmessage = (e) => onEvent(JSON.parse(String(e.data)));
    ws2.send(JSON.stringify({ action: "replay", query_id: queryId, last_event_id: `${queryId}:${last}` }));
    while (!terminal && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50)); // a duplicate would arrive right behind
    ws2.close();
  } catch (e) {
    return `${query}: ${(e as Error).message}`;
  }
  const sorted = [...seen].sort((x, y) => x - y);
  const exact = sorted.every((s, i) => s === i + 1);
  if (!terminal || !exact || sorted.length !== seen.length) {
    return `${queryId}: seqs ${seen.join(",")}${terminal ? "" : " (no terminal event)"}`;
  }
  return undefined;
}

/** Session turns acknowledged but missing from the store (read through a server's own store). A write still
 * being retried through the failover lands within the provider's retry deadline: counted after it. */
export async function lostTurns(app: ChemAgentServer, acked: Map<string, number>, deadlineMs = 16_000) {
  const end = Date.now() + deadlineMs;
  let lost = await countLost(app, acked, false);
  while (lost && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250));
    lost = await countLost(app, acked, false);
  }
  return lost ? await countLost(app, acked, true) : 0;
}

async function countLost(app: ChemAgentServer, acked: Map<string, number>, print: boolean): Promise<number> {
  let lost = 0;
  for (const [id, n] of acked) {
    const s = await app.memory!.get(id);
    const missing = Math.max(0, n - (s?.exchanges.length ?? 0));
    if (missing && print) {
      console.log(`lost: ${id} acked ${n}, stored ${JSON.stringify(s?.exchanges.map((e) => e.question))}`);
    }
    lost += missing;
  }
  return lost;
}
