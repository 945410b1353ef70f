/** @module QueryResponse → JSON text. A cache hit reuses the shared entry's serialised body: only the few
 * per-request fields (query id, session, timing, cache tier) are written anew. */
import type { QueryResponse } from "../types.ts";

/** Set on responses built from a cached value: the shared object all hits of that entry have in common. */
export const SHARED_RESPONSE = Symbol("chemagent.sharedResponse");

const VOLATILE = new Set(["query_id", "session_id", "cached", "cache_tier", "timing_ms"]);
const memo = new WeakMap<object, string>();

export function responseToJson(r: QueryResponse): string {
  const shared = (r as QueryResponse & { [SHARED_RESPONSE]?: QueryResponse })[SHARED_RESPONSE];
  if (!shared) return JSON.stringify(r);
  let rest = memo.get(shared);
  if (rest === undefined) {
    rest = JSON.stringify(Object.fromEntries(Object.entries(shared).filter(([k]) => !VOLATILE.has(k))));
    memo.set(shared, rest);
  }
  const head = JSON.stringify({
    query_id: r.query_id,
    ...(r.session_id ? { session_id: r.session_id } : {}),
    cached: r.cached,
    ...(r.cache_tier ? { cache_tier: r.cache_tier } : {}),
    timing_ms: r.timing_ms,
  });
  return rest === "{}" ? head : head.slice(0, -1) + "," + rest.slice(1);
}
