/** Queries: the most recent and the slowest queries of the last hour. */
import { downloadCsv, useApi } from "../api.ts";
import { Panel, QueryTable } from "../components.tsx";
import type { QueryRecord, Range } from "../types.ts";

export function Queries({ range }: { range: Range }) {
  const { origin, bump } = range;
  const { data: recent } = useApi<{ queries: QueryRecord[] }>(
    `/api/metrics/queries?limit=100&origin=${origin}`,
    bump,
    3000,
  );
  const { data: slow } = useApi<{ queries: QueryRecord[] }>(
    `/api/metrics/slow-queries?limit=20&origin=${origin}`,
    bump,
  );
  return (
    <>
      <Panel
        title="Recent queries"
        csv={() => downloadCsv("queries.csv", recent?.queries)}
      >
        <QueryTable rows={recent?.queries ?? []} />
      </Panel>
      <Panel title="Slow queries (last hour)">
        <QueryTable rows={slow?.queries ?? []} />
      </Panel>
    </>
  );
}
