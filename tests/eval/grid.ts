/**
 * @module Generates the evaluation grid (tests/eval/grid.jsonl): cue paraphrases × entity kinds × constraint
 * forms × typos × casing/punctuation, each with the expected intent, outcome, entities and plan tools.
 * Expectations come from the product contract (DESIGN.md §3, issue 13) and the dataset — never from the parser.
 * Reproducible: `deno run --allow-read --allow-write tests/eval/grid.ts [--seed 13] [--check]`
 * (--check compares with the committed file instead of writing it).
 */
import type { Case } from "./evaluate.ts";
import {
  CLASSES,
  COMPOUNDS,
  DESCRIPTORS,
  type GridClass,
  type GridCompound,
  GROUPS,
  PATTERNS,
  POTENCY,
  SMILES,
  SYNONYMS,
  TARGETS,
  UNAVAILABLE,
  UNKNOWN_NAMES,
} from "./grid_entities.ts";

export const DEFAULT_SEED = 13;

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Optimal-string-alignment distance (a transposition counts as one edit), capped at `bound + 1`. */
export function editDistance(a: string, b: string, bound = Infinity): number {
  if (Math.abs(a.length - b.length) > bound) return bound + 1;
  let prev2 = new Int32Array(b.length + 1),
    prev = new Int32Array(b.length + 1),
    cur = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > bound) return bound + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return Math.min(prev[b.length], bound + 1);
}

/** The slice of data/dataset.json the generator checks against. */
export interface GridData {
  compounds: {
    id: string;
    name: string;
    synonyms: string[];
    atc: string[];
    cas: string | null;
    inchikey: string;
    first_approval: number | null;
    descriptors: { formula?: string } | null;
  }[];
  targets: { id: string; genes: string[]; type: string }[];
}

export async function loadGridData(): Promise<GridData> {
  return JSON.parse(await Deno.readTextFile(new URL("../../data/dataset.json", import.meta.url)));
}

/** Lower-cased name → compound ids, over names and synonyms. */
function nameIndex(data: GridData): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const c of data.compounds) {
    for (const n of [c.name, ...c.synonyms]) {
      const k = n.toLowerCase();
      m.set(k, (m.get(k) ?? new Set()).add(c.id));
    }
  }
  return m;
}

/** Whether a dataset name of a compound other than `except` lies within `bound` edits of `word`. */
function nameWithin(
  word: string,
  bound: number,
  byLength: Map<number, [string, Set<string>][]>,
  except?: string,
) {
  for (let len = word.length - bound; len <= word.length + bound; len++) {
    for (const [name, ids] of byLength.get(len) ?? []) {
      if (except && ids.has(except)) continue;
      if (editDistance(word, name, bound) <= bound) return true;
    }
  }
  return false;
}

function byLength(index: Map<string, Set<string>>): Map<number, [string, Set<string>][]> {
  const m = new Map<number, [string, Set<string>][]>();
  for (const e of index) {
    const list = m.get(e[0].length) ?? [];
    list.push(e);
    m.set(e[0].length, list);
  }
  return m;
}

/** One-edit typos of a name whose nearest other name is ≥ 3 edits away (so one correction is obvious). */
function typosOf(
  c: GridCompound,
  index: Map<string, Set<string>>,
  lengths: Map<number, [string, Set<string>][]>,
  rand: () => number,
  n: number,
): string[] {
  const w = c.name;
  const vowels = "aeiou";
  const cands = new Set<string>();
  for (let i = 2; i < w.length - 1; i++) {
    cands.add(w.slice(0, i) + w.slice(i + 1)); // deletion
    cands.add(w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2)); // transposition
    if (vowels.includes(w[i])) {
      const v = vowels.replace(w[i], "")[Math.floor(rand() * 4)];
      cands.add(w.slice(0, i) + v + w.slice(i + 1)); // vowel swap
    } else cands.add(w.slice(0, i) + w[i] + w.slice(i)); // doubled consonant
  }
  // Vetting is the slow part, so candidates are shuffled and vetted until `n` pass.
  const list = [...cands];
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  const out: string[] = [];
  for (const t of list) {
    if (out.length === n) break;
    if (t !== w && !index.has(t) && !nameWithin(t, 2, lengths, c.id)) out.push(t);
  }
  return out;
}

type Draft = Case & { category: string };

/** Class expectations; a name that also reads as "inhibitors of <target>" accepts the target reading. */
function classExpect(k: GridClass, name: string, tools: string[]): Partial<Case> {
  if (k.target?.names.includes(name)) {
    return {
      class: [...k.markers, k.target.id],
      ...(tools.length ? { tools } : {}),
      intents: ["reverse_target_query"],
    };
  }
  return { class: k.markers, tools: ["class_members", ...tools] };
}

