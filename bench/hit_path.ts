/** Issue 16: cached answers at wire speed, measured as honest pairs in one run. Each round starts a fresh
 * ChemAgent (main.ts) and a bare Hono server on the same Deno, pins both to the same core and loads both at
 * the same time (one wrk each, on the other core), as bench/observability.ts does: host noise and CPU taken
 * by the hypervisor hit both alike. Reported: the median of the per-round ratios and their spread. Then the
 * hit path layer by layer in process, uncached single-step p50 and start-up to /ready. */
import { fmt, loadTest, percentile, startServerProcess } from "./lib.ts";
import {
  Agent,
  createCacheStack,
  createChemPool,
  createLogger,
  embeddedSource,
  loadConfig,
  Metrics,
  MetricsStore,
  queryLogger,
  queryRequestFromParams,
} from "../core/mod.ts";
import { createApp } from "../edge/app.ts";
import { compressionStats, encodedAnswer } from "../edge/routes/encoded_answers.ts";
import { Hono } from "hono";
import { LRUCache } from "lru-cache";

const BIG = "What are the targets of imatinib?";
const SMALL = "What is the molecular weight of aspirin?";
const SINGLE_STEP = "What is the molecular weight of caffeine?";
/** A structure outside the dataset: its descriptors need RDKit in a worker. */
const SINGLE_STEP_WORKER = "What is the molecular weight of CCCCCCCCO?";

async function startBare(
  file = "./bare_server.ts",
): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", new URL(file, import.meta.url).pathname],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("bare server did not start");
    text += value;
  }
  reader.releaseLock();
  child.stdout.cancel().catch(() => {});
  const { port } = JSON.parse(text.split("\n")[0]);
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

const taskset = (args: string[]) =>
  new Deno.Command("taskset", { args, stdout: "null", stderr: "null" }).output().then(
    (o) => o.success,
    () => false,
  );
const canPin = async () => navigator.hardwareConcurrency >= 2 && await taskset(["-c", "0", "true"]);

const getPath = (q: string) => "/api/query?q=" + encodeURIComponent(q);
const postBody = (q: string) => JSON.stringify({ query: q });

interface Pair {
  name: string;
  /** Our side served by the raw Deno floor server (bench/raw_floor.ts) instead of ChemAgent. */
  floor?: boolean;
  ours: { path: string; body?: string };
  bare: { path: string; body?: string };
}

/** The bytes ChemAgent answers for a cached question (GET: the shared body; POST: one hit's body). */
async function cachedBytes(
  url: string,
  q: string,
): Promise<
  { get: Uint8Array<ArrayBuffer>; getHeaders: Record<string, string>; post: Uint8Array<ArrayBuffer> }
> {
  for (let i = 0; i < 2; i++) await (await fetch(url + getPath(q))).arrayBuffer(); // compute, then a hit
  const hit = await fetch(url + getPath(q));
  const get = new Uint8Array(await hit.arrayBuffer());
  // The hit's own headers, less those Deno writes itself and the per-request id (the floor sends a fresh one).
  const getHeaders = Object.fromEntries(
    [...hit.headers].filter(([k]) => !["date", "content-length", "x-request-id"].includes(k)),
  );
  const post = new Uint8Array(
    await (await fetch(url + "/api/query", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: postBody(q),
    })).arrayBuffer(),
  );
  return { get, getHeaders, post };
}

async function round(seconds: number, pin: boolean) {
  const [ours, bare, floor] = await Promise.all([
    startServerProcess({ CACHE_WARM: "false", LOG_LEVEL: "warn" }, "indices"),
    startBare(),
    startBare("./raw_floor.ts"),
  ]);
  try {
    const sizes: Record<string, number> = {};
    for (const [name, q] of [["big", BIG], ["small", SMALL]]) {
      const b = await cachedBytes(ours.url, q);
      sizes[name] = b.get.byteLength;
      await fetch(`${bare.url}/bytes/${name}-get`, { method: "PUT", body: b.get });
      await fetch(`${bare.url}/bytes/${name}-post`, { method: "PUT", body: b.post });
      await fetch(`${floor.url}/bytes/${name}-get`, {
        method: "PUT",
        body: b.get,
        headers: { "x-floor-headers": JSON.stringify(b.getHeaders) },
      });
    }
    if (pin) {
      await Promise.all(
        [ours.pid, bare.pid, floor.pid].map((p) => taskset(["-a", "-p", "-c", "0", String(p)])),
      );
    }
    const pairs: Pair[] = [];
    for (const [name, q] of [["big", BIG], ["small", SMALL]]) {
      const kb = `${fmt(sizes[name] / 1024, 1)} KB`;
      pairs.push(
        { name: `cached GET ${kb}`, ours: { path: getPath(q) }, bare: { path: `/bytes/${name}-get` } },
        {
          name: `cached POST ${kb}`,
          ours: { path: "/api/query", body: postBody(q) },
          bare: { path: `/bytes/${name}-post`, body: postBody(q) },
        },
      );
    }
    pairs.push({ name: "/health", ours: { path: "/health" }, bare: { path: "/health" } });
    pairs.push({ name: "floor", floor: true, ours: { path: "/health" }, bare: { path: "/health" } });
    pairs.push({
      name: "floor GET",
      floor: true,
      ours: { path: "/bytes/small-get" },
      bare: { path: "/bytes/small-get" },
    });
    const out: Record<string, { ours: number; bare: number }> = {};
    for (const p of pairs) {
      const load = (s: number) =>
        Promise.all(
          [[p.floor ? floor.url : ours.url, p.ours], [bare.url, p.bare]].map(([u, t]) =>
            loadTest((u as string) + (t as Pair["ours"]).path, {
              seconds: s,
              connections: 32,
              body: (t as Pair["ours"]).body,
              cpus: pin ? "1" : undefined,
            })
          ),
        );
      await load(1); // JIT warm-up
      const [a, b] = await load(seconds);
      out[p.name] = { ours: a.rps, bare: b.rps };
    }
    return { out, readyMs: ours.readyMs, sizes };
  } finally {
    await Promise.all([ours.stop(), bare.stop(), floor.stop()]);
  }
}

