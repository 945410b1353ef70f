/** @module Loads the RDKit WASM module once per process and hands out a typed handle. */
import initRDKitModule from "@rdkit/rdkit";

/** The subset of the RDKit JS molecule API we use; every instance must be `.delete()`d. */
export interface RDMol {
  is_valid(): boolean;
  get_smiles(): string;
  get_inchi(): string;
  get_descriptors(): string;
  get_morgan_fp_as_uint8array(details: string): Uint8Array;
  get_substruct_match(q: RDMol): string;
  get_substruct_matches(q: RDMol): string;
  get_svg_with_highlights(details: string): string;
  get_svg(w?: number, h?: number): string;
  get_num_atoms(): number;
  delete(): void;
}

export interface RDKitModule {
  version(): string;
  get_mol(input: string, details?: string): RDMol | null;
  get_qmol(input: string): RDMol | null;
  get_inchikey_for_inchi(inchi: string): string;
  set_log_capture(tag: string): { get_buffer(): string; clear_buffer(): void } | null;
}

let loading: Promise<RDKitModule> | undefined;

/** Returns the process-wide RDKit module (≈200 ms the first time, free afterwards). */
export function loadRDKit(): Promise<RDKitModule> {
  loading ??= (initRDKitModule as unknown as () => Promise<RDKitModule>)();
  return loading;
}
