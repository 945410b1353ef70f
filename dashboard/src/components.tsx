/** Presentational pieces shared by the pages: cards with definitions on hover, panels, the query table and a
 * metric-over-time chart. */
import type { ComponentChildren } from "preact";
import { ChartView } from "./chart.tsx";
import { useApi } from "./api.ts";
import { DEFINITIONS } from "./definitions.ts";
import { BUCKET, BUCKET_MS, ms } from "./format.ts";
import type { HistoryPoint, QueryRecord, Range } from "./types.ts";

export function Card(
  { label, value, cls, hint, sub, id }: {
    label: string;
    value: string | number;
    cls?: string;
    /** Definition shown on hover. */
    hint?: string;
    sub?: string;
    id?: string;
  },
) {
  return (
    <div class="card" title={hint} id={id}>
      <div class="label">
        {label}
        {hint && <span class="hint" aria-label={hint}>?</span>}
      </div>
      <div class={`value ${cls ?? ""}`}>{value}</div>
      {sub && <div class="sub">{sub}</div>}
    </div>
  );
}

export function Panel(
  { title, children, csv, hint }: {
    title: string;
    children: ComponentChildren;
    csv?: () => void;
    hint?: string;
  },
) {
  return (
    <div class="panel">
      <h3 title={hint}>
        {title} {hint && <span class="hint">?</span>}{" "}
        {csv && <button type="button" class="csv" onClick={csv}>CSV</button>}
      </h3>
      {children}
    </div>
  );
}

export function QueryTable({ rows }: { rows: QueryRecord[] }) {
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

/** Points of one metric over the range, one per bucket, empty buckets filled (zero for counts, a gap for
 * rates and latencies) so a quiet hour reads as quiet, not as a line drawn between two busy minutes. */
export function useHistory(
  metric: string,
  range: Range,
): { labels: string[]; values: (number | null)[] } {
  const { window, from, to, bump, origin } = range;
  const bucket = BUCKET[window];
  const { data } = useApi<{ points: HistoryPoint[] }>(
    `/api/metrics/history?metric=${metric}&window=${bucket}&from=${from}&to=${to}&origin=${origin}`,
    bump,
  );
  const step = BUCKET_MS[bucket];
  const byT = new Map(
    (data?.points ?? []).map((p) => [Date.parse(p.t), p.value]),
  );
  const counts = metric === "queries" || metric.endsWith("errors") ||
    metric === "answered";
  const labels: string[] = [];
  const values: (number | null)[] = [];
  const long = to - from > 2 * 86_400_000;
  for (let t = Math.floor(from / step) * step; t <= to; t += step) {
    labels.push(
      long
        ? new Date(t).toLocaleDateString([], { month: "short", day: "numeric" })
        : new Date(t).toLocaleTimeString([], {
          hour: "2-digit",
          minute: "2-digit",
        }),
    );
    values.push(byT.get(t) ?? (counts ? 0 : null));
  }
  return { labels, values };
}

export function History(
  { metric, range, label, color, scale = 1, type = "line" }: {
    metric: string;
    type?: "line" | "bar";
    range: Range;
    label: string;
    color?: string;
    /** Multiplier applied to every value (e.g. per-minute rates from per-bucket counts). */
    scale?: number;
  },
) {
  const { labels, values } = useHistory(metric, range);
  return (
    <ChartView
      type={type}
      labels={labels}
      series={[{
        label,
        values: values.map((v) => (v === null ? null : v * scale)),
        color,
      }]}
    />
  );
}

/** The p95 latency over the range (Overview and Performance show the same panel). */
export function LatencyP95Panel({ range }: { range: Range }) {
  return (
    <Panel title="p95 latency (ms)" hint={DEFINITIONS.p95}>
      <History metric="latency_p95" range={range} label="p95 ms" color="#b26a00" />
    </Panel>
  );
}

/** The cache hit rate over the range, in percent (Overview and Caching). */
export function HitRatePanel({ range, title }: { range: Range; title: string }) {
  return (
    <Panel title={title} hint={DEFINITIONS.cache_hit_rate}>
      <History metric="cache_hit_rate" range={range} label="hit rate" color="#2f7d32" scale={100} />
    </Panel>
  );
}

/** One bar per key of `counts`, in one colour. */
export function CountBars(
  { counts, label, color, height }: {
    counts: Record<string, number>;
    label: string;
    color: string;
    height?: number;
  },
) {
  return (
    <ChartView
      type="bar"
      labels={Object.keys(counts)}
      series={[{ label, values: Object.values(counts), color }]}
      height={height}
    />
  );
}
