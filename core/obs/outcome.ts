/** @module What a query's terminal event (result, error or cancelled) says about the query, read in one place
 * for every observer (metrics, rollups, query log). */
import type { QueryEvent } from "../types.ts";

export interface Outcome {
  intent?: string;
  status: string;
  cached?: boolean;
  error?: { code: string; message: string };
  /** The response's own timing; without one (cancelled, failed early) the time since `accepted`, if known. */
  ms?: number;
}

export function outcomeOf(e: QueryEvent, accepted?: QueryEvent): Outcome {
  const r = e.data.response as {
    status?: string;
    intent?: { type: string };
    cached?: boolean;
    error?: { code: string; message: string };
    timing_ms?: { total: number };
  } | undefined;
  return {
    intent: r?.intent?.type,
    status: r?.status ?? (e.type === "cancelled" ? "cancelled" : "error"),
    cached: r?.cached,
    error: (r?.error ?? e.data.error) as Outcome["error"],
    ms: r?.timing_ms?.total ??
      (accepted ? Date.parse(e.timestamp) - Date.parse(accepted.timestamp) : undefined),
  };
}
