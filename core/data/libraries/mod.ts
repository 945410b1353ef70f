/** @module Users' own compound libraries: reading uploads, standardising, storing, resolving names. */
export * from "./library.ts";
export * from "./store.ts";
export * from "./parse.ts";
export * from "./import.ts";
