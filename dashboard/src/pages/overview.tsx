/** Overview: user traffic at a glance — how many questions, how they ended (answered / user error / system
 * error, adding up to the total), the cache hit rate, latency, four charts and the live feed. */
import { downloadCsv, type LiveEvent, useApi } from "../api.ts";
import { ChartView } from "../chart.tsx";
import { Card, History, HitRatePanel, LatencyP95Panel, Panel, useHistory } from "../components.tsx";
import { DEFINITIONS } from "../definitions.ts";
import { BUCKET, BUCKET_MS, ms, pct } from "../format.ts";
import type { CacheStatsSnapshot, MetricsSummary, Range } from "../types.ts";

/** "12 (60.0%)": a count with its share of the total. */
const share = (n: number | undefined, total: number | undefined) =>
  n === undefined ? "—" : total ? `${n} (${pct(n / total)})` : String(n);

/** The three outcomes every query ends in (they add up to the total), with the colour each count earns. */
const OUTCOME_CARDS = [
  { key: "answered", id: "card-answered", label: "Answered", cls: () => "ok" },
  { key: "user_error", id: "card-user-errors", label: "User errors", cls: (n?: number) => n ? "warn" : "" },
  {
    key: "system_error",
    id: "card-system-errors",
    label: "System errors",
    cls: (n?: number) => n ? "err" : "ok",
  },
] as const;

export function Overview({ range, live }: { range: Range; live: LiveEvent[] }) {
  const { window, bump, origin } = range;
  const { data: s } = useApi<MetricsSummary>(
    `/api/metrics/summary?window=${window}&origin=${origin}`,
    bump,
  );
  const { data: cache } = useApi<CacheStatsSnapshot>(`/api/cache/stats`, bump);
  const o = s?.outcomes;
  const perMinute = 60_000 / BUCKET_MS[BUCKET[window]];
  const userErrors = useHistory("user_errors", range);
  const systemErrors = useHistory("errors", range);
  const shown = live.filter((e) => origin === "all" || (e.origin ?? "user") === "user");
  return (
    <>
      <div class="cards">
        <Card
          id="card-queries"
          label={`${origin === "all" ? "All" : "User"} queries (${window})`}
          value={s?.queries ?? "—"}
          hint={DEFINITIONS.queries}
        />
        {OUTCOME_CARDS.map(({ key, id, label, cls }) => (
          <Card
            key={id}
            id={id}
            label={label}
            value={share(o?.[key], s?.queries)}
            cls={cls(o?.[key])}
            hint={DEFINITIONS[key]}
          />
        ))}
        <Card
          id="card-hit-rate"
          label="Cache hit rate"
          value={pct(s?.cache_hit_rate)}
          hint={DEFINITIONS.cache_hit_rate}
        />
        <Card
          label="p95 latency"
          value={s ? `≤ ${ms(s.latency_ms.p95)}` : "—"}
          hint={DEFINITIONS.p95}
        />
        <Card label="L1 entries" value={cache?.l1.entries ?? "—"} />
        <Card
          label="Health score"
          value={s ? `${s.health_score}/100` : "—"}
          cls={s && s.health_score < 80 ? "warn" : "ok"}
          hint={DEFINITIONS.health}
        />
      </div>
      <div class="grid2" id="overview-charts">
        <Panel title="Queries per minute">
          <History
            metric="queries"
            range={range}
            label="queries/min"
            scale={perMinute}
            type="bar"
          />
        </Panel>
        <LatencyP95Panel range={range} />
        <Panel
          title="Errors"
          hint={`${DEFINITIONS.user_error}\n${DEFINITIONS.system_error}`}
        >
          <ChartView
            type="bar"
            stacked
            labels={systemErrors.labels}
            series={[
              {
                label: "system errors",
                values: systemErrors.values,
                color: "#b3261e",
              },
              {
                label: "user errors",
                values: userErrors.values,
                color: "#b26a00",
              },
            ]}
          />
        </Panel>
        <HitRatePanel range={range} title="Cache hit rate (%)" />
      </div>
      <Panel
        title="Live: last finished queries"
        csv={() => downloadCsv("live.csv", shown)}
      >
        <table id="live-table">
          <thead>
            <tr>
              <th>time</th>
              <th>intent</th>
              <th>status</th>
              {origin === "all" && <th>origin</th>}
              <th>cached</th>
              <th>latency</th>
            </tr>
          </thead>
          <tbody>
            {shown.slice(0, 10).map((e) => (
              <tr key={e.query_id}>
                <td>{new Date(e.at).toLocaleTimeString()}</td>
                <td>{e.intent}</td>
                <td class={e.status === "error" ? "err" : "ok"}>{e.status}</td>
                {origin === "all" && <td>{e.origin}</td>}
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
