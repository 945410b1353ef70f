/** @module Shared test helpers: one agent per test process, real servers on ephemeral ports. */
import { Agent, createAgent } from "../core/mod.ts";
import { LayeredCache } from "../core/cache/mod.ts";
import { AlertEngine } from "../core/obs/alerts/engine.ts";
import { createLogger, type Level } from "../core/obs/log.ts";
import { Metrics } from "../core/obs/metrics.ts";
import { MetricsStore } from "../core/obs/metrics_store.ts";
import { queryLogger } from "../core/obs/query_log.ts";
import { type AppOptions, createApp } from "../edge/app.ts";

let agentPromise: Promise<Agent> | undefined;

/** The embedded-dataset agent, loaded once per test file (process). */
export function testAgent(): Promise<Agent> {
  agentPromise ??= createAgent({ stepTimeoutMs: 10_000 });
  return agentPromise;
}

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the real app on 127.0.0.1 with an ephemeral port. */
export async function startServer(opts: { maxBody?: number } = {}): Promise<TestServer> {
  const agent = await testAgent();
  const app = createApp({
    agent,
    config: { CHEMAGENT_MAX_BODY_BYTES: opts.maxBody ?? 64 * 1024, corsOrigins: ["*"] },
    onUnexpected: () => {},
  });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
  const addr = server.addr as Deno.NetAddr;
  return { url: `http://127.0.0.1:${addr.port}`, close: () => server.shutdown() };
}

export async function getJson(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    body = { raw: text };
  }
  return { status: res.status, body, headers: res.headers };
}

export const postJson = (url: string, payload: unknown) =>
  getJson(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(payload),
  });

/** The repository root (where main.ts and edge/cli/main.ts run from). */
export const ROOT = new URL("../", import.meta.url).pathname;

/** A real server process that has logged the address it listens on. */
export interface ListeningProcess {
  p: Deno.ChildProcess;
  url: string;
  /** Every line it wrote to stdout and stderr so far. */
  lines: string[];
  /** Settles when both pipes are read to the end (after the process exits). */
  pumped: Promise<unknown>;
}

/**
 * Runs `deno run <args>` from the repo root and waits (60 s at most) for its `"msg":"listening"` log line. Both
 * pipes are read line by line to the end so a chatty access log never blocks the server.
 */
export async function spawnListening(args: string[], env: Record<string, string>): Promise<ListeningProcess> {
  const p = new Deno.Command(Deno.execPath(), {
    args: ["run", ...args],
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const listening = Promise.withResolvers<string>();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    let buf = "";
    const decoder = new TextDecoder();
    for await (const bytes of stream) {
      buf += decoder.decode(bytes, { stream: true });
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        const m = /"msg":"listening".*"url":"http:\/\/[^:]+:(\d+)"/.exec(line);
        if (m) listening.resolve(`http://127.0.0.1:${m[1]}`);
      }
    }
  };
  const pumped = Promise.all([pump(p.stdout), pump(p.stderr)]);
  const timer = setTimeout(
    () => listening.reject(new Error(`no listening line:\n${lines.join("\n")}`)),
    60_000,
  );
  const url = await listening.promise.finally(() => clearTimeout(timer));
  return { p, url, lines, pumped };
}

/** The CLI run as a user runs it: a real process from the repo root, optional stdin and extra environment. */
export async function runCli(
  args: string[],
  opts: { stdin?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      "--allow-net",
      "--allow-write=.chemagent",
      "edge/cli/main.ts",
      ...args,
    ],
    cwd: ROOT,
    env: opts.env,
    stdin: opts.stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (opts.stdin) {
    const w = p.stdin.getWriter();
    await w.write(new TextEncoder().encode(opts.stdin));
    await w.close();
  }
  const out = await p.output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

/**
 * The app with every observer wired as main.ts wires them (metrics, rollup store, query log into `lines`) over a
 * fresh cache; `alerts` adds an alert engine with no rules, `accessLog` logs each HTTP request too.
 */
export async function observedStack(
  opts: {
    level?: Level;
    alerts?: boolean;
    accessLog?: boolean;
    app?: Partial<Pick<AppOptions, "fastPath" | "auth" | "rateLimit" | "lifecycle">>;
    corsOrigins?: string[];
  } = {},
) {
  const base = await testAgent();
  const lines: Record<string, unknown>[] = [];
  const log = createLogger(opts.level ?? "info", { service: "test" }, (l) => lines.push(JSON.parse(l)));
  const metrics = new Metrics();
  const store = new MetricsStore(":memory:");
  const cache = new LayeredCache();
  metrics.watchCache(cache);
  const agent = new Agent(base.data, base.chem, {
    cache,
    observers: [metrics.listener(), store.listener(), queryLogger(log)],
  });
  const app = createApp({
    agent,
    config: { CHEMAGENT_MAX_BODY_BYTES: 65536, corsOrigins: opts.corsOrigins ?? ["*"] },
    metrics,
    ...opts.app,
    observability: {
      store,
      ...(opts.alerts ? { alerts: new AlertEngine(store, []) } : {}),
      showStacks: false,
    },
    ...(opts.accessLog ? { accessLog: (f: Record<string, unknown>) => log.info("http", f) } : {}),
  });
  return { lines, log, metrics, store, cache, agent, app };
}
