/** @module Chemistry: RDKit engine, fingerprints, drug-likeness rules. */
export * from "./engine.ts";
export * from "./bounds.ts";
export * from "./pool.ts";
export type { SmilesChecker } from "./smiles_checker.ts";
export * from "./fingerprint.ts";
export * from "./rules.ts";
export { formulaFromJson } from "./formula.ts";
export { LIBRARY_DESCRIPTORS, type LibraryDescriptors, type RawStructure } from "./standardize.ts";
export { HINGE_MOTIFS, SUBSTRUCTURE_KEYS } from "./substructure_keys.ts";
export { loadRDKit } from "./rdkit.ts";
