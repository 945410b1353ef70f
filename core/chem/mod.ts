/** @module Chemistry: RDKit engine, fingerprints, drug-likeness rules. */
export * from "./engine.ts";
export * from "./fingerprint.ts";
export * from "./rules.ts";
export { formulaFromJson } from "./formula.ts";
