/** @module Data: record model, the indexed Dataset, and its sources. */
export * from "./model.ts";
export { Dataset } from "./dataset.ts";
export type { DataSource } from "./source.ts";
export { embeddedSource } from "./sources/embedded.ts";
export { normalizeName, stripSaltForm } from "./normalize.ts";
export * from "./libraries/mod.ts";
