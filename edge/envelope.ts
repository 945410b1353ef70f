/** @module The response envelope every JSON endpoint shares (DESIGN.md §3). */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ChemAgentError, type ErrorBody, HTTP_STATUS, toErrorBody } from "../core/mod.ts";

export interface Envelope {
  success: boolean;
  result?: unknown;
  provenance?: unknown[];
  error?: ErrorBody;
  request_id?: string;
  timing_ms?: { total: number };
}

/** Success: `{ success: true, result, provenance, timing_ms }`. */
export function ok(
  c: Context,
  result: Record<string, unknown> & { provenance?: unknown[] },
  started: number,
) {
  const { provenance, ...rest } = result;
  return c.json(
    {
      success: true,
      result: rest,
      provenance: provenance ?? [],
      timing_ms: { total: ms(started) },
    } satisfies Envelope,
  );
}

/** Failure with the documented code and HTTP status; internal errors never expose their text. */
export function fail(c: Context, err: unknown, status?: number) {
  const body = toErrorBody(err);
  const code = status ?? (err instanceof ChemAgentError ? HTTP_STATUS[body.code] : HTTP_STATUS[body.code]);
  const res = c.json(
    { success: false, error: body, request_id: c.get("requestId") } satisfies Envelope,
    code as ContentfulStatusCode,
  );
  if (body.code === "rate_limited" && body.details?.retry_after) {
    res.headers.set("Retry-After", String(body.details.retry_after));
  }
  return res;
}

export const ms = (started: number) => Math.round((performance.now() - started) * 100) / 100;
