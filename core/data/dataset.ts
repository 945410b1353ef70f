/** @module The in-memory dataset: records plus the indices every tool reads. */
import { FP_WORDS, popcount } from "../chem/fingerprint.ts";
import { FingerprintIndex } from "../search/fp_index.ts";
import { ClassIndex, prominence } from "./classes.ts";
import type { ClassDefinition, Compound, DatasetFile, Mechanism, Target } from "./model.ts";
import { normalizeName, stripSaltForm } from "./normalize.ts";
import { embeddedStore, type SourceStore } from "./source.ts";
import { SuggestionIndex } from "./suggest.ts";

/** A loaded dataset with lookups by id, name, InChIKey, gene, alias and mechanism. */
export class Dataset {
  readonly version: string;
  readonly rdkitVersion: string;
  readonly compounds: Compound[];
  readonly targets: Target[];
  readonly mechanisms: Mechanism[];
  /** Packed Morgan r2/2048 fingerprints, FP_WORDS words per compound, in `compounds` order. */
  readonly fingerprints: Uint32Array;
  /** Bits set per fingerprint (0 for compounds without a structure). */
  readonly fpCounts: Uint16Array;
  readonly stats: Record<string, number>;
  /** Curated drug-class names and rules (see ClassIndex). */
  readonly classDefinitions: ClassDefinition[];
  /** ATC level code → WHO name. */
  readonly atcLevels: Record<string, string>;
  /** Where the records come from and what else it answers (potency, structure searches in the database). */
  readonly source: SourceStore;

  readonly #index = new Map<string, number>();
  readonly #byChembl = new Map<string, Compound>();
  readonly #byName = new Map<string, Compound[]>();
  readonly #byInChIKey = new Map<string, Compound[]>();
  readonly #targets = new Map<string, Target>();
  readonly #targetKeys = new Map<string, Target[]>();
  readonly #mechByCompound = new Map<string, Mechanism[]>();
  readonly #mechByTarget = new Map<string, Mechanism[]>();
  #fpIndex?: FingerprintIndex;
  #compoundSuggestions?: SuggestionIndex;
  #targetSuggestions?: SuggestionIndex;
  #classes?: ClassIndex;
  readonly #aliases: { alias: string; gene: string }[];

