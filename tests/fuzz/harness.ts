/** @module Sends fuzz inputs to a real server process and classifies every answer: 2xx, typed 4xx, 5xx,
 * untyped errors, hangs (no answer within the deadline), dropped connections. The server runs as its own
 * process (as `deno task start` does) so a crash or a blocked event loop is seen, reported and recovered
 * from (restart), never hidden. After every batch a normal chemistry call (aspirin) must still be right. */
import type { FuzzInput } from "./generators.ts";

const root = new URL("../../", import.meta.url).pathname;
const START_PERMISSIONS = [
  "--allow-net",
  "--allow-read",
  "--allow-env",
  "--allow-write=.chemagent",
  "--allow-sys",
];
/** Error codes of DESIGN.md §3: a 4xx/5xx body must carry one of them. */
export const ERROR_CODES = new Set([
  "empty_query",
  "incomplete_query",
  "unrecognized_query",
  "out_of_scope",
  "not_found",
  "invalid_smiles",
  "invalid_parameter",
  "ambiguous_input",
  "partial_failure",
  "invalid_request",
  "payload_too_large",
  "unauthorized",
  "forbidden",
  "rate_limited",
  "timeout",
  "cancelled",
  "upstream_unavailable",
  "internal",
  "input_too_complex",
  "not_available",
]);

export type Outcome = "2xx" | "4xx" | "5xx" | "untyped" | "hang" | "dropped";

export interface Failure {
  generator: string;
  outcome: Outcome | "broken after batch" | "server exited";
  input: string;
  detail: string;
}

export interface Tally {
  sent: number;
  counts: Record<Outcome, number>;
  /** Answers (of any kind) slower than the product's 2 s promise. */
  slow: number;
  maxMs: number;
  /** Server restarts after a crash, a blocked event loop or broken chemistry. */
  restarts: number;
}

export const emptyTally = (): Tally => ({
  sent: 0,
  counts: { "2xx": 0, "4xx": 0, "5xx": 0, untyped: 0, hang: 0, dropped: 0 },
  slow: 0,
  maxMs: 0,
  restarts: 0,
});

export function addTally(into: Tally, t: Tally): Tally {
  into.sent += t.sent;
  for (const k of Object.keys(t.counts) as Outcome[]) into.counts[k] += t.counts[k];
  into.slow += t.slow;
  into.maxMs = Math.max(into.maxMs, t.maxMs);
  into.restarts += t.restarts;
  return into;
}

export class FuzzServer {
  url = "";
  pid = 0;
  restarts = 0;
  maxRssKb = 0;
  #child?: Deno.ChildProcess;
  #log: string[] = [];
  #exited = false;

  constructor(readonly env: Record<string, string> = {}) {}

  async start(): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = (probe.addr as Deno.NetAddr).port;
      probe.close();
      this.#exited = false;
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", ...START_PERMISSIONS, "main.ts"],
        cwd: root,
        env: {
          CHEMAGENT_PORT: String(port),
          CHEMAGENT_HOST: "127.0.0.1",
          LOG_LEVEL: "warn",
          CACHE_WARM: "false",
          METRICS_DB_PATH: ":memory:",
          MEMORY_SQLITE_PATH: ":memory:",
          ...this.env,
        },
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      this.#child = child;
      this.#log = [];
      this.pid = child.pid;
      this.url = `http://127.0.0.1:${port}`;
      child.status.then(() => (this.#exited = true));
      this.#drain(child.stdout);
      this.#drain(child.stderr);
      const deadline = Date.now() + 60_000;
      while (!this.#exited && Date.now() < deadline) {
        const ready: { indices_ready?: boolean } = await fetch(`${this.url}/ready`, {
          signal: AbortSignal.timeout(2000),
        }).then((r) => r.ok ? r.json() : (r.body?.cancel(), {})).catch(() => ({}));
        if (ready.indices_ready) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      await this.stop();
    }
    throw new Error(`fuzz server did not start:\n${this.logTail()}`);
  }

  /** Keeps the last lines of the server's output for failure reports. */
  async #drain(stream: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      this.#log.push(...decoder.decode(chunk).split("\n").filter(Boolean));
      if (this.#log.length > 200) this.#log.splice(0, this.#log.length - 100);
    }
  }

