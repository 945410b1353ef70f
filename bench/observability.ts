/** Cost of instrumentation on the cached-query path (L1 hits, the hottest path): metrics + logs + rollups on
 * vs off, and tracing with the npm OpenTelemetry SDK vs Deno's built-in OTel (OTEL_DENO) vs none.
 * Runs alternate A/B twice and report the median. */
import { fmt, loadTest, startServerProcess } from "./lib.ts";

export async function benchObservability(seconds = 4): Promise<string[]> {
  // A local OTLP/HTTP sink so exporters really send (loopback only).
  let received = 0;
  const sink = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    await req.arrayBuffer();
    received++;
    return new Response("{}", { headers: { "content-type": "application/json" } });
  });
  const otlp = `http://127.0.0.1:${(sink.addr as Deno.NetAddr).port}`;
  const path = "/api/query?q=" + encodeURIComponent("What are the targets of imatinib?");
  const measure = async (env: Record<string, string>) => {
    const s = await startServerProcess({ CACHE_WARM: "false", LOG_LEVEL: "warn", ...env }, "indices");
    try {
      await fetch(s.url + path).then((r) => r.arrayBuffer());
      return (await loadTest(s.url + path, { seconds })).rps;
    } finally {
      await s.stop();
    }
  };
  const variants: Record<string, Record<string, string>> = {
    "uninstrumented": { CHEMAGENT_FEATURES: "no-metrics" },
    "metrics+logs+rollups": {},
    "metrics + npm OTel SDK (100% sampled)": { OTEL_EXPORTER_OTLP_ENDPOINT: otlp },
    "metrics + Deno built-in OTel": {
      OTEL_DENO: "true",
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      CHEMAGENT_FEATURES: "no-npm-tracing",
    },
  };
  const results: Record<string, number[]> = {};
  for (let round = 0; round < 3; round++) {
    for (const [name, env] of Object.entries(variants)) (results[name] ??= []).push(await measure(env));
  }
  await sink.shutdown();
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const base = median(results["uninstrumented"]);
  return [
    `cached GET /api/query throughput (${seconds}s × 3 rounds, median):`,
    ...Object.entries(results).map(([name, xs]) =>
      `  ${name.padEnd(40)} ${fmt(median(xs), 0)} req/s  (${
        fmt((1 - median(xs) / base) * 100, 1)
      }% loss vs uninstrumented)`
    ),
    `  OTLP requests received by the local sink: ${received}`,
  ];
}

if (import.meta.main) {
  for (const l of await benchObservability(Number(Deno.env.get("BENCH_SECONDS") ?? 4))) console.log(l);
}