/** The cached GET through the app, layer by layer, in process (no sockets): µs per request of each layer. */
export async function hitPathLayers(n = 20_000): Promise<string[]> {
  const config = loadConfig({ CACHE_WARM: "false", LOG_LEVEL: "warn" });
  const [data, chem] = await Promise.all([embeddedSource().load(), createChemPool()]);
  const build = async (observed: boolean, fastPath = true) => {
    const metrics = new Metrics();
    const store = new MetricsStore(":memory:");
    const stack = await createCacheStack(config);
    if (observed) metrics.watchCache(stack.cache);
    const agent = new Agent(data, chem, {
      cache: stack.cache,
      observers: observed
        ? [metrics.listener(), store.listener(), queryLogger(createLogger("warn", {}, () => {}))]
        : [],
    });
    const app = createApp({
      agent,
      config,
      ...(observed ? { metrics } : {}),
      observability: { store, showStacks: false },
      fastPath,
    });
    return { agent, app, close: () => (store.close(), stack.cache.close()) };
  };
  const on = await build(true), off = await build(false), routed = await build(true, false);
  const url = "http://bench" + getPath(BIG);
  for (const s of [on, off, routed]) {
    for (let i = 0; i < 3; i++) await (await s.app.fetch(new Request(url))).arrayBuffer();
  }
  const bytes = new Uint8Array(await (await on.app.fetch(new Request(url))).arrayBuffer());
  const bare = new Hono();
  bare.get("/api/query", () => new Response(bytes, { headers: { "content-type": "application/json" } }));
  bare.get("/health", (c) => c.json({ status: "ok" }));

  const time = async (f: () => unknown | Promise<unknown>) => {
    for (let i = 0; i < n / 10; i++) await f();
    const t = performance.now();
    for (let i = 0; i < n; i++) await f();
    return ((performance.now() - t) / n) * 1000;
  };
  const req = queryRequestFromParams(new URL(url).searchParams);
  const known = new LRUCache<string, object>({ max: 2_000 });
  const rawKey = "G" + url.slice(url.indexOf("?") + 1);
  known.set(rawKey, req);
  const shared = on.agent.cachedAnswer(req)!.shared;
  const rows: [string, number][] = [
    [
      "whole cached GET through app.fetch (fast path)",
      await time(async () => await (await on.app.fetch(new Request(url))).arrayBuffer()),
    ],
    [
      "bare Hono app.fetch, same bytes",
      await time(async () => await (await bare.fetch(new Request(url))).arrayBuffer()),
    ],
    [
      "ChemAgent /health through app.fetch",
      await time(async () => await (await on.app.fetch(new Request("http://bench/health"))).arrayBuffer()),
    ],
    [
      "bare Hono /health",
      await time(async () => await (await bare.fetch(new Request("http://bench/health"))).arrayBuffer()),
    ],
    ["request: known-text lookup (the hit path)", await time(() => known.get(rawKey))],
    [
      "request: URL parse + zod (first time only)",
      await time(() => queryRequestFromParams(new URL(url).searchParams)),
    ],
    ["key + L1 lookup + events, no observers", await time(() => off.agent.cachedAnswer(req))],
    ["key + L1 lookup + events + observers", await time(() => on.agent.cachedAnswer(req))],
    ["encoded bytes lookup (WeakMap)", await time(() => encodedAnswer(shared, data.version))],
    [
      "whole cached GET, routed through Hono",
      await time(async () => await (await routed.app.fetch(new Request(url))).arrayBuffer()),
    ],
    [
      "ChemAgent /health, routed through Hono",
      await time(async () =>
        await (await routed.app.fetch(new Request("http://bench/health"))).arrayBuffer()
      ),
    ],
  ];
  on.close();
  off.close();
  routed.close();
  chem.close(); // the worker pool
  const [whole, bareUs, health, bareHealth] = rows.slice(0, 4).map((r) => r[1]);
  return [
    "hit path layer by layer, in process (µs per request; no sockets):",
    ...rows.map(([k, v]) => `  ${k.padEnd(46)} ${fmt(v, 2)} µs`),
    `  → fast path: response building + bookkeeping beyond bare ≈ ${
      fmt(whole - bareUs - rows[7][1] - rows[4][1] - rows[8][1], 2)
    } µs;` +
    ` observers ≈ ${fmt(rows[7][1] - rows[6][1], 2)} µs; /health beyond bare ≈ ${
      fmt(health - bareHealth, 2)
    } µs (routed: ${fmt(rows[10][1] - bareHealth, 2)} µs); routed GET hit costs ${
      fmt(rows[9][1] - whole, 2)
    } µs more than the fast path`,
  ];
}

