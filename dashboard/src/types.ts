/** The shapes the server answers with, imported type-only from core (erased from the bundle). */
export type {
  CacheStatsSnapshot,
  ErrorRecord,
  HistoryPoint,
  MetricsSummary,
  QueryRecord,
  ToolStats,
} from "../../core/mod.ts";

/** Which queries the figures cover: user traffic (default) or every query (warm-up and probes included). */
export type Origin = "user" | "all";

/** The time range every page shows: window preset, explicit from/to (epoch ms), origin filter, and the live
 * refresh counter. */
export interface Range {
  window: string;
  from: number;
  to: number;
  origin: Origin;
  bump: number;
}
