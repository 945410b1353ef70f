/** Cold start to /ready, and req/s of bare /health vs tool and NL query routes on the same server. */
import { createAgent } from "../core/mod.ts";
import { fmt, loadTest, percentile, startServerProcess } from "./lib.ts";

export async function benchHttp(seconds = 5): Promise<string[]> {
  const lines: string[] = [];
  const starts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const s = await startServerProcess();
    starts.push(s.readyMs);
    await s.stop();
  }
  lines.push(
    `cold start (process start → /ready 200): ${
      starts.map((x) => fmt(x, 0)).join(", ")
    } ms  [target < 1500 ms]`,
  );

  // Throughput is measured once start-up work (lazy indices, cache warming) is done, or it measures that work.
  const server = await startServerProcess({}, "warmed");
  try {
    const health = await loadTest(server.url + "/health", { seconds });
    const compound = await loadTest(server.url + "/api/compounds/CHEMBL25", { seconds });
    lines.push(
      `GET /health ${fmt(health.rps, 0)} req/s vs GET /api/compounds/CHEMBL25 ${
        fmt(compound.rps, 0)
      } req/s (${health.tool}) → ratio ${fmt(compound.rps / health.rps)}  [target ≥ 0.50]`,
    );
    const mix = [
      "What is the molecular weight of aspirin?",
      "targets of imatinib",
      "ligands of EGFR",
      "Is caffeine drug-like?",
      "compare aspirin and ibuprofen",
      "What are the targets of gefitinib?",
    ];
    const q = await loadTest(server.url + "/api/query", {
      seconds,
      connections: 16,
      body: JSON.stringify({ query: mix[1] }),
    });
    lines.push(
      `POST /api/query (uncached, "targets of imatinib") ${fmt(q.rps, 0)} req/s, p50 ${
        fmt(q.p50 ?? 0)
      } ms at 16 connections → ratio vs /health ${fmt(q.rps / health.rps)}`,
    );
    // Single-request latency (no concurrency): the p50 a user sees.
    const lat: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t = performance.now();
      const r = await fetch(server.url + "/api/query", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: mix[i % mix.length] }),
      });
      await r.arrayBuffer();
      lat.push(performance.now() - t);
    }
    lines.push(
      `POST /api/query single-step mix, sequential: p50 ${fmt(percentile(lat, 50))} ms, p99 ${
        fmt(percentile(lat, 99))
      } ms  [target p50 < 5 ms]`,
    );
  } finally {
    await server.stop();
  }

  const agent = await createAgent();
  const qs = [
    "What is the molecular weight of aspirin?",
    "targets of imatinib",
    "Find compounds similar to ibuprofen with MW < 300",
    "ligands of EGFR",
    "compare aspirin and ibuprofen",
  ];
  for (let i = 0; i < 200; i++) await agent.understand(qs[i % qs.length]);
  const pp: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t = performance.now();
    await agent.understand(qs[i % qs.length]);
    pp.push(performance.now() - t);
  }
  lines.push(
    `parse + plan alone: p50 ${fmt(percentile(pp, 50), 3)} ms, p99 ${
      fmt(percentile(pp, 99), 3)
    } ms  [target p50 < 0.3 ms]`,
  );
  return lines;
}

if (import.meta.main) {
  for (const l of await benchHttp()) console.log(l);
  Deno.exit(0); // idle chemistry workers would keep the process alive
}