  /** The server's last error lines (or last lines, when none is an error), shortened. */
  logTail(lines = 3): string {
    const errors = this.#log.filter((l) => !l.startsWith("{") || l.includes('"level":"error"'));
    return (errors.length ? errors : this.#log).slice(-lines).map((l) => l.slice(0, 300)).join("\n");
  }

  get exited(): boolean {
    return this.#exited;
  }

  async sampleRss(): Promise<number> {
    try {
      const status = await Deno.readTextFile(`/proc/${this.pid}/status`);
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      this.maxRssKb = Math.max(this.maxRssKb, kb);
      return kb;
    } catch {
      return 0;
    }
  }

  async stop(): Promise<void> {
    if (!this.#child) return;
    try {
      this.#child.kill("SIGKILL");
    } catch { /* already gone */ }
    await this.#child.status;
    this.#child = undefined;
  }

  /** Liveness: /health answers within 2 s (a blocked event loop or a dead process does not). */
  async alive(): Promise<boolean> {
    if (this.#exited) return false;
    return await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2000) })
      .then((r) => (r.body?.cancel(), r.ok), () => false);
  }

  async restart(): Promise<void> {
    await this.stop();
    this.restarts++;
    await this.start();
  }

  #checks = 0;

  /** A normal chemistry call: aspirin's molecular weight is 180.16 (RDKit), within a generous deadline. A new
   * atom-map number each time (it changes no descriptor) makes the cache miss, so RDKit really runs. */
  async chemistryWorks(deadlineMs = 10_000): Promise<string | undefined> {
    try {
      const r = await fetch(`${this.url}/api/properties`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ smiles: `[CH3:${++this.#checks % 1000}]C(=O)Oc1ccccc1C(=O)O` }),
        signal: AbortSignal.timeout(deadlineMs),
      });
      const body = await r.json();
      const mw = body?.result?.properties?.molecular_weight;
      if (r.status === 200 && typeof mw === "number" && mw.toFixed(2) === "180.16") return undefined;
      return `aspirin → HTTP ${r.status}, molecular_weight ${mw}: ${JSON.stringify(body).slice(0, 200)}`;
    } catch (e) {
      return `aspirin → no answer within ${deadlineMs} ms (${(e as Error).name})`;
    }
  }
}

/** Shortens an input for a report: long inputs show their head, tail and length. */
export function preview(input: FuzzInput): string {
  const text = input.kind === "http"
    ? `${input.method} ${input.path}${input.body === undefined ? "" : ` ${input.body}`}`
    : `WS ${typeof input.frame === "string" ? input.frame : `<binary ${input.frame.length} bytes>`}`;
  return text.length <= 160
    ? JSON.stringify(text)
    : `${JSON.stringify(text.slice(0, 100))}…${JSON.stringify(text.slice(-30))} (${text.length} chars)`;
}

/** Sends one HTTP input and classifies the answer. */
export async function sendHttp(
  url: string,
  input: Extract<FuzzInput, { kind: "http" }>,
  deadlineMs: number,
): Promise<{ outcome: Outcome; ms: number; detail: string }> {
  const t0 = performance.now();
  const signal = AbortSignal.timeout(deadlineMs);
  try {
    const headers: Record<string, string> = {};
    if (input.contentType) headers["content-type"] = input.contentType;
    const r = await fetch(url + input.path, { method: input.method, headers, body: input.body, signal });
    const text = await r.text();
    const ms = performance.now() - t0;
    if (r.status < 400) return { outcome: "2xx", ms, detail: String(r.status) };
    let code: unknown;
    try {
      code = JSON.parse(text)?.error?.code;
    } catch { /* not JSON */ }
    const detail = `HTTP ${r.status} ${text.slice(0, 200)}`;
    if (typeof code !== "string" || !ERROR_CODES.has(code)) return { outcome: "untyped", ms, detail };
    return { outcome: r.status >= 500 ? "5xx" : "4xx", ms, detail };
  } catch (e) {
    const ms = performance.now() - t0;
    const err = e as Error;
    if (err.name === "TimeoutError" || signal.aborted) {
      return { outcome: "hang", ms, detail: `no answer within ${deadlineMs} ms` };
    }
    return { outcome: "dropped", ms, detail: `${err.name}: ${err.message.slice(0, 200)}` };
  }
}

