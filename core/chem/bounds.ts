/** @module Size and complexity limits checked on the text of a structure before RDKit ever sees it. */
import { ChemAgentError } from "../errors.ts";

/**
 * The documented limits (docs/limits.md is generated from these numbers).
 *
 * Measured with RDKit WASM 2026.09: a linear chain of 600 carbons traps inside `get_descriptors`,
 * fingerprints and depiction (`memory access out of bounds`, after which the module is unusable), and
 * 150 three-membered rings (450 atoms) trap in the fingerprint; 200–300 atoms already take 0.3–0.8 s to
 * depict. The limits keep roughly a 2× margin below the first trap while admitting every real drug
 * (vancomycin 101 heavy atoms, cyclosporin 85, the largest ChEMBL 18 + DrugCentral structure we ship
 * fits too). Substructure patterns cost per dataset molecule, exponentially in their wildcard atoms
 * (a 10-wildcard chain already takes ≈ 4 s over the dataset, 80 wildcards never end), so they are
 * bounded much more tightly.
 */
export const LIMITS = {
  /** Characters in a SMILES string. */
  smilesLength: 2_000,
  /** Heavy (non-hydrogen) atoms in a SMILES, all fragments together. */
  heavyAtoms: 250,
  /** Ring-closure bonds (pairs of ring-closure digits) in a SMILES. */
  ringClosures: 60,
  /** Nesting depth of parenthesised branches. */
  branchDepth: 32,
  /** Characters in a substructure pattern (SMARTS or SMILES). */
  patternLength: 500,
  /** Atoms in a substructure pattern. */
  patternAtoms: 60,
  /** Wildcard atoms (`*`, `A`, `a`, `[*]`, `[#0]`) in a substructure pattern. */
  patternWildcards: 6,
  /** Largest share of wildcard atoms in a pattern of more than 4 atoms. */
  patternWildcardShare: 0.5,
  /** Nesting depth of recursive SMARTS (`[$(…)]` inside `[$(…)]`): RDKit's matching cost multiplies per level. */
  recursionDepth: 2,
  /** Atoms (hydrogens included) in one molfile record of an uploaded library (SDF). */
  molblockAtoms: 1_000,
} as const;

/** What a cheap left-to-right scan of SMILES/SMARTS text finds (no chemistry, no RDKit). */
export interface StructureShape {
  length: number;
  atoms: number;
  heavyAtoms: number;
  wildcards: number;
  ringClosures: number;
  branchDepth: number;
  /** Deepest nesting of recursive SMARTS `$(…)`. */
  recursionDepth: number;
}

const ORGANIC = /^(?:Cl|Br|[BCNOSPFI]|[bcnosp])/;

