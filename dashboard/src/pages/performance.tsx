/** Performance: latency percentiles, throughput, duration distribution, queries by intent, slowest queries. */
import { downloadCsv, useApi } from "../api.ts";
import { ChartView } from "../chart.tsx";
import { Card, History, LatencyP95Panel, Panel, QueryTable } from "../components.tsx";
import { DEFINITIONS } from "../definitions.ts";
import { ms } from "../format.ts";
import type { MetricsSummary, QueryRecord, Range } from "../types.ts";

export function Performance({ range }: { range: Range }) {
  const { window, bump, origin } = range;
  const { data: s } = useApi<MetricsSummary>(
    `/api/metrics/summary?window=${window}&origin=${origin}`,
    bump,
  );
  const { data: slow } = useApi<{ queries: QueryRecord[] }>(
    `/api/metrics/slow-queries?limit=10&origin=${origin}`,
    bump,
  );
  const intents = Object.entries(s?.by_intent ?? {});
  return (
    <>
      <div class="cards">
        {(["p50", "p75", "p95", "p99"] as const).map((p) => (
          <Card key={p} label={`Latency ${p}`} value={ms(s?.latency_ms[p])} />
        ))}
        <Card
          label="Queries in window"
          value={s?.queries ?? "—"}
          hint={DEFINITIONS.queries}
        />
      </div>
      <div class="grid2">
        <Panel title="Throughput (queries per bucket)">
          <History metric="queries" range={range} label="queries" type="bar" />
        </Panel>
        <LatencyP95Panel range={range} />
      </div>
      <div class="grid2">
        <Panel title="Duration distribution (queries per latency bucket)">
          <ChartView
            type="bar"
            labels={(s?.latency_histogram.bounds_ms ?? []).map((b) => `≤${b} ms`).concat(["more"])}
            series={[{
              label: "queries",
              values: s?.latency_histogram.counts ?? [],
            }]}
          />
        </Panel>
        <Panel title="Queries by intent">
          <ChartView
            type="bar"
            labels={intents.map(([k]) => k)}
            series={[{
              label: "queries",
              values: intents.map(([, v]) => v.count),
            }]}
          />
        </Panel>
      </div>
      <Panel
        title="Slowest queries"
        csv={() => downloadCsv("slow-queries.csv", slow?.queries)}
      >
        <QueryTable rows={slow?.queries ?? []} />
      </Panel>
    </>
  );
}