/** A WebSocket client that sends fuzz frames, each followed by a ping: the pong proves the server still reads
 * and answers on that connection. A `rate_limited` notice is a typed refusal too (the probe then waits as told).
 * A close by the server with a protocol code (1008 policy, 1009 too big, 4xxx) is a typed refusal; an abnormal
 * close (1006, 1011) is a failure. */
export class WsProbe {
  #ws?: WebSocket;
  #closed?: number;
  #waiters: ((retryAfterMs?: number) => void)[] = [];
  #errors: string[] = [];
  constructor(readonly url: string) {}

  async #connect(deadlineMs: number) {
    const ws = new WebSocket(this.url.replace(/^http/, "ws") + "/ws");
    ws.binaryType = "arraybuffer";
    this.#closed = undefined;
    ws.onmessage = (e) => {
      try {
        const m = JSON.parse(String(e.data));
        if (m?.type === "error" && !ERROR_CODES.has(m?.data?.error?.code)) this.#errors.push(String(e.data));
        if (m?.type === "pong") this.#waiters.splice(0).forEach((w) => w());
        if (m?.type === "rate_limited") {
          const wait = Number(m?.data?.error?.retry_after_ms) || 100;
          this.#waiters.splice(0).forEach((w) => w(wait));
        }
      } catch {
        this.#errors.push(`non-JSON server frame: ${String(e.data).slice(0, 100)}`);
      }
    };
    ws.onclose = (e) => {
      this.#closed = e.code;
      this.#waiters.splice(0).forEach((w) => w());
    };
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("WebSocket did not open")), deadlineMs);
      ws.onopen = () => (clearTimeout(t), resolve());
      ws.onerror = () => (clearTimeout(t), reject(new Error("WebSocket error on open")));
    });
    this.#ws = ws;
  }

  async send(input: Extract<FuzzInput, { kind: "ws" }>, deadlineMs: number) {
    const t0 = performance.now();
    try {
      if (!this.#ws || this.#closed !== undefined) await this.#connect(deadlineMs);
    } catch (e) {
      return { outcome: "dropped" as Outcome, ms: performance.now() - t0, detail: (e as Error).message };
    }
    const ws = this.#ws!;
    const answered = new Promise<{ retryAfterMs?: number } | false>((resolve) => {
      const t = setTimeout(() => resolve(false), deadlineMs);
      this.#waiters.push((retryAfterMs) => (clearTimeout(t), resolve({ retryAfterMs })));
    });
    try {
      ws.send(input.frame);
      ws.send('{"action":"ping"}');
    } catch { /* closing: seen below */ }
    const ok = await answered;
    const ms = performance.now() - t0;
    if (ok && ok.retryAfterMs !== undefined) {
      await new Promise((r) => setTimeout(r, Math.min(ok.retryAfterMs!, 2000)));
      return { outcome: "4xx" as Outcome, ms, detail: "rate_limited" };
    }
    const untyped = this.#errors.splice(0);
    if (untyped.length) return { outcome: "untyped" as Outcome, ms, detail: untyped[0].slice(0, 200) };
    if (this.#closed !== undefined) {
      const code = this.#closed;
      const typed = code === 1000 || code === 1008 || code === 1009 || (code >= 4000 && code < 5000);
      return { outcome: (typed ? "4xx" : "5xx") as Outcome, ms, detail: `closed ${code}` };
    }
    return ok
      ? { outcome: "2xx" as Outcome, ms, detail: "pong" }
      : { outcome: "hang" as Outcome, ms, detail: `no pong within ${deadlineMs} ms` };
  }

  close() {
    try {
      this.#ws?.close();
    } catch { /* gone */ }
  }
}

export interface RunOptions {
  /** Per-input deadline: no answer by then is a hang. */
  deadlineMs: number;
  /** Inputs in flight at once. */
  concurrency: number;
  /** Inputs between two health checks (aspirin). */
  batch: number;
  /** Stops the generator after this long (reported), so a run stays bounded. */
  budgetMs: number;
  /** Stop this generator at its first server restart (the test run: one clear report, bounded time); the
   * long fuzz run keeps going and counts. */
  stopOnBreak: boolean;
}

