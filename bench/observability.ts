/** Cost of instrumentation on the cached-query path (L1 hits, the hottest path): metrics + logs + rollups on
 * vs off (interleaved rounds, medians: this 2-core machine shares its CPU between wrk and the server, so
 * single runs vary by ±10%), plus server CPU time per request, which is steadier; then tracing with the npm
 * OpenTelemetry SDK vs Deno's built-in OTel. */
import { fmt, loadTest, startServerProcess } from "./lib.ts";

async function serverCpuSeconds(port: string): Promise<number> {
  const out = await new Deno.Command("sh", {
    args: ["-c", `ss -ltnp 'sport = :${port}' | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2`],
    stdout: "piped",
  }).output();
  const pid = new TextDecoder().decode(out.stdout).trim();
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => "");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, clock ticks (100/s)
}

export async function benchObservability(seconds = 3, rounds = 6): Promise<string[]> {
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
      const port = new URL(s.url).port;
      const c0 = await serverCpuSeconds(port);
      const r = await loadTest(s.url + path, { seconds });
      const c1 = await serverCpuSeconds(port);
      return { rps: r.rps, cpuUs: ((c1 - c0) / Math.max(1, r.rps * seconds)) * 1e6 };
    } finally {
      await s.stop();
    }
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const main: Record<string, Record<string, string>> = {
    "uninstrumented": { CHEMAGENT_FEATURES: "no-metrics" },
    "metrics+logs+rollups": {},
  };
  const res: Record<string, { rps: number[]; cpu: number[] }> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, env] of Object.entries(main)) {
      const m = await measure(env);
      (res[name] ??= { rps: [], cpu: [] }).rps.push(m.rps);
      res[name].cpu.push(m.cpuUs);
    }
  }
  const tracing: Record<string, Record<string, string>> = {
    "metrics + npm OTel SDK (100% sampled)": { OTEL_EXPORTER_OTLP_ENDPOINT: otlp },
    "metrics + Deno built-in OTel": {
      OTEL_DENO: "true",
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      CHEMAGENT_FEATURES: "no-npm-tracing",
    },
  };
  for (const [name, env] of Object.entries(tracing)) {
    for (let r = 0; r < 2; r++) {
      const m = await measure(env);
      (res[name] ??= { rps: [], cpu: [] }).rps.push(m.rps);
      res[name].cpu.push(m.cpuUs);
    }
  }
  await sink.shutdown();
  const base = res["uninstrumented"];
  return [
    `cached GET /api/query, ${seconds}s runs (instrumentation on/off interleaved ${rounds}×; medians):`,
    ...Object.entries(res).map(([name, v]) =>
      `  ${name.padEnd(40)} ${fmt(median(v.rps), 0)} req/s (${
        fmt((1 - median(v.rps) / median(base.rps)) * 100, 1)
      }% loss), server CPU ${fmt(median(v.cpu), 1)} µs/request (+${
        fmt((median(v.cpu) / median(base.cpu) - 1) * 100, 1)
      }%)  [target ≤ 5% loss]`
    ),
    `  OTLP requests received by the local sink: ${received}`,
  ];
}

if (import.meta.main) {
  for (const l of await benchObservability(Number(Deno.env.get("BENCH_SECONDS") ?? 3))) console.log(l);
}
