/** @module Structured query logs: one JSON line per query outcome and per failed step, with the
 * correlation ids (request id → query id) carried from HTTP/WS into every line. */
import type { QueryEvent } from "../types.ts";
import type { Logger } from "./log.ts";
import { outcomeOf } from "./outcome.ts";

export function queryLogger(log: Logger): (e: QueryEvent) => void {
  // accepted event of each running query, kept as is (the ids are in its data; no allocation).
  const ctx = new Map<string, QueryEvent>();
  const debug = log.enabled("debug");
  const info = log.enabled("info");
  return (e) => {
    if (e.type === "step_complete" && !debug) return;
    // Nothing is built for a line that would not be written (the cached-query hot path at LOG_LEVEL=warn).
    if (e.type === "result" && !info) return void ctx.delete(e.query_id);
    if (e.type === "accepted") {
      ctx.set(e.query_id, e);
      if (debug) log.debug("query accepted", { query_id: e.query_id, ...ids(e) });
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
      const o = outcomeOf(e, c);
      const fields = {
        query_id: e.query_id,
        ...ids(c),
        status: o.status,
        intent: o.intent,
        cached: o.cached,
        ms: o.ms,
        ...(o.error ? { error_code: o.error.code } : {}),
      };
      if (e.type === "result") log.info("query answered", fields);
      else log.warn("query failed", fields);
      ctx.delete(e.query_id);
    }
  };
}

const ids = (c?: QueryEvent) => ({
  ...(c?.data.request_id ? { request_id: c.data.request_id as string } : {}),
  ...(c?.data.session_id ? { session_id: c.data.session_id as string } : {}),
});