/** Builds every case; `data` validates ids and vets typos and unknown names. */
export function generateGrid(seed: number, data: GridData): Draft[] {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const shuffle = <T>(xs: readonly T[]): T[] => {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  };
  const sample = <T>(xs: readonly T[], n: number): T[] => shuffle(xs).slice(0, n);
  const byName = new Map(COMPOUNDS.map((c) => [c.name, c]));
  const cmp = (name: string) => byName.get(name)!;
  const out: Draft[] = [];
  const add = (d: Draft) => out.push(d);
  /** Each compound asked `n` of the templates ({c} → its name), every one expecting the same intent and tools. */
  const perCompound = (templates: string[], n: number, category: string, intent: string, tools: string[]) => {
    for (const c of COMPOUNDS) {
      for (const t of sample(templates, n)) {
        add({ category, q: t.replace("{c}", c.name), intent, outcome: "success", compounds: [c.id], tools });
      }
    }
  };

  // ── lookups ───────────────────────────────────────────────────────────────
  const lookupT = [
    "{c}",
    "Tell me about {c}",
    "what is {c}?",
    "look up {c}",
    "find {c}",
    "info on {c}",
    "show me {c}",
    "give me details for {c}",
    "search for {c}",
    "I need information about {c}",
    "what do you have on {c}?",
    "compound card for {c}",
  ];
  for (const c of COMPOUNDS) {
    for (const t of sample(lookupT, 3)) {
      add({
        category: "lookup",
        q: t.replace("{c}", c.name),
        intent: "compound_lookup",
        outcome: "success",
        compounds: [c.id],
        tools: ["compound_lookup"],
      });
    }
    add({
      category: "lookup",
      q: pick(["{c}", "what is {c}", "look up {c}"]).replace("{c}", c.id),
      intent: "compound_lookup",
      outcome: "success",
      compounds: [c.id],
      tools: ["compound_lookup"],
    });
  }
  for (const s of SYNONYMS) {
    for (const t of ["{c}", "tell me about {c}", "look up {c}"]) {
      add({
        category: "lookup",
        q: t.replace("{c}", s.name),
        intent: "compound_lookup",
        outcome: "success",
        compounds: [s.id],
        tools: ["compound_lookup"],
      });
    }
  }
  for (const s of SMILES) {
    for (const t of ["what compound is {s}?", "{s}", "identify {s}"]) {
      add({
        category: "lookup",
        q: t.replace("{s}", s.smiles),
        intent: "compound_lookup",
        outcome: "success",
        compounds: [s.id],
        tools: ["compound_lookup"],
      });
    }
  }
  for (const c of sample(COMPOUNDS, 12)) {
    add({
      category: "lookup",
      q: `which compound has CAS number ${c.cas}?`,
      intent: "compound_lookup",
      outcome: "success",
      compounds: [c.id],
    });
  }

  // ── properties (computed descriptors) ────────────────────────────────────
  const propT = [
    "What is the {p} of {c}?",
    "{p} of {c}",
    "{c} {p}",
    "Give me the {p} for {c}",
    "what's {c}'s {p}",
    "could you compute the {p} of {c}?",
    "{p} for {c} please",
    "I'd like to know the {p} of {c}",
    "calculate {p} of {c}",
    "how much is the {p} of {c}?",
  ];
  for (const c of COMPOUNDS) {
    for (const d of sample(DESCRIPTORS, 4)) {
      add({
        category: "property",
        q: pick(propT).replace("{p}", pick(d.phrases)).replace("{c}", c.name),
        intent: "property_query",
        outcome: "success",
        compounds: [c.id],
        tools: ["properties"],
      });
    }
  }
  for (const s of SMILES) {
    for (const d of sample(DESCRIPTORS, 3)) {
      add({
        category: "property",
        q: `${pick(d.phrases)} of ${s.smiles}`,
        intent: "property_query",
        outcome: "success",
        tools: ["properties"],
      });
    }
  }
  // How-many forms
  const countT = [
    ["how many hydrogen bond donors does {c} have?", "hbd"],
    ["how many rotatable bonds are in {c}?", "rotatable_bonds"],
    ["how many aromatic rings does {c} have", "aromatic_rings"],
    ["how many heavy atoms in {c}?", "heavy_atoms"],
    ["how many H-bond acceptors has {c}?", "hba"],
    ["how heavy is {c}?", "molecular_weight"],
    ["how lipophilic is {c}?", "clogp"],
    ["how polar is {c}?", "tpsa"],
  ];
  for (const c of sample(COMPOUNDS, 24)) {
    add({
      category: "property",
      q: pick(countT)[0].replace("{c}", c.name),
      intent: "property_query",
      outcome: "success",
      compounds: [c.id],
      tools: ["properties"],
    });
  }
  // Data fields the dataset has: ATC code, approval year, CAS number, formula, InChIKey.
  const inchikey = new Map(data.compounds.map((c) => [c.id, c.inchikey]));
  const fieldT: [string, (c: GridCompound) => string[] | undefined][] = [
    ["What is the ATC code of {c}?", (c) => [c.atc!]],
    ["ATC classification of {c}", (c) => [c.atc!]],
    ["{c} ATC code", (c) => [c.atc!]],
    ["When was {c} first approved?", (c) => [String(c.year)]],
    ["year of first approval of {c}", (c) => [String(c.year)]],
    ["what year was {c} approved", (c) => [String(c.year)]],
    ["CAS number of {c}", (c) => [c.cas!]],
    ["What is the CAS registry number for {c}?", (c) => [c.cas!]],
    ["molecular formula of {c}", (c) => c.formula ? [c.formula] : undefined],
    ["{c} empirical formula", (c) => c.formula ? [c.formula] : undefined],
    ["InChIKey of {c}", (c) => [inchikey.get(c.id)!]],
    ["give me the SMILES of {c}", () => undefined],
  ];
  for (const c of COMPOUNDS) {
    for (const [t, ans] of sample(fieldT, 3)) {
      add({
        category: "data_field",
        q: t.replace("{c}", c.name),
        intent: "property_query",
        // A field of the compound record: reading it as a lookup is as faithful; the answer must quote it.
        intents: ["compound_lookup"],
        outcome: "success",
        compounds: [c.id],
        ...(ans(c) ? { answer: ans(c) } : {}),
      });
    }
  }

  // ── drug-likeness ────────────────────────────────────────────────────────
  const ruleT = [
    "Is {c} drug-like?",
    "does {c} pass Lipinski's rule of five?",
    "Lipinski violations of {c}",
    "rule of 5 check for {c}",
    "is {c} druglike",
    "does {c} obey the rule of five",
    "check {c} against Lipinski",
    "how drug-like is {c}?",
  ];
  for (const c of COMPOUNDS) {
    add({
      category: "druglikeness",
      q: pick(ruleT).replace("{c}", c.name),
      intent: "property_query",
      outcome: "success",
      compounds: [c.id],
      tools: ["lipinski"],
    });
  }

  // ── comparisons ──────────────────────────────────────────────────────────
  const pairs: [GridCompound, GridCompound][] = [];
  for (let i = 0; i < 70; i++) {
    const [a, b] = sample(COMPOUNDS, 2);
    pairs.push([a, b]);
  }
  const cmpT = [
    "Which has higher {p}: {a} or {b}?",
    "compare {a} and {b}",
    "{a} vs {b} {p}",
    "compare the {p} of {a} and {b}",
    "how do {a} and {b} differ in {p}?",
    "{a} versus {b}",
    "which has the lower {p}, {a} or {b}",
    "compare {a} with {b} by {p}",
    "{p}: {a} compared to {b}",
    "difference in {p} between {a} and {b}",
  ];
  for (const [a, b] of pairs) {
    const d = pick(DESCRIPTORS);
    add({
      category: "comparison",
      q: pick(cmpT).replace("{p}", pick(d.phrases)).replace("{a}", a.name).replace("{b}", b.name),
      intent: "property_comparison",
      outcome: "success",
      compounds: [a.id, b.id],
      tools: ["compare_properties"],
    });
  }
  for (const [a, b] of pairs.slice(0, 30)) {
    const d = pick(DESCRIPTORS.filter((x) => x.comparative));
    const word = pick(d.comparative!);
    add({
      category: "comparison",
      q: pick([
        `Is ${a.name} ${word} than ${b.name}?`,
        `which is ${word}, ${a.name} or ${b.name}?`,
        `${a.name} or ${b.name}: which one is ${word}?`,
      ]),
      intent: "property_comparison",
      outcome: "success",
      compounds: [a.id, b.id],
      tools: ["compare_properties"],
    });
  }
  for (let i = 0; i < 20; i++) {
    const [a, b, c] = sample(COMPOUNDS, 3);
    add({
      category: "comparison",
      q: pick([
        `Compare ${a.name}, ${b.name} and ${c.name}`,
        `compare the ${pick(DESCRIPTORS).phrases[0]} of ${a.name}, ${b.name} and ${c.name}`,
        `which of ${a.name}, ${b.name} and ${c.name} has the highest ${pick(DESCRIPTORS).phrases[0]}?`,
      ]),
      intent: "property_comparison",
      outcome: "success",
      compounds: [a.id, b.id, c.id],
      tools: ["compare_properties"],
    });
  }

  // ── filters (constraint forms) ───────────────────────────────────────────
  const constraints = [
    "MW < 300",
    "MW under 300",
    "molecular weight below 300 Da",
    "molecular weight less than 250",
    "MW <= 350",
    "MW ≤ 400",
    "a molecular weight of at most 300",
    "MW between 200 and 300",
    "MW > 500",
    "molecular weight above 600",
    "molecular weight over 450 Da",
    "logP < 3",
    "logP between 1 and 3",
    "cLogP above 5",
    "a logP of at least 4",
    "logP >= 2",
    "TPSA > 140",
    "polar surface area under 60",
    "TPSA <= 90",
    "TPSA of at most 40 Å²",
    "fewer than 2 H-bond donors",
    "no more than 1 hydrogen bond donor",
    "HBD = 0",
    "at most 2 HBD",
    "more than 8 H-bond acceptors",
    "fewer than 3 rotatable bonds",
    "at least 10 rotatable bonds",
    "at least 3 aromatic rings",
    "no aromatic rings",
    "fewer than 15 heavy atoms",
    "Fsp3 > 0.5",
  ];
  const filterT = [
    "Find compounds with {f}",
    "drugs with {f}",
    "which molecules have {f}?",
    "show me drugs having {f}",
    "list compounds with {f}",
    "compounds where {f}",
    "give me all molecules with {f}",
  ];
  for (const f of constraints) {
    for (const t of sample(filterT, 3)) {
      add({
        category: "filter",
        q: t.replace("{f}", f),
        intent: "property_filter",
        outcome: "success",
        tools: ["filter_by_properties"],
      });
    }
  }
  for (let i = 0; i < 40; i++) {
    const [f, g] = sample(constraints, 2);
    add({
      category: "filter",
      q: pick(filterT).replace("{f}", `${f} and ${g}`),
      intent: "property_filter",
      outcome: "success",
      tools: ["filter_by_properties"],
    });
  }
  for (let i = 0; i < 15; i++) {
    const [a, b, c] = sample(COMPOUNDS, 3);
    add({
      category: "filter",
      q: `which of ${a.name}, ${b.name} and ${c.name} have ${pick(constraints)}?`,
      intent: "property_filter",
      outcome: "success",
      compounds: [a.id, b.id, c.id],
      tools: ["filter_by_properties"],
    });
  }

  // ── similarity ───────────────────────────────────────────────────────────
  const simT = [
    "Find compounds similar to {c}",
    "compounds similar to {c}",
    "similar compounds to {c}",
    "analogues of {c}",
    "analogs of {c}",
    "structural analogues of {c}",
    "{c} analogs",
    "structural neighbours of {c}",
    "structural neighbors of {c}",
    "nearest neighbours of {c}",
    "closest matches to {c}",
    "closest compounds to {c}",
    "look-alikes of {c}",
    "lookalikes of {c}",
    "{c}-like compounds",
    "{c}-like molecules",
    "molecules related to {c}",
    "compounds structurally related to {c}",
    "molecules resembling {c}",
    "what is most similar to {c}?",
    "similarity search for {c}",
    "compounds like {c}",
    "find me molecules that look like {c}",
    "anything structurally close to {c}?",
  ];
  perCompound(simT, 5, "similarity", "similarity_search", ["similarity_search"]);
  const topT = [
    "top {n} most similar compounds to {c}",
    "the {n} closest analogues of {c}",
    "{n} nearest neighbours of {c}",
    "give me {n} look-alikes of {c}",
    "{n} compounds most similar to {c}",
    "find the {n} closest matches to {c}",
    "top-{n} analogs of {c}",
    "list {n} structural neighbors of {c}",
  ];
  for (const c of sample(COMPOUNDS, 40)) {
    const n = pick([3, 5, 10, 15, 20]);
    add({
      category: "similarity_topn",
      q: pick(topT).replace("{n}", String(n)).replace("{c}", c.name),
      intent: "similarity_search",
      outcome: "success",
      compounds: [c.id],
      tools: ["similarity_search"],
      count: n,
    });
  }
  const thrT = [
    "{s} with similarity above 0.6",
    "{s}, Tanimoto >= 0.5",
    "{s} at least 70% similar",
    "{s} with a similarity threshold of 0.4",
  ];
  for (const c of sample(COMPOUNDS, 24)) {
    const base = pick(["compounds similar to {c}", "analogues of {c}", "structural neighbours of {c}"])
      .replace("{c}", c.name);
    add({
      category: "similarity",
      q: pick(thrT).replace("{s}", base),
      intent: "similarity_search",
      outcome: "success",
      compounds: [c.id],
      tools: ["similarity_search"],
    });
  }
  for (const c of sample(COMPOUNDS, 30)) {
    const base = pick(simT).replace("{c}", c.name);
    add({
      category: "similarity_filter",
      q: `${base} with ${pick(constraints)}`,
      intent: "similarity_search",
      outcome: "success",
      compounds: [c.id],
      tools: ["similarity_search", "filter_by_properties"],
    });
  }
  for (const s of SMILES) {
    for (const t of ["find compounds similar to {s}", "analogues of {s}", "nearest neighbours of {s}"]) {
      add({
        category: "similarity",
        q: t.replace("{s}", s.smiles),
        intent: "similarity_search",
        outcome: "success",
        tools: ["similarity_search"],
      });
    }
  }

  // ── substructure ─────────────────────────────────────────────────────────
  const subT = [
    "compounds containing a {g}",
    "which drugs contain a {g}?",
    "molecules bearing a {g}",
    "find structures with a {g} substructure",
    "drugs with a {g} in them",
    "{g}-containing compounds",
    "list molecules that have a {g}",
  ];
  for (const g of GROUPS) {
    for (const t of sample(subT, 3)) {
      add({
        category: "substructure",
        q: t.replace("{g}", g),
        intent: "substructure_search",
        outcome: "success",
        tools: ["substructure_search"],
      });
    }
  }
  for (const p of PATTERNS) {
    for (
      const t of [
        "substructure search for {p}",
        "molecules containing {p}",
        "which compounds contain the substructure {p}?",
      ]
    ) {
      add({
        category: "substructure",
        q: t.replace("{p}", p),
        intent: "substructure_search",
        outcome: "success",
        tools: ["substructure_search"],
      });
    }
  }
  for (const g of sample(GROUPS, 10)) {
    add({
      category: "substructure",
      q: `compounds containing a ${g} with ${pick(constraints)}`,
      intent: "substructure_search",
      outcome: "success",
      tools: ["substructure_search", "filter_by_properties"],
    });
  }

  // ── targets of a compound ────────────────────────────────────────────────
  const tgtT = [
    "What are the targets of {c}?",
    "targets of {c}",
    "{c} targets",
    "what does {c} target?",
    "what does {c} bind to?",
    "binding partners of {c}",
    "what proteins does {c} interact with?",
    "protein targets of {c}",
    "mechanism of action of {c}",
    "MoA of {c}",
    "how does {c} work?",
    "what is the mechanism of {c}",
    "molecular targets of {c}",
    "which receptors or enzymes does {c} act on?",
    "what does {c} inhibit?",
    "protein interactions of {c}",
    "target profile of {c}",
    "biological targets of {c}",
    "what is the pharmacological target of {c}?",
    "which genes does {c} hit",
  ];
  perCompound(tgtT, 4, "targets", "target_query", ["targets_of_compound"]);

  // ── ligands of a target ──────────────────────────────────────────────────
  const ligT = [
    "ligands of {t}",
    "compounds targeting {t}",
    "which drugs act on {t}?",
    "drugs that bind {t}",
    "what hits {t}?",
    "{t} ligands",
    "known binders of {t}",
    "list compounds active at {t}",
    "which molecules interact with {t}?",
    "show drugs acting on {t}",
    "what binds to {t}",
  ];
  for (const t of TARGETS) {
    for (const name of t.names) {
      for (const tt of sample(ligT, 3)) {
        add({
          category: "ligands",
          q: tt.replace("{t}", name),
          intent: "reverse_target_query",
          outcome: "success",
          targets: [t.id],
          tools: ["ligands_of_target"],
        });
      }
      if (t.enzyme) {
        add({
          category: "ligands",
          q: pick(["{t} inhibitors", "what drugs inhibit {t}?", "inhibitors of {t}"]).replace("{t}", name),
          intent: "reverse_target_query",
          outcome: "success",
          targets: [t.id],
          tools: ["ligands_of_target"],
        });
      }
    }
  }
  add({
    category: "ligands",
    q: "Which drugs inhibit COX-1/COX-2?",
    intent: "reverse_target_query",
    outcome: "success",
    targets: ["CHEMBL221", "CHEMBL230"],
    tools: ["ligands_of_target"],
  });
  add({
    category: "ligands",
    q: "COX-1/COX-2 inhibitors",
    intent: "reverse_target_query",
    outcome: "success",
    targets: ["CHEMBL221", "CHEMBL230"],
    tools: ["ligands_of_target"],
  });

  // ── target comparison (targets in common) ────────────────────────────────
  const tcT = [
    "What targets do {a} and {b} have in common?",
    "common targets of {a} and {b}",
    "shared targets between {a} and {b}",
    "target overlap of {a} and {b}",
    "do {a} and {b} share any targets?",
    "which targets are shared by {a} and {b}?",
    "targets in common between {a} and {b}",
    "intersection of the targets of {a} and {b}",
    "which proteins do both {a} and {b} hit?",
  ];
  for (let i = 0; i < 60; i++) {
    const [a, b] = sample(COMPOUNDS, 2);
    add({
      category: "target_comparison",
      q: pick(tcT).replace("{a}", a.name).replace("{b}", b.name),
      intent: "target_comparison",
      outcome: "success",
      compounds: [a.id, b.id],
      tools: ["targets_of_compound", "intersect_targets"],
    });
  }
  for (let i = 0; i < 10; i++) {
    const [a, b, c] = sample(COMPOUNDS, 3);
    add({
      category: "target_comparison",
      q: `targets shared by ${a.name}, ${b.name} and ${c.name}`,
      intent: "target_comparison",
      outcome: "success",
      compounds: [a.id, b.id, c.id],
      tools: ["targets_of_compound", "intersect_targets"],
    });
  }

  // ── ligand intersections (drugs hitting all of several targets) ──────────
  const interT = [
    "drugs hitting both {a} and {b}",
    "compounds that act on both {a} and {b}",
    "ligands shared by {a} and {b}",
    "which drugs bind {a} as well as {b}?",
    "drugs active at both {a} and {b}",
    "common ligands of {a} and {b}",
    "what hits {a} and {b} at the same time?",
    "molecules targeting {a} and also {b}",
  ];
  const tPairs: [string, string][] = [
    ["DRD2", "HTR2A"],
    ["PTGS1", "PTGS2"],
    ["COX-1", "COX-2"],
    ["ADRB1", "ADRB2"],
    ["EGFR", "HER2"],
    ["SERT", "5-HT2A"],
    ["KDR", "ABL1"],
    ["D2 receptor", "HRH1"],
    ["dopamine D2 receptor", "serotonin 2a receptor"],
  ];
  const tByName = (n: string) => TARGETS.find((t) => t.names.includes(n))!;
  for (const [a, b] of tPairs) {
    for (const t of sample(interT, 4)) {
      add({
        category: "ligand_intersection",
        q: t.replace("{a}", a).replace("{b}", b),
        intent: "reverse_target_query",
        intents: ["target_comparison"],
        outcome: "success",
        targets: [tByName(a).id, tByName(b).id],
        tools: ["intersect_ligands"],
      });
    }
  }
  for (const [a, b, c] of [["DRD2", "HTR2A", "HRH1"], ["EGFR", "HER2", "KDR"], ["ADRB1", "ADRB2", "DRD2"]]) {
    add({
      category: "ligand_intersection",
      q: `compounds targeting all of ${a}, ${b} and ${c}`,
      intent: "reverse_target_query",
      intents: ["target_comparison"],
      outcome: "success",
      targets: [tByName(a).id, tByName(b).id, tByName(c).id],
      tools: ["intersect_ligands"],
    });
  }

  // ── drug classes (alone, with filters, with approval/phase, membership) ──
  const classT = [
    "list the {k}",
    "which drugs are {k}?",
    "show me all {k}",
    "what {k} are in the data?",
    "{k}",
    "give me a list of {k}",
  ];
  const classFilterT = ["{k} with {f}", "which {k} have {f}?", "find {k} having {f}", "{k} where {f}"];
  for (const k of CLASSES) {
    for (const name of k.names) {
      add({
        category: "class",
        q: pick(classT).replace("{k}", name),
        intent: "property_filter",
        outcome: "success",
        ...classExpect(k, name, []),
        intents: ["reverse_target_query", "compound_lookup"],
      });
      for (const t of sample(classFilterT, 2)) {
        add({
          category: "class_filter",
          q: t.replace("{k}", name).replace("{f}", pick(constraints)),
          intent: "property_filter",
          outcome: "success",
          ...classExpect(k, name, ["filter_by_properties"]),
        });
      }
      add({
        category: "class_filter",
        q: pick([
          "approved {k}",
          "which approved {k} are there?",
          "FDA-approved {k}",
          "{k} approved after 1990",
          "{k} in phase 3",
          "{k} that reached phase 4",
        ]).replace("{k}", name),
        intent: "property_filter",
        outcome: "success",
        ...classExpect(k, name, []),
      });
    }
    if (k.members.length < 2) continue;
    const members = k.members.map(cmp);
    const outsider = pick(COMPOUNDS.filter((c) => !k.members.includes(c.name)));
    const asked = shuffle([...members.slice(0, 2), outsider]);
    add({
      category: "class_membership",
      q: `which of ${asked[0].name}, ${asked[1].name} and ${asked[2].name} are ${k.names[0]}?`,
      intent: "property_filter",
      outcome: "success",
      ...classExpect(k, k.names[0], []),
      compounds: asked.map((c) => c.id),
    });
    add({
      category: "class_membership",
      q: `are ${asked[0].name}, ${asked[1].name} or ${asked[2].name} ${k.names[0]}?`,
      intent: "property_filter",
      outcome: "success",
      ...classExpect(k, k.names[0], []),
      compounds: asked.map((c) => c.id),
    });
  }

  // ── known-but-unavailable asks ───────────────────────────────────────────
  const unT = [
    "What is the {u} of {c}?",
    "{u} of {c}",
    "give me {c}'s {u}",
    "what's the {u} for {c}",
    "{c} {u}?",
  ];
  for (const u of UNAVAILABLE) {
    for (const c of sample(COMPOUNDS, 4)) {
      add({
        category: "unavailable",
        q: pick(unT).replace("{u}", u.phrase).replace("{c}", c.name),
        intent: "property_query",
        outcome: "not_available",
        accept: ["partial"],
        compounds: [c.id],
        unsupported: [u.word],
      });
    }
    for (const c of sample(COMPOUNDS, 2)) {
      const d = pick(DESCRIPTORS);
      add({
        category: "unavailable_mixed",
        q: pick([
          `What are the ${d.phrases[0]} and ${u.phrase} of ${c.name}?`,
          `${d.short} and ${u.phrase} of ${c.name}`,
          `give me the ${u.phrase} and the ${d.phrases[0]} of ${c.name}`,
        ]),
        intent: "property_query",
        outcome: "partial",
        compounds: [c.id],
        unsupported: [u.word],
        tools: ["properties"],
      });
    }
  }
  const potPairs: [string, string][] = [
    ["imatinib", "ABL1"],
    ["gefitinib", "EGFR"],
    ["celecoxib", "COX-2"],
    ["haloperidol", "DRD2"],
    ["atorvastatin", "HMGCR"],
    ["sildenafil", "PDE5A"],
    ["erlotinib", "EGFR"],
    ["captopril", "ACE"],
  ];
  for (const p of POTENCY) {
    for (const [c, t] of sample(potPairs, 3)) {
      add({
        category: "unavailable_potency",
        q: pick([
          `What is the ${p.phrase} of ${c} on ${t}?`,
          `${p.phrase} of ${c} against ${t}`,
          `how strong is ${c} at ${t} (${p.phrase})?`,
        ]),
        intent: "target_query",
        intents: ["property_query"],
        outcome: "not_available",
        accept: ["partial"],
        compounds: [cmp(c).id],
        unsupported: [p.word],
      });
    }
    const c = pick(COMPOUNDS);
    add({
      category: "unavailable_mixed",
      q: pick([
        `targets of ${c.name} with their ${p.phrase} values`,
        `What are the targets of ${c.name} and the ${p.phrase} for each?`,
      ]),
      intent: "target_query",
      outcome: "partial",
      compounds: [c.id],
      unsupported: [p.word],
      tools: ["targets_of_compound"],
    });
    const t = pick(TARGETS);
    add({
      category: "unavailable_mixed",
      q: pick([
        `${t.names[0]} ligands with ${p.phrase} < 100 nM`,
        `drugs acting on ${t.names[0]} with ${p.phrase} under 50 nM`,
      ]),
      intent: "reverse_target_query",
      outcome: "partial",
      targets: [t.id],
      unsupported: [p.word],
      tools: ["ligands_of_target"],
    });
  }
  for (const u of sample(UNAVAILABLE, 8)) {
    const c = pick(COMPOUNDS);
    add({
      category: "unavailable_mixed",
      q: `compounds similar to ${c.name} with ${u.phrase} above 10`,
      intent: "similarity_search",
      outcome: "partial",
      accept: ["not_available"],
      compounds: [c.id],
      unsupported: [u.word],
    });
    add({
      category: "unavailable",
      q: pick([`drugs with ${u.phrase} greater than 5`, `find compounds whose ${u.phrase} is below 2`]),
      intent: "property_filter",
      outcome: "not_available",
      accept: ["partial"],
      unsupported: [u.word],
    });
  }

  // ── typos: one-edit typos of real names are corrected ────────────────────
  const index = nameIndex(data);
  const lengths = byLength(index);
  const typoBases: [string, string, string, string[]][] = [
    ["{c}", "compound_lookup", "lookup", ["compound_lookup"]],
    ["tell me about {c}", "compound_lookup", "lookup", ["compound_lookup"]],
    ["molecular weight of {c}", "property_query", "property", ["properties"]],
    ["what is the logP of {c}?", "property_query", "property", ["properties"]],
    ["targets of {c}", "target_query", "targets", ["targets_of_compound"]],
    ["how does {c} work?", "target_query", "targets", ["targets_of_compound"]],
    ["find compounds similar to {c}", "similarity_search", "similarity", ["similarity_search"]],
    ["analogues of {c}", "similarity_search", "similarity", ["similarity_search"]],
    ["is {c} drug-like?", "property_query", "druglikeness", ["lipinski"]],
  ];
  for (const c of COMPOUNDS.filter((c) => c.name.length >= 7)) {
    for (const typo of typosOf(c, index, lengths, rand, 3)) {
      const [t, intent, , tools] = pick(typoBases);
      add({
        category: "typo",
        q: t.replace("{c}", typo),
        intent,
        outcome: "success",
        compounds: [c.id],
        correction: { from: typo, to: c.display },
        tools,
      });
    }
  }
  for (let i = 0; i < 15; i++) {
    const [a, b] = sample(COMPOUNDS.filter((c) => c.name.length >= 7), 2);
    const [typo] = typosOf(a, index, lengths, rand, 1);
    if (!typo) continue;
    add({
      category: "typo",
      q: `compare ${typo} and ${b.name}`,
      intent: "property_comparison",
      outcome: "success",
      compounds: [a.id, b.id],
      correction: { from: typo, to: a.display },
      tools: ["compare_properties"],
    });
  }

  // ── unknown names ────────────────────────────────────────────────────────
  for (const u of UNKNOWN_NAMES) {
    const [a, b] = sample(COMPOUNDS, 2);
    add({
      category: "unknown_name",
      q: pick([
        `compare ${a.name}, ${u} and ${b.name}`,
        `Compare ${a.name} with ${u} and ${b.name}`,
        `${a.name} vs ${u} vs ${b.name}`,
      ]),
      intent: "property_comparison",
      outcome: "partial",
      compounds: [a.id, b.id],
      unsupported: [u],
      tools: ["compare_properties"],
    });
    add({
      category: "unknown_name",
      q: pick([`Which has higher logP: ${a.name} or ${u}?`, `compare ${a.name} and ${u}`]),
      intent: "property_comparison",
      outcome: "partial",
      accept: ["not_found"],
      compounds: [a.id],
      unsupported: [u],
    });
    const [alone, intent] = pick([
      [`molecular weight of ${u}`, "property_query"],
      [`targets of ${u}`, "target_query"],
      [`tell me about ${u}`, "compound_lookup"],
      [`compounds similar to ${u}`, "similarity_search"],
    ]);
    add({ category: "unknown_name", q: alone, intent, outcome: "not_found", unsupported: [u] });
    add({
      category: "unknown_name",
      q: `MW of ${a.name}, ${u} and ${b.name}`,
      intent: "batch_query",
      intents: ["property_query"],
      outcome: "partial",
      compounds: [a.id, b.id],
      unsupported: [u],
      tools: ["properties"],
    });
    add({
      category: "unknown_name",
      q: `common targets of ${a.name} and ${u}`,
      intent: "target_comparison",
      outcome: "partial",
      accept: ["not_found"],
      compounds: [a.id],
      unsupported: [u],
    });
  }
  for (let i = 0; i < 5; i++) {
    const [u, v] = sample(UNKNOWN_NAMES, 2);
    add({
      category: "unknown_name",
      q: `compare ${u} and ${v}`,
      intent: "property_comparison",
      outcome: "not_found",
      unsupported: [u, v],
    });
  }

  // ── relative constraints ─────────────────────────────────────────────────
  const relF = [
    ["with fewer H-bond donors than {r}", "hbd"],
    ["more lipophilic than {r}", "clogp"],
    ["lighter than {r}", "molecular_weight"],
    ["with a lower TPSA than {r}", "tpsa"],
    ["with more aromatic rings than {r}", "aromatic_rings"],
    ["heavier than {r}", "molecular_weight"],
    ["less polar than {r}", "tpsa"],
    ["with fewer rotatable bonds than {r}", "rotatable_bonds"],
  ];
  for (const r of sample(COMPOUNDS, 30)) {
    const f = pick(relF)[0].replace("{r}", r.name);
    add({
      category: "relative",
      q: `${pick(["compounds", "drugs", "find molecules", "which drugs are"])} ${f}`,
      intent: "property_filter",
      outcome: "success",
      compounds: [r.id],
      tools: ["filter_by_properties"],
    });
  }
  const relSimT = [
    "similar to {c} but with fewer aromatic rings",
    "analogues of {c} that are more lipophilic",
    "compounds like {c} but lighter",
    "structural neighbours of {c} with a lower molecular weight than {c}",
    "{c}-like compounds with fewer H-bond donors than {c}",
    "closest matches to {c} that are less polar",
  ];
  for (const c of sample(COMPOUNDS, 30)) {
    add({
      category: "relative",
      q: pick(relSimT).replaceAll("{c}", c.name),
      intent: "similarity_search",
      outcome: "success",
      compounds: [c.id],
      tools: ["similarity_search", "filter_by_properties"],
    });
  }
  for (const k of sample(CLASSES, 6)) {
    const r = cmp(pick(k.members));
    add({
      category: "relative",
      q: `${k.names[0]} lighter than ${r.name}`,
      intent: "property_filter",
      outcome: "success",
      ...classExpect(k, k.names[0], ["filter_by_properties"]),
      compounds: [r.id],
    });
  }

  // ── batches ──────────────────────────────────────────────────────────────
  for (let i = 0; i < 40; i++) {
    const cs = sample(COMPOUNDS, pick([3, 4]));
    const list = cs.slice(0, -1).map((c) => c.name).join(", ") + " and " + cs[cs.length - 1].name;
    const [t, tools] = pick([
      [`${pick(DESCRIPTORS).phrases[0]} of ${list}`, ["properties"]],
      [`targets of ${list}`, ["targets_of_compound"]],
      [`look up ${list}`, ["compound_lookup"]],
      [`lipinski for ${list}`, ["lipinski"]],
    ] as [string, string[]][]);
    add({
      category: "batch",
      q: t,
      intent: "batch_query",
      outcome: "success",
      compounds: cs.map((c) => c.id),
      tools,
    });
  }

  // ── workflows ────────────────────────────────────────────────────────────
  const wfT: [string, string[]][] = [
    ["Find compounds similar to {c} and get their targets", ["similarity_search", "targets_of_compound"]],
    ["analogues of {c}, then their targets", ["similarity_search", "targets_of_compound"]],
    ["What are the targets of compounds similar to {c}?", ["similarity_search", "targets_of_compound"]],
    ["get the targets of {c} and then other drugs hitting the same targets", [
      "targets_of_compound",
      "ligands_of_target",
    ]],
    ["targets of {c} and what other drugs hit them", ["targets_of_compound", "ligands_of_target"]],
    ["find compounds similar to {c} with MW < 400 and rank them by logP", [
      "similarity_search",
      "filter_by_properties",
      "rank",
    ]],
    ["similar to {c}; rank by TPSA", ["similarity_search", "rank"]],
    ["structural neighbours of {c} ranked by molecular weight", ["similarity_search", "rank"]],
    ["look up {c}, compute its properties, then find similar compounds", [
      "compound_lookup",
      "properties",
      "similarity_search",
    ]],
    ["find {c} and then compounds similar to it", ["similarity_search"]],
    ["compute the properties of {c} then its targets", ["properties", "targets_of_compound"]],
    ["find analogs of {c} then show their targets", ["similarity_search", "targets_of_compound"]],
    ["find analogues of {c}, then show the targets of the first one", [
      "similarity_search",
      "targets_of_compound",
    ]],
    ["what is the MW of {c} and then its targets?", ["properties", "targets_of_compound"]],
    ["targets of {c}, then which approved drugs hit those targets", [
      "targets_of_compound",
      "ligands_of_target",
    ]],
  ];
  for (const c of COMPOUNDS) {
    for (const [t, tools] of sample(wfT, 2)) {
      add({
        category: "workflow",
        q: t.replaceAll("{c}", c.name),
        intent: "multi_step_workflow",
        outcome: "success",
        compounds: [c.id],
        tools,
      });
    }
  }
  for (let i = 0; i < 8; i++) {
    const [a, b] = sample(COMPOUNDS, 2);
    add({
      category: "workflow",
      q: `Which has higher LogP, ${a.name} or ${b.name}, then find compounds similar to the one with higher LogP`,
      intent: "multi_step_workflow",
      outcome: "success",
      compounds: [a.id, b.id],
      tools: ["compare_properties", "similarity_search"],
    });
  }

  // ── long inputs: the question follows a preamble ─────────────────────────
  const preambles = [
    "I'm preparing a short talk for my group next week and I'm still collecting background material.",
    "Hi! I've been reading a couple of papers this morning and I got curious about something.",
    "Quick question from a medicinal chemistry student, sorry if this is basic.",
    "We're reviewing our screening hits and my manager asked me to double-check a few things before the meeting.",
  ];
  const questions: [string, string, string[], string][] = [
    ["what are the targets of {c}?", "target_query", ["targets_of_compound"], "targets"],
    ["what is the molecular weight of {c}?", "property_query", ["properties"], "property"],
    ["can you find compounds similar to {c}?", "similarity_search", ["similarity_search"], "similarity"],
    ["is {c} drug-like?", "property_query", ["lipinski"], "druglikeness"],
  ];
  for (const c of sample(COMPOUNDS, 24)) {
    const [t, intent, tools] = pick(questions);
    add({
      category: "long_input",
      q: `${pick(preambles)} ${pick(["Anyway,", "So:", "My question:", ""])} ${t.replace("{c}", c.name)}`
        .replace(/\s+/g, " "),
      intent,
      outcome: "success",
      accept: ["partial"],
      compounds: [c.id],
      tools,
    });
  }

  // ── out of scope / unrecognised ──────────────────────────────────────────
  for (
    const q of [
      "What is the weather in Paris today?",
      "Tell me a joke about chemists",
      "who won the world cup in 2018",
      "write me a haiku about autumn",
      "what's the price of gold",
      "how do I fix my bike chain",
      "recommend a good movie",
      "translate hello into Spanish",
    ]
  ) {
    add({ category: "out_of_scope", q, intent: "out_of_scope", outcome: "out_of_scope" });
  }

  // ── casing / punctuation variants of the cases above ─────────────────────
  const base = out.filter((c) => c.category !== "out_of_scope" && !/[=()\[\]#@]|c1|C1/.test(c.q));
  const variants: [string, (q: string) => string][] = [
    ["upper", (q) => q.toUpperCase()],
    ["lower", (q) => q.toLowerCase()],
    ["title", (q) => q.replace(/\b([a-z])/g, (m) => m.toUpperCase())],
    ["no_punct", (q) => q.replace(/[?.!]+$/, "")],
    ["shout", (q) => q.replace(/[?.!]*$/, "??!")],
    ["spaces", (q) => `  ${q.replace(/ /g, "  ")}  `],
    ["please", (q) => `please, ${q[0].toLowerCase()}${q.slice(1)}`],
    ["trailing_dot", (q) => q.replace(/[?.!]*$/, ".")],
  ];
  for (const c of sample(base, 260)) {
    const [name, f] = pick(variants);
    const q = f(c.q);
    if (q === c.q) continue;
    const v: Draft = { ...c, category: `casing_${name}`, q };
    // A typo changes case with the question; the correction is compared case-insensitively.
    if (c.correction && name === "upper") {
      v.correction = { ...c.correction, from: c.correction.from.toUpperCase() };
    }
    add(v);
  }
  return dedupe(out);
}

function dedupe(cases: Draft[]): Draft[] {
  const seen = new Set<string>();
  return cases.filter((c) => {
    const k = c.q;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Checks every id, code and value used by the grid against the dataset; returns the problems found. */
export function validateGrid(cases: Case[], data: GridData): string[] {
  const problems: string[] = [];
  const compounds = new Map(data.compounds.map((c) => [c.id, c]));
  const targets = new Map(data.targets.map((t) => [t.id, t]));
  const index = nameIndex(data);
  for (const c of COMPOUNDS) {
    const rec = compounds.get(c.id);
    if (!rec) {
      problems.push(`compound ${c.id} missing`);
      continue;
    }
    if (!index.get(c.name)?.has(c.id)) problems.push(`${c.name} does not name ${c.id}`);
    if (rec.name !== c.display) problems.push(`${c.id} is named ${rec.name}, not ${c.display}`);
    if (c.atc && !rec.atc.includes(c.atc)) problems.push(`${c.name} has no ATC ${c.atc}`);
    if (c.cas && rec.cas !== c.cas) problems.push(`${c.name} CAS ${rec.cas} ≠ ${c.cas}`);
    if (c.year && rec.first_approval !== c.year) {
      problems.push(`${c.name} approved ${rec.first_approval} ≠ ${c.year}`);
    }
    if (c.formula && rec.descriptors?.formula !== c.formula) {
      problems.push(`${c.name} formula ≠ ${c.formula}`);
    }
  }
  for (const s of SYNONYMS) {
    if (!index.get(s.name)?.has(s.id)) problems.push(`${s.name} does not name ${s.id}`);
  }
  for (const t of TARGETS) {
    const rec = targets.get(t.id);
    if (!rec || !rec.genes.includes(t.gene) || rec.type !== "SINGLE PROTEIN") {
      problems.push(`target ${t.id} ≠ ${t.gene}`);
    }
  }
  for (const k of CLASSES) {
    for (const m of k.members) {
      const c = COMPOUNDS.find((x) => x.name === m);
      const rec = c && compounds.get(c.id);
      if (!rec || (k.atc && !rec.atc.some((a) => a.startsWith(k.atc!)))) {
        problems.push(`${m} is not in class ${k.atc}`);
      }
    }
    const size = data.compounds.filter((c) => k.atc && c.atc.some((a) => a.startsWith(k.atc!))).length;
    if (size < 3) problems.push(`class ${k.names[0]} has ${size} members`);
  }
  const lengths = byLength(index);
  for (const u of UNKNOWN_NAMES) {
    if (nameWithin(u, 2, lengths)) problems.push(`unknown name ${u} is ≤ 2 edits from a real name`);
  }
  for (const c of cases) {
    for (const id of c.compounds ?? []) if (!compounds.has(id)) problems.push(`${c.q}: no compound ${id}`);
    for (const id of c.targets ?? []) if (!targets.has(id)) problems.push(`${c.q}: no target ${id}`);
  }
  return problems;
}

export function toJsonl(cases: Case[]): string {
  return cases.map((c) => JSON.stringify(c)).join("\n") + "\n";
}

if (import.meta.main) {
  const seedArg = Deno.args.indexOf("--seed");
  const seed = seedArg >= 0 ? Number(Deno.args[seedArg + 1]) : DEFAULT_SEED;
  const data = await loadGridData();
  const cases = generateGrid(seed, data);
  const problems = validateGrid(cases, data);
  if (problems.length) {
    console.error(problems.join("\n"));
    Deno.exit(1);
  }
  const file = new URL("./grid.jsonl", import.meta.url);
  const text = toJsonl(cases);
  if (Deno.args.includes("--check")) {
    const same = (await Deno.readTextFile(file)) === text;
    console.log(
      same ? `grid.jsonl is up to date (${cases.length} cases)` : "grid.jsonl differs from the generator",
    );
    Deno.exit(same ? 0 : 1);
  }
  await Deno.writeTextFile(file, text);
  const counts = new Map<string, number>();
  for (const c of cases) counts.set(c.category!, (counts.get(c.category!) ?? 0) + 1);
  console.log(`wrote ${cases.length} cases (seed ${seed})`);
  for (const [k, n] of [...counts].sort()) console.log(`  ${k.padEnd(24)} ${n}`);
}
