/** @module Structured query logs: one JSON line per query outcome and per failed step, with the
 * correlation ids (request id → query id) carried from HTTP/WS into every line. */
import type { EventListener, QueryEvent } from "../types.ts";
import type { Logger } from "./log.ts";
import { outcomeOf } from "./outcome.ts";

export function queryLogger(log: Logger): EventListener {
  const debug = log.enabled("debug");
  const info = log.enabled("info");
  // The ids come with the query's `accepted` event: no per-query state, and nothing is built for a line that
  // would not be written (the cached-query hot path at LOG_LEVEL=warn returns at once).
  return (e, accepted) => {
    switch (e.type) {
      case "accepted":
        if (debug) log.debug("query accepted", { query_id: e.query_id, ...ids(e) });
        return;
      case "step_complete":
        if (debug) {
          log.debug("step complete", {
            query_id: e.query_id,
            ...ids(accepted),
            step: e.data.step_id,
            tool: e.data.tool,
            ms: e.data.ms,
          });
        }
        return;
      case "step_error":
        return log.warn("step failed", {
          query_id: e.query_id,
          ...ids(accepted),
          step: e.data.step_id,
          tool: e.data.tool,
          error: e.data.error,
        });
      case "result":
        if (!info) return;
      // falls through
      case "error":
      case "cancelled": {
        const o = outcomeOf(e, accepted);
        const fields = {
          query_id: e.query_id,
          ...ids(accepted),
          status: o.status,
          origin: o.origin,
          intent: o.intent,
          cached: o.cached,
          ms: o.ms,
          ...(o.error ? { error_code: o.error.code } : {}),
        };
        if (e.type === "result") log.info("query answered", fields);
        else log.warn("query failed", fields);
      }
    }
  };
}

const ids = (c?: QueryEvent) => ({
  ...(c?.data.request_id ? { request_id: c.data.request_id as string } : {}),
  ...(c?.data.session_id ? { session_id: c.data.session_id as string } : {}),
});
