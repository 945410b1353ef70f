/** Errors: by code and intent, the system-error trend, and the last 100 errors with stacks for operators. */
import { Fragment } from "preact";
import { useState } from "preact/hooks";
import { downloadCsv, useApi } from "../api.ts";
import { CountBars, History, Panel } from "../components.tsx";
import { DEFINITIONS } from "../definitions.ts";
import type { ErrorRecord, Range } from "../types.ts";

function countBy(
  errors: ErrorRecord[],
  key: (e: ErrorRecord) => string | undefined,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of errors) {
    const k = key(e) ?? "unknown";
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

export function Errors({ range }: { range: Range }) {
  const { data } = useApi<{ errors: ErrorRecord[] }>(
    `/api/metrics/errors?limit=100&origin=${range.origin}`,
    range.bump,
    3000,
  );
  const errors = data?.errors ?? [];
  const [open, setOpen] = useState<number | null>(null);
  const byType = countBy(errors, (e) => e.error_code);
  const byIntent = countBy(errors, (e) => e.intent);
  return (
    <>
      <div class="grid2">
        <Panel title="Errors by type">
          <CountBars counts={byType} label="errors" color="#b3261e" />
        </Panel>
        <Panel title="System error trend" hint={DEFINITIONS.system_error}>
          <History metric="errors" range={range} label="system errors" color="#b3261e" type="bar" />
        </Panel>
      </div>
      <Panel title="By intent">
        <CountBars counts={byIntent} label="errors" color="#b26a00" height={160} />
      </Panel>
      <Panel
        title="Last 100 errors"
        csv={() => downloadCsv("errors.csv", errors)}
      >
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
            {errors.map((e, i) => (
              <Fragment key={`${e.query_id}${i}`}>
                <tr>
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
              </Fragment>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  );
}
