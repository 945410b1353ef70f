/** @module ChemAgent SDK entry point. */
export * from "./client.ts";
