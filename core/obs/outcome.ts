/** @module What a query's terminal event (result, error or cancelled) says about the query, read in one place
 * for every observer (metrics, rollups, query log, the live dashboard feed). */
import type { QueryEvent } from "../types.ts";

/** How a query ended, for people reading the dashboard (the three add up to every query):
 * - `answered`: the service answered (success, partial with what it could, or a clarifying question);
 * - `user_error`: the request could not be answered as asked (unknown name, invalid SMILES, nonsense,
 *   out of scope, missing data) or the client cancelled it — the service worked;
 * - `system_error`: the service failed (internal error, timeout, an upstream unavailable). */
export type OutcomeKind = "answered" | "user_error" | "system_error";

/** Error codes that are the service's fault; every other error is the request's. */
export const SYSTEM_ERROR_CODES: ReadonlySet<string> = new Set([
  "internal",
  "timeout",
  "upstream_unavailable",
]);

export function outcomeKind(status: string, errorCode?: string): OutcomeKind {
  if (status === "success" || status === "partial" || status === "clarification_needed") return "answered";
  if (status === "cancelled") return "user_error";
  return SYSTEM_ERROR_CODES.has(errorCode ?? "internal") ? "system_error" : "user_error";
}

export interface Outcome {
  intent?: string;
  status: string;
  cached?: boolean;
  error?: { code: string; message: string };
  /** The response's own timing; without one (cancelled, failed early) the time since `accepted`, if known. */
  ms?: number;
  /** Who asked (the `accepted` event's origin; `user` when unknown). */
  origin: string;
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
    origin: (accepted?.data.origin as string | undefined) ?? "user",
  };
}