export async function benchHitPath(seconds = 3, rounds = 5): Promise<string[]> {
  const pin = await canPin();
  const results: Awaited<ReturnType<typeof round>>[] = [];
  for (let r = 0; r < rounds; r++) results.push(await round(seconds, pin));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const lines = [
    `ChemAgent vs bare Hono serving the same bytes, ${rounds} rounds × ${seconds}s, both servers ${
      pin ? "pinned to core 0 (wrk on core 1)" : "unpinned"
    } and loaded at the same time (wrk, 32 connections each); median ratio [min–max]:`,
  ];
  const targets: Record<string, number> = { GET: 0.5, POST: 0.5, "/health": 0.85 };
  for (const name of Object.keys(results[0].out)) {
    const ratios = results.map((r) => r.out[name].ours / r.out[name].bare);
    if (name === "floor" || name === "floor GET") {
      const what = name === "floor"
        ? "/health: a raw Deno.serve handler that only echoes x-request-id (or sends a fresh UUID)"
        : `a cached GET ${
          fmt(results[0].sizes.small / 1024, 1)
        } KB: a raw Deno.serve handler sending the same bytes and headers (reads x-request-id, If-None-Match, Accept-Encoding; clones a template)`;
      lines.push(
        `  Deno's floor for ${what}, no framework, vs bare Hono → ${fmt(median(ratios))}× [${
          fmt(Math.min(...ratios))
        }–${fmt(Math.max(...ratios))}]`,
      );
      continue;
    }
    const target = Object.entries(targets).find(([k]) => name.includes(k))?.[1];
    lines.push(
      `  ${name.padEnd(22)} ${fmt(median(results.map((r) => r.out[name].ours)), 0).padStart(6)} vs ${
        fmt(median(results.map((r) => r.out[name].bare)), 0).padStart(6)
      } req/s → ${fmt(median(ratios))}× [${fmt(Math.min(...ratios))}–${fmt(Math.max(...ratios))}]${
        target ? `  [target ≥ ${target}]` : ""
      }`,
    );
  }
  lines.push(
    `start → /ready (two servers starting at once): ${
      results.map((r) => fmt(r.readyMs, 0)).join(", ")
    } ms  [target < 1000 ms]`,
  );

  // Uncached single-step latency, sequential (what one user sees), on a fresh unpinned server: a dataset
  // compound (its build-time RDKit facts, no worker) and a structure outside the dataset (a worker round trip).
  const s = await startServerProcess({ CACHE_WARM: "false", LOG_LEVEL: "warn" }, "indices");
  try {
    for (const [q, note] of [[SINGLE_STEP, "  [target p50 < 2 ms]"], [SINGLE_STEP_WORKER, ""]]) {
      const lat: number[] = [];
      for (let i = 0; i < 400; i++) {
        const t = performance.now();
        const r = await fetch(s.url + "/api/query", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: q, options: { cache: false } }),
        });
        await r.arrayBuffer();
        if (i >= 50) lat.push(performance.now() - t);
      }
      lines.push(
        `uncached single-step POST ("${q}", cache off), sequential: p50 ${fmt(percentile(lat, 50))} ms, ` +
          `p99 ${fmt(percentile(lat, 99))} ms${note}`,
      );
    }
  } finally {
    await s.stop();
  }
  lines.push(...await hitPathLayers());
  const per = compressionStats.answers || 1;
  lines.push(
    `compressed variants (computed once per entry, ${compressionStats.answers} answers): identity ${
      fmt(compressionStats.identityBytes / per, 0)
    } B, gzip ${fmt(compressionStats.gzipBytes / per, 0)} B, br ${
      fmt(compressionStats.brBytes / per, 0)
    } B per answer → br saves ${
      fmt((1 - compressionStats.brBytes / compressionStats.identityBytes) * 100, 1)
    }%`,
  );
  return lines;
}

if (import.meta.main) {
  for (
    const l of await benchHitPath(
      Number(Deno.env.get("BENCH_SECONDS") ?? 3),
      Number(Deno.env.get("BENCH_ROUNDS") ?? 5),
    )
  ) console.log(l);
}
