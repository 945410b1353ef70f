/**
 * @module Hostile structures against a real server (main.ts in its own process): each input 100 times on
 * every route while ordinary clients keep asking; prints latencies, 5xx counts and the ordinary p99.
 * Run: deno run -A bench/hostile.ts [--repeat 100] [--ordinary 4]
 */
import { fmt, percentile, startServerProcess } from "./lib.ts";

const arg = (name: string, dflt: number) => {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Number(Deno.args[i + 1]) : dflt;
};
const REPEAT = arg("--repeat", 100);
const ORDINARY_CLIENTS = arg("--ordinary", 4);

const wildcards = (n: number) => Array(n).fill("*").join("~");
const STRUCTURES: Record<string, string> = {
  "chain 600": "C".repeat(600),
  "chain 1000": "C".repeat(1000),
  "chain 5000": "C".repeat(5000),
  "300 rings": "C1CC1".repeat(300),
  "1300-deep branches": "C(".repeat(1300) + "C" + ")".repeat(1300),
  "100 rings (depiction)": "C1CC1".repeat(100),
};
const PATTERNS: Record<string, string> = { "80-atom wildcards": wildcards(80) };

type Call = (url: string, s: string) => Promise<Response>;
const post = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const ROUTES: Record<string, Call> = {
  properties: (u, s) => post(`${u}/api/properties`, { smiles: s }),
  depict: (u, s) => fetch(`${u}/api/depict?smiles=${encodeURIComponent(s)}`),
  query: (u, s) => post(`${u}/api/query`, { query: `What is the molecular weight of ${s}?` }),
  substructure: (u, s) => post(`${u}/api/tools/substructure_search`, { query: s }),
};
const ORDINARY: ((u: string) => Promise<Response>)[] = [
  (u) => fetch(`${u}/health`),
  (u) => post(`${u}/api/query`, { query: "What is the molecular weight of aspirin?" }),
  (u) => post(`${u}/api/properties`, { smiles: "c1ccccc1O" }),
  (u) => fetch(`${u}/api/compounds/CHEMBL25`),
  // Uncached: parse + descriptors really run in a worker each time.
  (u) =>
    post(`${u}/api/query`, { query: "What is the MW of CC(=O)Oc1ccccc1C(=O)O?", options: { cache: false } }),
];

export async function benchHostile(): Promise<string[]> {
  const server = await startServerProcess({ CACHE_WARM: "false" }, "ready");
  const lines: string[] = [];
  try {
    for (const f of ORDINARY) await (await f(server.url)).body?.cancel();
    // Warm-up (JIT, worker start-up, caches), not measured.
    await ordinaryFor(server.url, () => new Promise((r) => setTimeout(r, 2000)));
    // Baseline: ordinary traffic alone.
    const alone = await ordinaryFor(server.url, () => new Promise((r) => setTimeout(r, 3000)));
    lines.push(`ordinary alone: ${alone.n} requests, p50 ${fmt(alone.p50)} ms, p99 ${fmt(alone.p99)} ms`);
    let hostile5xx = 0, hostileN = 0, untyped = 0;
    const perInput: string[] = [];
    const during = await ordinaryFor(server.url, async () => {
      const cases = [
        ...Object.entries(STRUCTURES).flatMap(([n, s]) => Object.keys(ROUTES).map((r) => [n, s, r])),
        ...Object.entries(PATTERNS).map(([n, s]) => [n, s, "substructure"]),
      ];
      for (const [name, s, route] of cases) {
        const ms: number[] = [];
        for (let i = 0; i < REPEAT; i++) {
          const t0 = performance.now();
          const res = await ROUTES[route](server.url, s);
          const body = await res.text();
          ms.push(performance.now() - t0);
          hostileN++;
          if (res.status >= 500) hostile5xx++;
          if (!/"code":"(input_too_complex|invalid_request|invalid_parameter|invalid_smiles)"/.test(body)) {
            untyped++;
          }
        }
        perInput.push(
          `  ${name.padEnd(22)} ${route.padEnd(12)} p50 ${fmt(percentile(ms, 50))} ms  p99 ${
            fmt(percentile(ms, 99))
          } ms  max ${fmt(Math.max(...ms))} ms`,
        );
      }
    });
    lines.push(`hostile: ${hostileN} requests, ${hostile5xx} × 5xx, ${untyped} without a typed error code`);
    lines.push(...perInput);
    lines.push(
      `ordinary during hostile load: ${during.n} requests (${during.errors} errors), p50 ${
        fmt(during.p50)
      } ms, ` +
        `p99 ${fmt(during.p99)} ms [target p99 < 100 ms]`,
    );
    const check = await post(`${server.url}/api/properties`, { smiles: "CC(=O)Oc1ccccc1C(=O)O" });
    const mw = (await check.json()).result?.properties?.molecular_weight;
    lines.push(`afterwards, same process: aspirin MW ${mw} (expected 180.159)`);
    const ready = await (await fetch(`${server.url}/ready`)).json();
    lines.push(`pool: ${JSON.stringify(ready.chemistry?.pool)}`);
  } finally {
    await server.stop();
  }
  return lines;
}

/** Runs ORDINARY_CLIENTS loops of ordinary requests while `during` runs; returns their latencies. */
async function ordinaryFor(url: string, during: () => Promise<unknown>) {
  const ms: number[] = [];
  let stop = false, errors = 0;
  const loops = Array.from({ length: ORDINARY_CLIENTS }, async (_, k) => {
    for (let i = k; !stop; i++) {
      const t0 = performance.now();
      const res = await ORDINARY[i % ORDINARY.length](url);
      await res.body?.cancel();
      if (res.status !== 200) errors++;
      ms.push(performance.now() - t0);
    }
  });
  await during();
  stop = true;
  await Promise.all(loops);
  return { n: ms.length, errors, p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

if (import.meta.main) {
  for (const l of await benchHostile()) console.log(l);
}
