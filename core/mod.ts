/** @module ChemAgent core: the one door into core for edge/, main.ts, the Deno Deploy entry, bench/, tools/ and
 * the dashboard (tests/unit/imports_test.ts fails on an import past it). Grouped by pipeline stage; drivers and
 * observers come after the stages. */

// ── The agent and its contracts ──────────────────────────────────────────────────────────────────────────────
export { Agent, type AgentOptions, createAgent, MEMORY_UNSAVED, type QueryOptions } from "./agent.ts";
export * from "./types.ts";
export * from "./errors.ts";
export { type Config, ConfigError, loadConfig } from "./config.ts";

// ── Request: one QueryRequest schema for every transport ────────────────────────────────────────────────────
export {
  parseQueryRequest,
  queryOptionsSchema,
  queryRequestFromParams,
  queryRequestSchema,
  withOptionsAlias,
} from "./request.ts";

// ── Data and chemistry: the embedded dataset, RDKit in a worker pool ─────────────────────────────────────────
export {
  type Activity,
  type ActivityQuery,
  type Capabilities,
  Dataset,
  type DatasetFile,
  type DataSource,
  embeddedSource,
  postgresSource,
  POTENCY_TYPES,
  type PotencyType,
  type SourceInfo,
  type SourceStore,
} from "./data/mod.ts";
export {
  ANYONE,
  checkLibraryName,
  decodeLibrary,
  encodeLibrary,
  importLibrary,
  type ImportProgress,
  type ImportReport,
  Library,
  LIBRARY_FORMATS,
  type LibraryDriver,
  type LibraryFormat,
  type LibraryMeta,
  LibraryStore,
  librarySubstructure,
  PostgresLibraryDriver,
  type Viewer,
} from "./data/libraries/mod.ts";
export type {
  ChemEngine,
  ChemService,
  Descriptors,
  PatternFingerprints,
  PoolStats,
  SubstructureOptions,
} from "./chem/mod.ts";
export {
  bulkTanimoto,
  ChemPool,
  createChemEngine,
  createChemPool,
  HINGE_MOTIFS,
  LIMITS,
  /** The process-wide RDKit WASM module (benchmarks and tools; requests use the worker pool). */
  loadRDKit,
  MAX_SMILES_LENGTH,
  SUBSTRUCTURE_KEYS,
} from "./chem/mod.ts";

// ── Library-scale similarity: popcount-sorted fingerprints in one SharedArrayBuffer, searched by workers ──────
export {
  FingerprintIndex,
  type Hit,
  type IndexOptions,
  type SearchOptions,
  type TopKOptions,
} from "./search/mod.ts";
export { FP_WORDS, packFingerprint, popcount, tanimoto } from "./chem/mod.ts";

// ── Tools and execution: the tool registry, the event stream, pause/resume/cancel ────────────────────────────
export { type AnyTool, type ToolName, TOOLS } from "./tools/mod.ts";
export { QueryControl } from "./execute/control.ts";
export { EventStream, isoNow, newId } from "./execute/events.ts";

// ── Answer: text rendering and the JSON wire shape ───────────────────────────────────────────────────────────
export { renderOutput } from "./answer/render.ts";
export { responseToJson, sharedAnswerJson, sharedTail, volatileHead } from "./answer/serialize.ts";

// ── Session memory: follow-ups and clarifications ───────────────────────────────────────────────────────────
export {
  answerClarification,
  RedisSessionStore,
  type SessionStore,
  SqliteSessionStore,
} from "./memory/mod.ts";
export { createSessionStore } from "./memory/factory.ts";

// ── Redis: one provider (URL, Sentinel or Cluster) for every Redis-backed feature ───────────────────────────
export {
  createRedisProvider,
  delKeys,
  type Durable,
  durableOf,
  isCluster,
  type RedisClient,
  type RedisConfig,
  redisConfigured,
  RedisProvider,
  type RedisStatus,
  scanKeys,
} from "./redis/mod.ts";

// ── Cache: layered L1/L2 with its drivers; warming runs questions through the agent, above the cache ─────────
export { cacheKey, createRedisClient, LayeredCache, RedisBus, RedisTier } from "./cache/mod.ts";
export { type CacheStack, createCacheStack } from "./cache/factory.ts";
export { commonQueries, warmCache, type WarmReport } from "./warm.ts";
export type CacheStatsSnapshot = Awaited<
  ReturnType<import("./cache/layered.ts").LayeredCache["statsSnapshot"]>
>;

// ── LLM: providers load lazily (their SDKs are slow to import), the guard and the refiner ────────────────────
export { createLLMRefiner, GuardedLLM } from "./llm/mod.ts";
export { createProvider, createRefinerFromConfig } from "./llm/factory.ts";

// ── Observability: logs, metrics, the metrics store, tracing, alerts ─────────────────────────────────────────
export { createLogger, type Logger } from "./obs/log.ts";
export { Metrics } from "./obs/metrics.ts";
export { MetricsStore } from "./obs/metrics_store.ts";
export type {
  ErrorRecord,
  HistoryPoint,
  MetricsSummary,
  QueryRecord,
  ToolStats,
} from "./obs/metrics_store.ts";
export { RedisRollups } from "./obs/shared_rollups.ts";
export { queryLogger } from "./obs/query_log.ts";
export { type OutcomeKind, outcomeOf } from "./obs/outcome.ts";
export { enableSpans, setupTracing, withSpan } from "./obs/tracing.ts";
export { AlertEngine } from "./obs/alerts/engine.ts";
export {
  type AlertChannel,
  EmailChannel,
  PagerDutyChannel,
  SlackChannel,
  WebhookChannel,
} from "./obs/alerts/channels.ts";
/** The PDF metrics report, imported on first use (pdf-lib is large and rarely needed). */
export async function metricsReportPdf(
  ...args: Parameters<typeof import("./obs/report_pdf.ts").metricsReportPdf>
): ReturnType<typeof import("./obs/report_pdf.ts").metricsReportPdf> {
  return (await import("./obs/report_pdf.ts")).metricsReportPdf(...args);
}
