/** @module WebSocket protocol (DESIGN.md §5): client messages validated with zod; close codes documented. */
import { z } from "zod";
import { parseQueryRequest, type QueryRequest, withOptionsAlias } from "../../core/mod.ts";

const id = z.string().min(1).max(100).regex(/^[\w:.-]+$/, "ids hold letters, digits and _ : . -");

export const clientMessage = z.discriminatedUnion("action", [
  // The query itself is checked by core's QueryRequest schema (queryFromMessage), like every transport.
  z.looseObject({ action: z.literal("query"), id: z.string().max(100).optional() }),
  z.object({ action: z.enum(["cancel", "pause", "resume"]), query_id: id }),
  z.object({ action: z.literal("clarify"), query_id: id, answer: z.string().min(1).max(2000) }),
  z.object({ action: z.enum(["join", "leave"]), room: id }),
  z.object({ action: z.literal("replay"), query_id: id, last_event_id: z.string().max(200).optional() }),
  z.object({ action: z.literal("ping") }),
  z.object({ action: z.literal("auth"), token: z.string().min(1).max(8192) }),
]);

export type ClientMessage = z.infer<typeof clientMessage>;

/** The QueryRequest of a `{action:"query"}` message (`config` is an alias of `options`); throws
 * `invalid_request` naming the field, exactly as POST /api/query would. */
export function queryFromMessage(m: Record<string, unknown>): QueryRequest {
  const { action: _action, id: _id, ...request } = m;
  return parseQueryRequest(withOptionsAlias(request));
}

/** Close codes (also in docs/protocol.md). */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  unsupportedData: 1003,
  policyViolation: 1008,
  tooBig: 1009,
  internal: 1011,
  serviceRestart: 1012,
  tryAgainLater: 1013,
  unauthorized: 4001,
  tokenExpired: 4002,
  slowConsumer: 4008,
} as const;

/** Largest text frame accepted (bytes); larger frames close the connection with 1009. */
export const MAX_FRAME = 64 * 1024;

/** Sequence number of an event id `q_…:17` (0 when absent or malformed). */
export function seqOf(eventId: string | undefined): number {
  const m = eventId ? /:(\d+)$/.exec(eventId) : null;
  return m ? Number(m[1]) : 0;
}
