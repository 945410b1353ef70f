/** @module Data: record model, the indexed Dataset, and its sources. */
export * from "./model.ts";
export { Dataset } from "./dataset.ts";
export type {
  Activity,
  ActivityQuery,
  Capabilities,
  DataSource,
  PotencyType,
  SourceInfo,
  SourceStore,
} from "./source.ts";
export { POTENCY_TYPES } from "./source.ts";
export { embeddedSource } from "./sources/embedded.ts";
export { postgresSource } from "./sources/postgres/mod.ts";
export { normalizeName, stripSaltForm } from "./normalize.ts";
export * from "./libraries/mod.ts";
