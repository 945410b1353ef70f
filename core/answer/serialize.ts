/** @module QueryResponse → JSON text. A cache hit reuses the shared entry's serialised body: only the few
 * per-request fields (query id, session, timing, cache tier) are written anew. */
import type { QueryResponse } from "../types.ts";

/** Set on responses built from a cached value: the shared object all hits of that entry have in common. */
export const SHARED_RESPONSE = Symbol("chemagent.sharedResponse");

const VOLATILE = new Set(["query_id", "session_id", "cached", "cache_tier", "timing_ms"]);
const memo = new WeakMap<object, string>();

/** The JSON of a cached entry's common fields, continuing a head that lacks its closing brace: `,"k":v…}`. */
export function sharedTail(shared: QueryResponse): string {
  let tail = memo.get(shared);
  if (tail === undefined) {
    const rest = JSON.stringify(Object.fromEntries(Object.entries(shared).filter(([k]) => !VOLATILE.has(k))));
    tail = rest === "{}" ? "}" : "," + rest.slice(1);
    memo.set(shared, tail);
  }
  return tail;
}

/** The per-request fields of a response as JSON without the closing brace (sharedTail completes it). Written
 * by hand (every POST hit writes one): the same text JSON.stringify gives, without its intermediate objects. */
export function volatileHead(
  r: Pick<QueryResponse, "query_id" | "session_id" | "cached" | "cache_tier" | "timing_ms">,
): string {
  let head = '{"query_id":' + JSON.stringify(r.query_id);
  if (r.session_id) head += ',"session_id":' + JSON.stringify(r.session_id);
  if (r.cached !== undefined) head += ',"cached":' + JSON.stringify(r.cached);
  if (r.cache_tier) head += ',"cache_tier":' + JSON.stringify(r.cache_tier);
  if (r.timing_ms !== undefined) head += ',"timing_ms":' + JSON.stringify(r.timing_ms);
  return head;
}

export function responseToJson(r: QueryResponse): string {
  const shared = (r as QueryResponse & { [SHARED_RESPONSE]?: QueryResponse })[SHARED_RESPONSE];
  if (!shared) return JSON.stringify(r);
  return volatileHead(r) + sharedTail(shared);
}

const ZERO_TIMING = { total: 0, parse: 0, plan: 0, execute: 0 };

/**
 * The one body every GET hit of a cached entry shares (so HTTP caches can keep it under a strong ETag, and it is
 * compressed once): the entry's own query id, `cached: true`, tier l1 and zero timing. The query id of each
 * request travels beside it (the `x-query-id` header, the events).
 */
export function sharedAnswerJson(shared: QueryResponse): string {
  return volatileHead({ query_id: shared.query_id, cached: true, cache_tier: "l1", timing_ms: ZERO_TIMING }) +
    sharedTail(shared);
}
