/** @module ChemAgent core: the public surface used by edge/, the CLI, tests and benchmarks. */
export { Agent, type AgentOptions, createAgent, type QueryOptions } from "./agent.ts";
export * from "./types.ts";
export * from "./errors.ts";
export { type Config, ConfigError, loadConfig } from "./config.ts";
// Shapes the metrics and cache APIs answer with (type only: the dashboard imports them).
export type {
  ErrorRecord,
  HistoryPoint,
  MetricsSummary,
  QueryRecord,
  ToolStats,
} from "./obs/metrics_store.ts";
export type { OutcomeKind } from "./obs/outcome.ts";
export type CacheStatsSnapshot = Awaited<
  ReturnType<import("./cache/layered.ts").LayeredCache["statsSnapshot"]>
>;
export type { ChemEngine, ChemService, Descriptors, PoolStats } from "./chem/mod.ts";
export { ChemPool, createChemEngine, createChemPool, LIMITS, MAX_SMILES_LENGTH } from "./chem/mod.ts";
export { Dataset, type DataSource, embeddedSource } from "./data/mod.ts";
export { type ToolName, TOOLS } from "./tools/mod.ts";
export { responseToJson, sharedAnswerJson, sharedTail, volatileHead } from "./answer/serialize.ts";
export {
  parseQueryRequest,
  queryOptionsSchema,
  queryRequestFromParams,
  queryRequestSchema,
  withOptionsAlias,
} from "./request.ts";
export { QueryControl } from "./execute/control.ts";
export { type EventListener, EventStream, isoNow, newId } from "./execute/events.ts";
