/** Tools: runs, latency and error rate per tool, and a usage heatmap by hour of day. */
import { downloadCsv, useApi } from "../api.ts";
import { Panel } from "../components.tsx";
import { ms, pct } from "../format.ts";
import type { Range, ToolStats } from "../types.ts";

export function Tools({ range }: { range: Range }) {
  const { data } = useApi<{ tools: ToolStats[] }>(
    `/api/metrics/tools?origin=${range.origin}`,
    range.bump,
  );
  const tools = data?.tools ?? [];
  const max = Math.max(1, ...tools.flatMap((t) => t.by_hour));
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
            {tools.map((t) => (
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
            {tools.map((t) => (
              <tr key={t.tool}>
                <td style={{ color: "#1b2430", textAlign: "left" }}>
                  {t.tool}
                </td>
                {t.by_hour.map((v, h) => (
                  <td
                    key={h}
                    style={{
                      background: `rgba(31,95,168,${v ? 0.15 + 0.85 * v / max : 0.04})`,
                    }}
                  >
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
