/** What each headline figure means: shown on hover wherever the figure appears, and in docs/observability.md. */
export const DEFINITIONS = {
  queries:
    "Questions asked by users in the window. Cache warm-up and health-probe queries are internal and excluded unless 'include internal' is on.",
  answered:
    "Answered: the service gave an answer (success, a partial answer saying what it could not do, or a clarifying question).",
  user_error:
    "User error: the question could not be answered as asked — unknown name, invalid SMILES, nonsense, out of scope, data the source does not have — or the client cancelled it. The service worked.",
  system_error:
    "System error: the service failed — internal error, timeout, or an upstream source unavailable.",
  cache_hit_rate:
    "Cache hit rate: share of queries whose whole answer came from the cache (any tier), out of all queries in the window. The same figure on every page.",
  tier_lookups:
    "Lookups served by this tier ÷ lookups that reached it, counting whole answers and tool results of every origin — a cache-internal figure, not the cache hit rate.",
  p95: "95% of queries finished within this time (upper bound of the histogram bucket).",
  health:
    "100 minus penalties: system error rate, slow p95 (> 250 ms, > 1 s) and a cache hit rate under 50%.",
} as const;