  /** `fingerprints` may be empty when the source searches structures itself (capabilities.structureSearch). */
  constructor(file: DatasetFile, fingerprints: Uint32Array, source?: SourceStore) {
    this.source = source ?? embeddedStore(file.version);
    this.version = file.version;
    this.rdkitVersion = file.rdkit;
    this.compounds = file.compounds;
    this.targets = file.targets;
    this.mechanisms = file.mechanisms;
    this.stats = file.stats;
    this.classDefinitions = file.classes ?? [];
    this.atcLevels = file.atc_levels ?? {};
    this.fingerprints = fingerprints;
    this.fpCounts = new Uint16Array(this.compounds.length);
    const hasFingerprints = fingerprints.length > 0 || !this.source.capabilities.structureSearch;
    if (hasFingerprints && fingerprints.length !== this.compounds.length * FP_WORDS) {
      throw new Error(
        `fingerprints.bin holds ${
          fingerprints.length / FP_WORDS
        } rows for ${this.compounds.length} compounds`,
      );
    }
    this.compounds.forEach((c, i) => {
      this.#index.set(c.id, i);
      if (hasFingerprints) this.fpCounts[i] = popcount(fingerprints, i * FP_WORDS);
      this.#byChembl.set(c.id.toUpperCase(), c);
      for (const id of c.chembl_ids) if (!this.#byChembl.has(id)) this.#byChembl.set(id, c);
      for (const name of [c.name, ...c.synonyms, ...c.research_codes]) {
        const key = normalizeName(name);
        if (!key) continue;
        const list = this.#byName.get(key);
        if (!list) this.#byName.set(key, [c]);
        else if (!list.includes(c)) list.push(c);
      }
      if (c.inchikey) push(this.#byInChIKey, c.inchikey, c);
    });
    for (const t of this.targets) {
      this.#targets.set(t.id.toUpperCase(), t);
      // "GABA-A receptor; anion channel" is also "GABA-A receptor" (the part before the qualifier).
      const keys = [t.id, t.name, t.name.split(";")[0], ...t.genes, ...t.uniprot].map(normalizeName);
      for (const k of new Set(keys)) push(this.#targetKeys, k, t);
    }
    this.#aliases = file.aliases;
    const singleGene = new Map<string, Target[]>();
    for (const t of this.targets) if (t.genes.length === 1) push(singleGene, t.genes[0], t);
    for (const a of file.aliases) {
      const key = normalizeName(a.alias);
      for (const t of singleGene.get(a.gene) ?? []) {
        if (!this.#targetKeys.get(key)?.includes(t)) push(this.#targetKeys, key, t);
      }
    }
    for (const m of this.mechanisms) {
      push(this.#mechByCompound, m.compound, m);
      push(this.#mechByTarget, m.target, m);
    }
    // A name shared by several targets ("acetylcholinesterase" in many species) means the human protein
    // that drugs are curated against first: human, then curated mechanisms, then any links, then a single
    // protein over a family or complex.
    const weight = (t: Target) => {
      const links = this.#mechByTarget.get(t.id) ?? [];
      return (t.organism === "Homo sapiens" ? 1e6 : 0) +
        Math.min(links.filter((m) => m.primary).length, 999) * 1000 + Math.min(links.length, 999) +
        (t.type === "SINGLE PROTEIN" ? 0.5 : 0);
    };
    for (const list of this.#targetKeys.values()) {
      if (list.length > 1) list.sort((a, b) => weight(b) - weight(a));
    }
  }
  /** The fingerprints as a search index (built on first use; small enough to scan on the caller's thread). */
  get fpIndex(): FingerprintIndex {
    this.#fpIndex ??= FingerprintIndex.build(this.fingerprints, { workers: 0 });
    return this.#fpIndex;
  }

  /** Drug classes (NSAIDs, statins, ATC levels …), built on first use. */
  get classes(): ClassIndex {
    return this.#classes ??= ClassIndex.for(this);
  }

  /** Nearest compound names for "did you mean" and typo correction (built on first use). */
  get compoundSuggestions(): SuggestionIndex {
    if (!this.#compoundSuggestions) {
      const idx = new SuggestionIndex();
      for (const c of this.compounds) {
        const seen = new Set<string>();
        const rank = prominence(c, this);
        for (const name of [c.name, ...c.synonyms]) {
          const key = normalizeName(name);
          if (key && !seen.has(key)) {
            seen.add(key);
            idx.add(key, name, c.id, rank);
          }
        }
      }
      this.#compoundSuggestions = idx;
    }
    return this.#compoundSuggestions;
  }

  /** Nearest target names, gene symbols and aliases. */
  get targetSuggestions(): SuggestionIndex {
    if (!this.#targetSuggestions) {
      const idx = new SuggestionIndex();
      const rank = (t: Target) => Math.min(this.mechanismsAt(t.id).filter((m) => m.primary).length, 999);
      for (const t of this.targets) {
        idx.add(normalizeName(t.name), t.name, t.id, rank(t));
        for (const g of t.genes) idx.add(normalizeName(g), g, t.id, rank(t));
      }
      for (const a of this.#aliases) {
        for (const t of this.targetsByText(a.alias)) idx.add(normalizeName(a.alias), a.alias, t.id, rank(t));
      }
      this.#targetSuggestions = idx;
    }
    return this.#targetSuggestions;
  }

  indexOf(c: Compound): number {
    return this.#index.get(c.id)!;
  }

  /** Compound by any of its ChEMBL IDs (case-insensitive) or its DrugCentral key. */
  compoundById(id: string): Compound | undefined {
    const key = id.trim().toUpperCase();
    return this.#byChembl.get(key) ?? this.#byChembl.get(key.replace(/^CHEMBL\s*/, "CHEMBL"));
  }

  /** Compounds whose name, synonym or research code matches (case/punctuation-free), then salt-stripped. */
  compoundsByName(text: string): Compound[] {
    const exact = this.#byName.get(normalizeName(text));
    if (exact) return exact;
    const parent = stripSaltForm(text);
    return parent ? this.#byName.get(parent) ?? [] : [];
  }

  /** True when the normalised text is a known compound name (used by entity recognition). */
  hasCompoundName(key: string): boolean {
    return this.#byName.has(key);
  }

  compoundsByInChIKey(key: string): Compound[] {
    return this.#byInChIKey.get(key) ?? [];
  }

  targetById(id: string): Target | undefined {
    return this.#targets.get(id.trim().toUpperCase());
  }

  /** Targets matching a ChEMBL target id, gene symbol, UniProt accession, name or alias. */
  targetsByText(text: string): Target[] {
    return this.#targetKeys.get(normalizeName(text)) ?? [];
  }

  hasTargetKey(key: string): boolean {
    return this.#targetKeys.has(key);
  }

  /** Common names recorded for a gene symbol ("COX-1", "COX1" … for PTGS1). */
  aliasesOfGene(gene: string): string[] {
    return this.#aliases.filter((a) => a.gene === gene).map((a) => a.alias);
  }

  mechanismsOf(compoundId: string): Mechanism[] {
    return this.#mechByCompound.get(compoundId) ?? [];
  }

  mechanismsAt(targetId: string): Mechanism[] {
    return this.#mechByTarget.get(targetId) ?? [];
  }

  fingerprintOf(c: Compound): Uint32Array | null {
    const i = this.#index.get(c.id);
    if (i === undefined || !this.fpCounts[i]) return null;
    return this.fingerprints.subarray(i * FP_WORDS, (i + 1) * FP_WORDS);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