/** Counts atoms, ring closures and branch depth by reading the text once. */
export function scanStructure(text: string): StructureShape {
  let atoms = 0, heavy = 0, wildcards = 0, closures = 0, depth = 0, maxDepth = 0;
  // Open parentheses, true where one opened a recursive SMARTS "$(": their atoms are counted like any other.
  const opened: boolean[] = [];
  let recursion = 0, maxRecursion = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "$" && text[i + 1] === "(") {
      opened.push(true);
      if (++recursion > maxRecursion) maxRecursion = recursion;
      i++;
    } else if (ch === "[") {
      const end = text.indexOf("]", i + 1);
      const inner = text.slice(i + 1, end < 0 ? text.length : end);
      atoms++;
      // A bracket atom holding a recursive SMARTS is read on, so the atoms inside it count too.
      if (inner.includes("$(")) continue;
      // "[2H]", "[H+]" are hydrogens; "[*]", "[#0]" and bare "A"/"a" match any atom.
      const element = inner.replace(/^\d+/, "");
      if (!/^H(?![a-z])/.test(element) && !/^#1(?!\d)/.test(element)) heavy++;
      // An atom that pins no element matches (almost) anything: negations ("[!#1]", "[!C]"), "[#0]", "*",
      // "A"/"a", and bare degree/connectivity/ring primitives ("[D3]", "[X4]", "[R]", "[r5]", "[v4]").
      if (/^(?:[!*]|#0(?!\d)|[AaDXRrvxh^](?![a-z]))/.test(element)) wildcards++;
      i = end < 0 ? text.length : end;
    } else if (ch === "(") {
      opened.push(false);
      depth++;
      if (depth > maxDepth) maxDepth = depth;
    } else if (ch === ")") {
      if (opened.pop()) recursion--;
      else depth = Math.max(0, depth - 1);
    } else if (ch === "%") {
      closures++;
      // %nn, or %(nnn) in newer SMILES.
      if (text[i + 1] === "(") i = Math.max(i, text.indexOf(")", i));
      else i += 2;
    } else if (ch >= "0" && ch <= "9") {
      closures++;
    } else if (ch === "*" || ch === "A" || ch === "a") {
      // "A"/"a" alone are SMARTS wildcards; "Al", "As" only occur in brackets.
      atoms++;
      heavy++;
      wildcards++;
    } else {
      const m = ORGANIC.exec(text.slice(i, i + 2));
      if (m) {
        atoms++;
        heavy++;
        i += m[0].length - 1;
      }
    }
  }
  return {
    length: text.length,
    atoms,
    heavyAtoms: heavy,
    wildcards,
    ringClosures: Math.ceil(closures / 2),
    branchDepth: maxDepth,
    recursionDepth: maxRecursion,
  };
}

const tooComplex = (what: string, value: number, limit: number, name: keyof typeof LIMITS, text: string) =>
  new ChemAgentError(
    "input_too_complex",
    `The structure is too complex: ${what} is ${value}, the limit is ${limit} (${name}).`,
    { details: { limit: name, value, max: limit, input: clip(text) } },
  );

/** The limits SMILES and patterns share: ring closures, branch depth and recursive SMARTS depth. */
function checkNesting(s: StructureShape, text: string): StructureShape {
  if (s.ringClosures > LIMITS.ringClosures) {
    throw tooComplex("the ring-closure count", s.ringClosures, LIMITS.ringClosures, "ringClosures", text);
  }
  if (s.branchDepth > LIMITS.branchDepth) {
    throw tooComplex("the branch depth", s.branchDepth, LIMITS.branchDepth, "branchDepth", text);
  }
  if (s.recursionDepth > LIMITS.recursionDepth) {
    const what = "the recursive SMARTS depth";
    throw tooComplex(what, s.recursionDepth, LIMITS.recursionDepth, "recursionDepth", text);
  }
  return s;
}

/** Refuses SMILES over the limits with `input_too_complex` naming the limit; returns its shape. */
export function checkSmiles(smiles: string): StructureShape {
  const text = smiles.trim();
  if (text.length > LIMITS.smilesLength) {
    throw tooComplex("its length", text.length, LIMITS.smilesLength, "smilesLength", text);
  }
  const s = scanStructure(text);
  if (s.heavyAtoms > LIMITS.heavyAtoms) {
    throw tooComplex("the heavy-atom count", s.heavyAtoms, LIMITS.heavyAtoms, "heavyAtoms", text);
  }
  return checkNesting(s, text);
}

/** Refuses substructure patterns over the limits (length, atoms, wildcards, then the SMILES limits). */
export function checkPattern(pattern: string): StructureShape {
  const text = pattern.trim();
  if (text.length > LIMITS.patternLength) {
    throw tooComplex("the pattern length", text.length, LIMITS.patternLength, "patternLength", text);
  }
  const s = scanStructure(text);
  if (s.atoms > LIMITS.patternAtoms) {
    throw tooComplex("the pattern's atom count", s.atoms, LIMITS.patternAtoms, "patternAtoms", text);
  }
  if (s.wildcards > LIMITS.patternWildcards) {
    throw tooComplex(
      "the number of wildcard atoms",
      s.wildcards,
      LIMITS.patternWildcards,
      "patternWildcards",
      text,
    );
  }
  if (s.atoms > 4 && s.wildcards / s.atoms > LIMITS.patternWildcardShare) {
    throw new ChemAgentError(
      "input_too_complex",
      `The pattern is too unspecific: ${s.wildcards} of its ${s.atoms} atoms are wildcards, ` +
        `the limit is ${LIMITS.patternWildcardShare * 100}% (patternWildcardShare).`,
      {
        details: {
          limit: "patternWildcardShare",
          value: s.wildcards / s.atoms,
          max: LIMITS.patternWildcardShare,
        },
      },
    );
  }
  return checkNesting(s, text);
}

/**
 * Refuses a molfile (one SDF record's connection table) over the limits: the V2000 counts line or the V3000
 * COUNTS line is read, and heavy atoms are counted from the atom block, before RDKit parses anything.
 */
export function checkMolblock(block: string): { atoms: number; heavyAtoms: number } {
  const lines = block.split(/\r?\n/, 5);
  const counts = lines[3] ?? "";
  const v3 = /V3000/.test(counts);
  const atoms = v3
    ? Number(/M\s+V30\s+COUNTS\s+(\d+)/.exec(block)?.[1] ?? NaN)
    : Number(counts.slice(0, 3).trim() || NaN);
  if (!Number.isFinite(atoms)) {
    throw new ChemAgentError("invalid_smiles", "The molfile has no readable counts line.");
  }
  if (atoms > LIMITS.molblockAtoms) {
    throw tooComplex(
      "the molfile atom count",
      atoms,
      LIMITS.molblockAtoms,
      "molblockAtoms",
      `${atoms} atoms`,
    );
  }
  let heavy = 0;
  if (v3) {
    for (const m of block.matchAll(/^M\s+V30\s+\d+\s+(\S+)\s/gm)) if (m[1] !== "H" && m[1] !== "D") heavy++;
  } else {
    const all = block.split(/\r?\n/, 4 + atoms);
    for (let i = 4; i < all.length; i++) {
      const el = all[i].slice(31, 34).trim();
      if (el !== "H" && el !== "D" && el !== "T") heavy++;
    }
  }
  if (heavy > LIMITS.heavyAtoms) {
    throw tooComplex("the heavy-atom count", heavy, LIMITS.heavyAtoms, "heavyAtoms", `${heavy} heavy atoms`);
  }
  return { atoms, heavyAtoms: heavy };
}

const clip = (s: string) => (s.length > 60 ? s.slice(0, 57) + "…" : s);
