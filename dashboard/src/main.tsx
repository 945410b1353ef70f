/** The operations dashboard: Overview, Performance, Caching, Tools, Errors, Queries — live over WebSocket. */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { API, downloadCsv, type LiveEvent, useApi, useLive } from "./api.ts";
import { ChartView } from "./chart.tsx";

// deno-lint-ignore no-explicit-any
type Any = any;
const PAGES = ["overview", "performance", "caching", "tools", "errors", "queries"] as const;
type Page = typeof PAGES[number];
const pct = (
  x: number | null | undefined,
) => (x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)}%`);
const ms = (
  x: number | null | undefined,
) => (x === null || x === undefined ? "—" : `${Number(x).toFixed(x < 10 ? 2 : 0)} ms`);
const BUCKET: Record<string, string> = { "1h": "1m", "24h": "5m", "7d": "1h", "30d": "1d" };
const SPAN: Record<string, number> = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

function usePage(): Page {
  const get = () => (PAGES.find((p) => location.hash === `#/${p}`) ?? "overview");
  const [page, setPage] = useState<Page>(get());
  useEffect(() => {
    const on = () => setPage(get());
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return page;
}

function Card({ label, value, cls }: { label: string; value: string | number; cls?: string }) {
  return (
    <div class="card">
      <div class="label">{label}</div>
      <div class={`value ${cls ?? ""}`}>{value}</div>
    </div>
  );
}

function Panel({ title, children, csv }: { title: string; children: Any; csv?: () => void }) {
  return (
    <div class="panel">
      <h3>
        {title} {csv && <button type="button" class="csv" onClick={csv}>CSV</button>}
      </h3>
      {children}
    </div>
  );
}

/** The time range every page shows: window preset, explicit from/to (epoch ms), and the live refresh counter. */
type Range = { window: string; from: number; to: number; bump: number };

function History(
  { metric, range, label, color }: { metric: string; range: Range; label: string; color?: string },
) {
  const { window, from, to, bump } = range;
  const { data } = useApi<{ points: { t: string; value: number }[] }>(
    `/api/metrics/history?metric=${metric}&window=${BUCKET[window]}&from=${from}&to=${to}`,
    bump,
  );
  const pts = data?.points ?? [];
  return (
    <ChartView
      labels={pts.map((p) => new Date(p.t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }))}
      series={[{ label, values: pts.map((p) => p.value), color }]}
    />
  );
}

