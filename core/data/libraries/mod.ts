/** @module Users' own compound libraries: reading uploads, standardising, storing, resolving names. */
export * from "./library.ts";
export * from "./store.ts";
export * from "./parse.ts";
export * from "./import.ts";
export * from "./substructure.ts";
export * from "./codec.ts";
export { FileLibraryDriver } from "./file_driver.ts";
export { PostgresLibraryDriver } from "./pg_driver.ts";
