/** Caching: the cache hit rate (the same figure as on Overview), per-tier lookups, hit rate over time, the
 * most reused answers. */
import { downloadCsv, useApi } from "../api.ts";
import { ChartView } from "../chart.tsx";
import { Card, HitRatePanel, Panel } from "../components.tsx";
import { DEFINITIONS } from "../definitions.ts";
import { pct } from "../format.ts";
import type { CacheStatsSnapshot, MetricsSummary, Range } from "../types.ts";

export function Caching({ range }: { range: Range }) {
  const { window, bump, origin } = range;
  const { data: s } = useApi<MetricsSummary>(
    `/api/metrics/summary?window=${window}&origin=${origin}`,
    bump,
  );
  const { data: c } = useApi<CacheStatsSnapshot>(`/api/cache/stats`, bump);
  const tiers = Object.entries(c?.tiers ?? {});
  return (
    <>
      <div class="cards">
        <Card
          id="card-hit-rate"
          label="Cache hit rate"
          value={pct(s?.cache_hit_rate)}
          hint={DEFINITIONS.cache_hit_rate}
        />
        {tiers.map(([name, t]) => (
          <Card
            key={name}
            label={`${name.toUpperCase()} lookups served`}
            value={pct(t.hit_ratio)}
            hint={DEFINITIONS.tier_lookups}
          />
        ))}
        <Card label="L1 size" value={c ? `${c.l1.entries} entries` : "—"} />
        <Card
          label="Evictions"
          value={tiers.reduce((a, [, t]) => a + t.evictions, 0)}
        />
        <Card label="Computations" value={c?.computations ?? "—"} />
      </div>
      <div class="grid2">
        <HitRatePanel range={range} title="Cache hit rate over time (%)" />
        <Panel
          title="Lookups per tier (hits and misses)"
          hint={DEFINITIONS.tier_lookups}
        >
          <ChartView
            type="bar"
            labels={tiers.map(([n]) => n)}
            series={[{
              label: "hits",
              values: tiers.map(([, t]) => t.hits),
              color: "#2f7d32",
            }, {
              label: "misses",
              values: tiers.map(([, t]) => t.misses),
              color: "#b3261e",
            }]}
          />
        </Panel>
      </div>
      <Panel
        title="Top cached queries"
        csv={() => downloadCsv("top-keys.csv", c?.top_keys)}
      >
        <table>
          <thead>
            <tr>
              <th>key</th>
              <th>hits</th>
            </tr>
          </thead>
          <tbody>
            {(c?.top_keys ?? []).map((k) => (
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