/** Sends `inputs` in batches; after each batch checks chemistry; restarts a dead or broken server. */
export async function runGenerator(
  server: FuzzServer,
  generator: string,
  inputs: FuzzInput[],
  opts: RunOptions,
  failures: Failure[],
): Promise<Tally> {
  const tally = emptyTally();
  const started = performance.now();
  const probes: WsProbe[] = [];
  const record = (input: FuzzInput, r: { outcome: Outcome; ms: number; detail: string }) => {
    tally.sent++;
    tally.counts[r.outcome]++;
    tally.maxMs = Math.max(tally.maxMs, r.ms);
    if (r.ms > 2000) tally.slow++;
    if (r.outcome !== "2xx" && r.outcome !== "4xx") {
      failures.push({ generator, outcome: r.outcome, input: preview(input), detail: r.detail });
    }
  };
  // A hung or dead server is restarted at once (one restart for all workers), so a blocked event loop costs
  // one deadline, not one per remaining input.
  let recovering: Promise<void> | undefined;
  const inFlight = new Set<FuzzInput>();
  const recover = (why: string, input: string) =>
    recovering ??= (async () => {
      const others = [...inFlight].map(preview).filter((p) => p !== input);
      failures.push({
        generator,
        outcome: server.exited ? "server exited" : "broken after batch",
        input,
        detail: `${why}${
          others.length ? `\nalso in flight then: ${others.join(", ")}` : ""
        }\n${server.logTail()}`,
      });
      probes.splice(0).forEach((p) => p.close());
      tally.restarts++;
      await server.restart();
    })().finally(() => (recovering = undefined));
  for (let at = 0; at < inputs.length; at += opts.batch) {
    if (performance.now() - started > opts.budgetMs || (opts.stopOnBreak && tally.restarts > 0)) break;
    const batch = inputs.slice(at, at + opts.batch);
    let next = 0;
    const worker = async (w: number) => {
      while (next < batch.length) {
        if (recovering) await recovering;
        if (opts.stopOnBreak && tally.restarts > 0) return;
        const input = batch[next++];
        inFlight.add(input);
        const r = input.kind === "http"
          ? await sendHttp(server.url, input, opts.deadlineMs)
          : await (probes[w] ??= new WsProbe(server.url)).send(input, opts.deadlineMs);
        inFlight.delete(input);
        record(input, r);
        if ((r.outcome === "hang" || r.outcome === "dropped") && !recovering && !(await server.alive())) {
          await recover(`server stopped answering /health after: ${r.detail}`, preview(input));
        }
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, (_, w) => worker(w)));
    await server.sampleRss();
    const broken = server.exited ? "server process exited" : await server.chemistryWorks();
    if (broken) await recover(broken, `after a batch of ${batch.length} inputs from #${at}`);
  }
  probes.forEach((p) => p.close());
  return tally;
}

export function formatTally(name: string, t: Tally): string {
  const c = t.counts;
  return [
    `${name}: ${t.sent} sent — 2xx ${c["2xx"]}, 4xx ${c["4xx"]}, 5xx ${c["5xx"]}, untyped ${c.untyped},`,
    `hangs ${c.hang}, dropped ${c.dropped}, server restarts ${t.restarts}; answers > 2 s ${t.slow},`,
    `slowest ${Math.round(t.maxMs)} ms`,
  ].join(" ");
}

/** Failures grouped by generator and outcome, three examples each: what a person needs to reproduce them. */
export function formatFailures(failures: Failure[]): string {
  const groups = new Map<string, Failure[]>();
  for (const f of failures) {
    const key = `${f.generator} / ${f.outcome}`;
    groups.set(key, [...groups.get(key) ?? [], f]);
  }
  return [...groups].map(([key, fs]) =>
    `${key}: ${fs.length}\n` +
    fs.slice(0, 3).map((f) => `  - ${f.input}\n    → ${f.detail.replaceAll("\n", "\n      ")}`)
      .join("\n")
  ).join("\n");
}
