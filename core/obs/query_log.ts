/** @module Structured query logs: one JSON line per query outcome and per failed step, with the
 * correlation ids (request id → query id) carried from HTTP/WS into every line. */
import type { QueryEvent } from "../types.ts";
import type { Logger } from "./log.ts";

export function queryLogger(log: Logger): (e: QueryEvent) => void {
  const ctx = new Map<string, { request_id?: string; session_id?: string; started: number }>();
  const debug = log.enabled("debug");
  return (e) => {
    if (e.type === "step_complete" && !debug) return;
    if (e.type === "accepted") {
      ctx.set(e.query_id, {
        request_id: e.data.request_id as string | undefined,
        session_id: (e.data.session_id as string | null) ?? undefined,
        started: performance.now(),
      });
      log.debug("query accepted", { query_id: e.query_id, ...ids(ctx.get(e.query_id)) });
      return;
    }
    const c = ctx.get(e.query_id);
    if (e.type === "step_complete") {
      log.debug("step complete", {
        query_id: e.query_id,
        ...ids(c),
        step: e.data.step_id,
        tool: e.data.tool,
        ms: e.data.ms,
      });
    } else if (e.type === "step_error") {
      log.warn("step failed", {
        query_id: e.query_id,
        ...ids(c),
        step: e.data.step_id,
        tool: e.data.tool,
        error: e.data.error,
      });
    } else if (e.type === "result" || e.type === "error" || e.type === "cancelled") {
      const r = e.data.response as {
        status?: string;
        intent?: { type: string };
        cached?: boolean;
        error?: { code: string };
      } | undefined;
      const fields = {
        query_id: e.query_id,
        ...ids(c),
        status: r?.status ?? e.type,
        intent: r?.intent?.type,
        cached: r?.cached,
        ms: c ? Math.round((performance.now() - c.started) * 100) / 100 : undefined,
        ...(r?.error
          ? { error_code: r.error.code }
          : e.data.error
          ? { error_code: (e.data.error as { code: string }).code }
          : {}),
      };
      if (e.type === "result") log.info("query answered", fields);
      else log.warn("query failed", fields);
      ctx.delete(e.query_id);
    }
  };
}

const ids = (c?: { request_id?: string; session_id?: string }) => ({
  ...(c?.request_id ? { request_id: c.request_id } : {}),
  ...(c?.session_id ? { session_id: c.session_id } : {}),
});