function Overview({ window, bump, live }: { window: string; bump: number; live: LiveEvent[] }) {
  const { data: s } = useApi<Any>(`/api/metrics/summary?window=${window}`, bump);
  const { data: cache } = useApi<Any>(`/api/cache/stats`, bump);
  return (
    <>
      <div class="cards">
        <Card label="Queries (24 h)" value={s?.windows?.["24h"] ?? "—"} />
        <Card label="Queries (7 d)" value={s?.windows?.["7d"] ?? "—"} />
        <Card label="Queries (30 d)" value={s?.windows?.["30d"] ?? "—"} />
        <Card
          label="Success rate"
          value={pct(s?.success_rate)}
          cls={s && s.success_rate < 0.95 ? "err" : "ok"}
        />
        <Card label="Avg latency" value={ms(s?.latency_ms?.avg)} />
        <Card label="Cache hit rate" value={pct(s?.cache_hit_rate)} />
        <Card label="L1 entries" value={cache?.l1?.entries ?? "—"} />
        <Card
          label="Health score"
          value={s ? `${s.health_score}/100` : "—"}
          cls={s && s.health_score < 80 ? "warn" : "ok"}
        />
      </div>
      <Panel title="Live: last finished queries" csv={() => downloadCsv("live.csv", live as Any)}>
        <table id="live-table">
          <thead>
            <tr>
              <th>time</th>
              <th>intent</th>
              <th>status</th>
              <th>cached</th>
              <th>latency</th>
            </tr>
          </thead>
          <tbody>
            {live.slice(0, 10).map((e) => (
              <tr key={e.query_id}>
                <td>{new Date(e.at).toLocaleTimeString()}</td>
                <td>{e.intent}</td>
                <td class={e.status === "error" ? "err" : "ok"}>{e.status}</td>
                <td>{String(e.cached)}</td>
                <td class="num">{ms(e.ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  );
}

function Performance(range: Range) {
  const { window, bump } = range;
  const { data: s } = useApi<Any>(`/api/metrics/summary?window=${window}`, bump);
  const { data: slow } = useApi<Any>(`/api/metrics/slow-queries?limit=10`, bump);
  return (
    <>
      <div class="cards">
        {["p50", "p75", "p95", "p99"].map((p) => (
          <Card key={p} label={`Latency ${p}`} value={ms(s?.latency_ms?.[p])} />
        ))}
        <Card label="Queries in window" value={s?.queries ?? "—"} />
      </div>
      <div class="grid2">
        <Panel title="Throughput (queries per bucket)">
          <History metric="queries" range={range} label="queries" />
        </Panel>
        <Panel title="p95 latency (ms)">
          <History
            metric="latency_p95"
            range={range}
            label="p95 ms"
            color="#b26a00"
          />
        </Panel>
      </div>
      <div class="grid2">
        <Panel title="Duration distribution (queries per latency bucket)">
          <ChartView
            type="bar"
            labels={(s?.latency_histogram?.bounds_ms ?? []).map((b: number) => `≤${b} ms`).concat(["more"])}
            series={[{ label: "queries", values: s?.latency_histogram?.counts ?? [] }]}
          />
        </Panel>
        <Panel title="Queries by intent">
          <ChartView
            type="bar"
            labels={Object.keys(s?.by_intent ?? {})}
            series={[{
              label: "queries",
              values: Object.values(s?.by_intent ?? {}).map((v: Any) => v.count),
            }]}
          />
        </Panel>
      </div>
      <Panel title="Slowest queries" csv={() => downloadCsv("slow-queries.csv", slow?.queries ?? [])}>
        <QueryTable rows={slow?.queries ?? []} />
      </Panel>
    </>
  );
}

function Caching(range: Range) {
  const { bump } = range;
  const { data: c } = useApi<Any>(`/api/cache/stats`, bump);
  const tiers = Object.entries(c?.tiers ?? {}) as [string, Any][];
  return (
    <>
      <div class="cards">
        {tiers.map(([name, t]) => (
          <Card key={name} label={`${name.toUpperCase()} hit ratio`} value={pct(t.hit_ratio)} />
        ))}
        <Card label="L1 size" value={c ? `${c.l1.entries} entries` : "—"} />
        <Card label="Evictions" value={tiers.reduce((a, [, t]) => a + t.evictions, 0)} />
        <Card label="Computations" value={c?.computations ?? "—"} />
      </div>
      <div class="grid2">
        <Panel title="Hit rate over time">
          <History
            metric="cache_hit_rate"
            range={range}
            label="hit rate"
            color="#2f7d32"
          />
        </Panel>
        <Panel title="Hits and misses per tier">
          <ChartView
            type="bar"
            labels={tiers.map(([n]) => n)}
            series={[{ label: "hits", values: tiers.map(([, t]) => t.hits), color: "#2f7d32" }, {
              label: "misses",
              values: tiers.map(([, t]) => t.misses),
              color: "#b3261e",
            }]}
          />
        </Panel>
      </div>
      <Panel title="Top cached queries" csv={() => downloadCsv("top-keys.csv", c?.top_keys ?? [])}>
        <table>
          <thead>
            <tr>
              <th>key</th>
              <th>hits</th>
            </tr>
          </thead>
          <tbody>
            {(c?.top_keys ?? []).map((k: Any) => (
              <tr key={k.key}>
                <td>{k.label}</td>
                <td class="num">{k.hits}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  );
}

function Tools({ bump }: { bump: number }) {
  const { data } = useApi<Any>(`/api/metrics/tools`, bump);
  const tools = data?.tools ?? [];
  const max = Math.max(1, ...tools.flatMap((t: Any) => t.by_hour));
  return (
    <>
      <Panel title="Per tool" csv={() => downloadCsv("tools.csv", tools)}>
        <table id="tools-table">
          <thead>
            <tr>
              <th>tool</th>
              <th>runs</th>
              <th>avg latency</th>
              <th>error rate</th>
            </tr>
          </thead>
          <tbody>
            {tools.map((t: Any) => (
              <tr key={t.tool}>
                <td>{t.tool}</td>
                <td class="num">{t.count}</td>
                <td class="num">{ms(t.avg_ms)}</td>
                <td class="num">{pct(t.error_rate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
      <Panel title="Usage heatmap (runs per hour of day, UTC)">
        <table class="heat">
          <thead>
            <tr>
              <th>tool</th>
              {Array.from({ length: 24 }, (_, h) => <th key={h}>{h}</th>)}
            </tr>
          </thead>
          <tbody>
            {tools.map((t: Any) => (
              <tr key={t.tool}>
                <td style={{ color: "#1b2430", textAlign: "left" }}>{t.tool}</td>
                {t.by_hour.map((v: number, h: number) => (
                  <td key={h} style={{ background: `rgba(31,95,168,${v ? 0.15 + 0.85 * v / max : 0.04})` }}>
                    {v || ""}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  );
}

function Errors(range: Range) {
  const { bump } = range;
  const { data } = useApi<Any>(`/api/metrics/errors?limit=100`, bump, 3000);
  const errors = data?.errors ?? [];
  const [open, setOpen] = useState<number | null>(null);
  const byType: Record<string, number> = {};
  const byIntent: Record<string, number> = {};
  for (const e of errors) {
    byType[e.error_code] = (byType[e.error_code] ?? 0) + 1;
    byIntent[e.intent] = (byIntent[e.intent] ?? 0) + 1;
  }
  return (
    <>
      <div class="grid2">
        <Panel title="Errors by type">
          <ChartView
            type="bar"
            labels={Object.keys(byType)}
            series={[{ label: "errors", values: Object.values(byType), color: "#b3261e" }]}
          />
        </Panel>
        <Panel title="Service error trend">
          <History
            metric="errors"
            range={range}
            label="errors"
            color="#b3261e"
          />
        </Panel>
      </div>
      <Panel title="By intent">
        <ChartView
          type="bar"
          labels={Object.keys(byIntent)}
          series={[{ label: "errors", values: Object.values(byIntent), color: "#b26a00" }]}
          height={160}
        />
      </Panel>
      <Panel title="Last 100 errors" csv={() => downloadCsv("errors.csv", errors)}>
        <table id="errors-table">
          <thead>
            <tr>
              <th>time</th>
              <th>code</th>
              <th>intent</th>
              <th>query</th>
              <th>message</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {errors.map((e: Any, i: number) => (
              <>
                <tr key={`${e.query_id}${i}`}>
                  <td>{new Date(e.ts).toLocaleTimeString()}</td>
                  <td class="err">{e.error_code}</td>
                  <td>{e.intent}</td>
                  <td>{e.query}</td>
                  <td>{e.error_message}</td>
                  <td>
                    {e.stack && (
                      <button
                        type="button"
                        onClick={() => setOpen(open === i ? null : i)}
                      >
                        stack
                      </button>
                    )}
                  </td>
                </tr>
                {open === i && (
                  <tr>
                    <td colSpan={6}>
                      <pre class="stack">{e.stack}</pre>
                    </td>
                  </tr>
                )}
              </>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  );
}

function QueryTable({ rows }: { rows: Any[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th>time</th>
          <th>query</th>
          <th>intent</th>
          <th>status</th>
          <th>cached</th>
          <th>latency</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((q, i) => (
          <tr key={`${q.query_id}${i}`}>
            <td>{new Date(q.ts).toLocaleTimeString()}</td>
            <td>{q.query}</td>
            <td>{q.intent}</td>
            <td class={q.status === "error" ? "err" : "ok"}>{q.status}</td>
            <td>{String(q.cached)}</td>
            <td class="num">{ms(q.ms)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Queries({ bump }: { bump: number }) {
  const { data: recent } = useApi<Any>(`/api/metrics/queries?limit=100`, bump, 3000);
  const { data: slow } = useApi<Any>(`/api/metrics/slow-queries?limit=20`, bump);
  return (
    <>
      <Panel title="Recent queries" csv={() => downloadCsv("queries.csv", recent?.queries ?? [])}>
        <QueryTable rows={recent?.queries ?? []} />
      </Panel>
      <Panel title="Slow queries (last hour)">
        <QueryTable rows={slow?.queries ?? []} />
      </Panel>
    </>
  );
}

function App() {
  const page = usePage();
  const [window, setWindow] = useState("24h");
  const [picked, setPicked] = useState<{ from?: string; to?: string }>({});
  const live = useLive();
  const to = picked.to ? Date.parse(picked.to) : Date.now() + 60_000;
  const from = picked.from ? Date.parse(picked.from) : to - SPAN[window];
  const range: Range = { window, bump: live.version, from, to };
  return (
    <>
      <header>
        <h1>ChemAgent dashboard</h1>
        <nav>
          {PAGES.map((p) => (
            <a key={p} href={`#/${p}`} class={p === page ? "active" : ""}>
              {p[0].toUpperCase() + p.slice(1)}
            </a>
          ))}
        </nav>
        <div class="controls">
          <span class="live">
            <span class={`dot ${live.connected ? "on" : ""}`} />
            {live.connected ? "live" : "offline"}
          </span>
          <select
            id="window"
            value={window}
            onChange={(e) => setWindow((e.target as HTMLSelectElement).value)}
          >
            {Object.keys(SPAN).map((w) => <option key={w} value={w}>last {w}</option>)}
          </select>
          <input
            type="datetime-local"
            aria-label="from"
            onChange={(e) => setPicked((r) => ({ ...r, from: (e.target as HTMLInputElement).value }))}
          />
          <input
            type="datetime-local"
            aria-label="to"
            onChange={(e) => setPicked((r) => ({ ...r, to: (e.target as HTMLInputElement).value }))}
          />
          <a id="pdf" class="button" href={`${API}/api/metrics/report.pdf?window=${window}`} download>PDF</a>
        </div>
      </header>
      <main id={`page-${page}`}>
        {page === "overview" && <Overview {...range} live={live.events} />}
        {page === "performance" && <Performance {...range} />}
        {page === "caching" && <Caching {...range} />}
        {page === "tools" && <Tools bump={live.version} />}
        {page === "errors" && <Errors {...range} />}
        {page === "queries" && <Queries bump={live.version} />}
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
