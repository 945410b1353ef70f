/** @module One user library in memory: canonical structures, names, descriptors and packed fingerprints. */
import { FP_WORDS, popcount } from "../../chem/fingerprint.ts";
import { LIBRARY_DESCRIPTORS } from "../../chem/standardize.ts";
import type { Descriptors } from "../../chem/engine.ts";
import { bareCompound, type Compound } from "../model.ts";
import { FingerprintIndex } from "../../search/fp_index.ts";

/** From this many rows a library's similarity searches split across search workers. */
const PARALLEL_ROWS = 50_000;

/** A refused record, where to find it in the file and why. */
export interface RejectedRecord {
  record: number;
  line: number;
  reason: string;
  code: string;
}

/** A record whose standardised structure an earlier record already holds. */
export interface DuplicateRecord {
  record: number;
  line: number;
  duplicate_of: number;
  smiles: string;
}

/** What an import did (returned by the upload and kept with the library). */
export interface ImportReport {
  format: string;
  records: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  /** Records changed by standardisation (salts stripped, charges neutralised). */
  standardized: number;
  bytes: number;
  ms: number;
  molecules_per_s: number;
  /** The first rejected/duplicate records (all of them up to REPORT_LIMIT each). */
  rejected_records: RejectedRecord[];
  duplicate_records: DuplicateRecord[];
  /** True when more were refused/duplicated than the lists hold. */
  truncated: boolean;
}

export const REPORT_LIMIT = 10_000;

/** What substructure search screens with, computed at import and stored with the library: RDKit pattern
 * fingerprints (pickles in shared memory, row i at offsets[i]..offsets[i+1]) and per-row masks of the
 * substructure keys (bit k: the row contains keyNames[k]). */
export interface LibraryScreen {
  fps: Uint8Array;
  offsets: Uint32Array;
  keys: Uint32Array;
  keyNames: readonly string[];
}

/** Public description of a library (GET /api/libraries). */
export interface LibraryMeta {
  id: string;
  name: string;
  /** Token subject of the uploader when authentication is on; null = visible to everyone. */
  owner: string | null;
  created_at: string;
  size: number;
  source_file: string | null;
  report: ImportReport;
}

export class Library {
  readonly meta: LibraryMeta;
  readonly smiles: string[];
  readonly names: string[];
  /** Source record number of each row. */
  readonly records: Uint32Array;
  /** LIBRARY_DESCRIPTORS.length values per row. */
  readonly descriptors: Float32Array;
  /** Packed Morgan r2/2048, FP_WORDS words per row. */
  readonly fingerprints: Uint32Array;
  readonly fpCounts: Uint16Array;
  /** Absent for libraries stored before pattern fingerprints were kept (computed on first search then). */
  readonly screen?: LibraryScreen;
  #compounds?: Compound[];
  #onClose: (() => void)[] = [];
  #fpIndex?: FingerprintIndex;

  constructor(
    meta: LibraryMeta,
    rows: { smiles: string[]; names: string[]; records: Uint32Array },
    descriptors: Float32Array,
    fingerprints: Uint32Array,
    screen?: LibraryScreen,
  ) {
    this.screen = screen;
    this.meta = meta;
    this.smiles = rows.smiles;
    this.names = rows.names;
    this.records = rows.records;
    this.descriptors = descriptors;
    this.fingerprints = fingerprints;
    this.fpCounts = new Uint16Array(this.smiles.length);
    for (let i = 0; i < this.smiles.length; i++) this.fpCounts[i] = popcount(fingerprints, i * FP_WORDS);
  }

  get size(): number {
    return this.smiles.length;
  }

  /** Popcount-sorted similarity index (core/search), built on first search; big libraries search on workers. */
  get fpIndex(): FingerprintIndex {
    return this.#fpIndex ??= FingerprintIndex.build(this.fingerprints, {
      workers: this.size >= PARALLEL_ROWS ? undefined : 0,
    });
  }

  /** Frees the index's workers (the library was deleted). */
  close(): void {
    this.#fpIndex?.close();
    for (const f of this.#onClose.splice(0)) f();
  }

  /** Runs `f` when the library is deleted (e.g. the chemistry pool forgets its structures). */
  onClose(f: () => void): void {
    this.#onClose.push(f);
  }

  /** Row id as tools show it: `<library id>:<record number>` (stable across restarts). */
  rowId(i: number): string {
    return `${this.meta.id}:${this.records[i]}`;
  }

  /** Rows as compound records, so filters, rankings and renderers treat them like dataset compounds. */
  get compounds(): Compound[] {
    return this.#compounds ??= this.smiles.map((s, i) => this.#compound(i, s));
  }

  descriptorsOf(i: number): Descriptors {
    const d = this.descriptors.subarray(i * LIBRARY_DESCRIPTORS.length, (i + 1) * LIBRARY_DESCRIPTORS.length);
    const v = Object.fromEntries(LIBRARY_DESCRIPTORS.map((k, j) => [k, round(d[j], k)]));
    // Exact mass, molar refractivity and stereocentres are not kept for libraries (NaN = not available).
    return {
      formula: "",
      exact_mass: NaN,
      molar_refractivity: NaN,
      stereocenters: NaN,
      ...v,
    } as Descriptors;
  }

  #compound(i: number, smiles: string): Compound {
    const id = this.rowId(i);
    return {
      ...bareCompound(id, this.names[i] || `${this.meta.name} #${this.records[i]}`, [id]),
      smiles,
      canonical_smiles: smiles,
      descriptors: this.descriptorsOf(i),
      sources: [`library ${this.meta.name}`],
    };
  }
}

/** Float32 storage: print the precision the descriptor was computed with. */
function round(v: number, k: string): number {
  const d = k === "clogp" || k === "fraction_sp3" ? 4 : 3;
  return Math.round(v * 10 ** d) / 10 ** d;
}
