/** @module Entity recognition against the dataset dictionary: compounds, targets, drug classes, ChEMBL IDs, SMILES. */
import type { Dataset } from "../data/dataset.ts";
import { normalizeName, stripSaltForm } from "../data/normalize.ts";
import { ChemAgentError } from "../errors.ts";
import type { SmilesChecker } from "../chem/smiles_checker.ts";
import { looksLikeSmiles } from "../tools/resolve.ts";
import { PROPERTY_SYNONYMS, STOPWORDS } from "./lexicon.ts";
import { classKey } from "../data/classes.ts";
import { correctName, isCommonWord } from "../data/typos.ts";

export interface Found {
  kind: "compound" | "target" | "smiles" | "class";
  /** As written; for a corrected typo, the name it was corrected to (`correction.from` keeps what was typed). */
  text: string;
  /** Compound id, target id, or class id (ClassIndex) for kind "class". */
  id?: string;
  start: number;
  end: number;
  /** Also readable as the other kind (a name that is both a compound and a target). */
  alsoTarget?: boolean;
  /** The target it could also be (when alsoTarget). */
  targetId?: string;
  alsoCompound?: boolean;
  /** Set when a misspelt name was corrected because one candidate was clearly closest. */
  correction?: { from: string; to: string };
}

/** A name-like word that resolved to nothing: report it as not found, with close names if any. */
export interface UnknownSpan {
  text: string;
  start: number;
  end: number;
  /** Close names, closest then best known first; never far-fetched (may be empty). */
  suggestions: string[];
  /** Several names were equally close: ask which one was meant (they are `suggestions`). */
  ambiguous?: boolean;
}

export interface Recognised {
  found: Found[];
  /** Content words nothing recognised, with "did you mean" suggestions. */
  unknown: UnknownSpan[];
  /** Several IDs glued together ("CHEMBL25CHEMBL112"). */
  glued: string[];
  /** Tokens written like SMILES that RDKit rejects, with RDKit's reason. */
  badSmiles: { text: string; message: string; smarts: boolean; error?: ChemAgentError }[];
}

interface Token {
  raw: string;
  core: string;
  start: number;
  end: number;
}

const MAX_NGRAM = 6;
const TRAILING = /[?!,;:]+$|\.+$|['"”’)]+$/;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(/\S+/g)) {
    let core = m[0];
    const start = m.index!;
    let lead = 0;
    while (/^["'“‘(]/.test(core) && !(core.startsWith("(") && looksLikeSmiles(core))) {
      core = core.slice(1);
      lead++;
    }
    for (let i = 0; i < 3; i++) {
      const t = core.replace(TRAILING, "");
      // Keep a closing ")" when it balances the token's own parentheses (it belongs to a SMILES).
      if (core.endsWith(")") && count(core, "(") >= count(core, ")")) break;
      // A surplus ")" on a structure with no "(" open before it is a typo in the SMILES, not punctuation.
      const before = text.slice(0, start);
      if (
        core.endsWith(")") && /[()=#\[\]]/.test(core.slice(0, -1)) && looksLikeSmiles(core.slice(0, -1)) &&
        count(before, "(") <= count(before, ")")
      ) break;
      core = t;
    }
    core = core.replace(/['’]s$/i, "");
    if (core) out.push({ raw: m[0], core, start: start + lead, end: start + lead + core.length });
  }
  return out;
}

const count = (s: string, ch: string) => s.split(ch).length - 1;
const propertyWord = (w: string) => PROPERTY_SYNONYMS.some(([re]) => re.test(w));

/** Short all-caps tokens are gene symbols only when typed in capitals ("MET" yes, "met" no). */
function targetTokenOk(phrase: string, words: number): boolean {
  if (words > 1) return true;
  const letters = phrase.replace(/[^A-Za-z]/g, "");
  if (letters.length >= 6 && !/^[A-Z0-9-]+$/.test(phrase)) return true;
  // All capitals (EGFR, PTGS2), internal capitals (hERG, mTOR, c-KIT) or a numbered alias (COX-2).
  return /^[A-Z0-9][A-Z0-9\-\/αβγ]*$/.test(phrase) || /[A-Z]/.test(phrase.slice(1)) ||
    /^[A-Za-z]+-\d/.test(phrase);
}

/** Finds compounds, targets, IDs and SMILES in a question, longest match first. */
export function recognise(
  text: string,
  data: Dataset,
  chem: SmilesChecker,
  masked: [number, number][] = [],
): Recognised {
  const tokens = tokenize(text).filter((t) => !masked.some(([s, e]) => t.start >= s && t.end <= e));
  const found: Found[] = [];
  const unknown: Recognised["unknown"] = [];
  const badSmiles: Recognised["badSmiles"] = [];
  const glued = [...text.matchAll(/\bCHEMBL\d+(?:CHEMBL\d+)+\b/gi)].map((m) => m[0]);
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    // ChEMBL ID, possibly written "CHEMBL 25"
    const idMatch = /^CHEMBL(\d+)$/i.exec(t.core) ??
      (/^CHEMBL$/i.test(t.core) && tokens[i + 1] && /^\d+$/.test(tokens[i + 1].core)
        ? ["", tokens[i + 1].core]
        : null);
    if (
      idMatch &&
      !glued.some((g) => g.toUpperCase().includes(t.core.toUpperCase()) && g.length > t.core.length)
    ) {
      const id = `CHEMBL${idMatch[1]}`;
      const span = idMatch[0] ? 1 : 2;
      const c = data.compoundById(id);
      const tg = c ? undefined : data.targetById(id);
      found.push({
        kind: tg ? "target" : "compound",
        text: id,
        id: c?.id ?? tg?.id,
        start: t.start,
        end: tokens[i + span - 1].end,
      });
      i += span;
      continue;
    }
    if (/^CHEMBL\d+(?:CHEMBL\d+)+$/i.test(t.core)) {
      i++;
      continue;
    }
    let matched = false;
    for (let n = Math.min(MAX_NGRAM, tokens.length - i); n >= 1 && !matched; n--) {
      const span = tokens.slice(i, i + n);
      // Do not let a phrase swallow a break between clauses ("aspirin, ibuprofen").
      if (span.slice(0, -1).some((s) => /[,;?!]$/.test(s.raw))) continue;
      const phrase = text.slice(span[0].start, span[n - 1].end);
      const key = normalizeName(phrase);
      if (
        key.length < 2 || (n === 1 && (STOPWORDS.has(phrase.toLowerCase()) || /^\d+(?:\.\d+)?$/.test(phrase)))
      ) continue;
      const classId = data.classes.idForKey(/[αβγ]/.test(phrase) ? classKey(phrase) : key);
      if (n > 1 && !classId && span.every((s) => STOPWORDS.has(s.core.toLowerCase()))) continue;
      const isCompound = data.hasCompoundName(key) ||
        (n <= 3 && !!stripSaltForm(phrase) && data.hasCompoundName(stripSaltForm(phrase)));
      const isTarget = data.hasTargetKey(key) && targetTokenOk(phrase, n);
      // Curated class names win ("ACE inhibitors"); derived ones yield to a compound or target of that name.
      if (
        classId && (data.classes.get(classId)!.curated || (!isCompound && !isTarget)) && classOk(phrase, n)
      ) {
        found.push({ kind: "class", text: phrase, id: classId, start: span[0].start, end: span[n - 1].end });
        i += n;
        matched = true;
        continue;
      }
      if (!isCompound && !isTarget) continue;
      // Single common words that happen to be synonyms (e.g. "Mast", "Ace") need capitals or length.
      if (n === 1 && isCompound && !isTarget && phrase.length < 4 && phrase === phrase.toLowerCase()) {
        continue;
      }
      const compound = isCompound ? data.compoundsByName(phrase)[0] : undefined;
      const target = isTarget ? data.targetsByText(phrase)[0] : undefined;
      found.push({
        kind: isCompound && (!isTarget || n > 1 || phrase !== phrase.toUpperCase()) ? "compound" : "target",
        text: phrase,
        id: isCompound && compound ? compound.id : target?.id,
        start: span[0].start,
        end: span[n - 1].end,
        alsoTarget: isCompound && isTarget,
        alsoCompound: isCompound && isTarget,
        ...(isCompound && isTarget && target ? { targetId: target.id } : {}),
      });
      if (found.at(-1)!.kind === "target") found.at(-1)!.id = target?.id;
      i += n;
      matched = true;
    }
    if (matched) continue;
    const core = t.core;
    // "CF3-containing": a word about a group, not a SMILES.
    const shaped = core.length >= 2 && looksLikeSmiles(core) && !STOPWORDS.has(core.toLowerCase()) &&
      !/-(?:containing|bearing|substituted)$/i.test(core) &&
      !/^\d+$/.test(core) && (/[^A-Za-z]/.test(core) || core.length >= 3);
    let valid = false;
    try {
      valid = shaped && chem.isValidSmiles(core);
    } catch (e) {
      // Over the size limits: refused by name, the question around it still read.
      if (!(e instanceof ChemAgentError) || e.code !== "input_too_complex") throw e;
      badSmiles.push({ text: core, message: e.message, smarts: false, error: e });
      i++;
      continue;
    }
    if (valid) {
      found.push({ kind: "smiles", text: core, start: t.start, end: t.end });
      i++;
      continue;
    }
    if (
      core.length >= 3 && looksLikeSmiles(core) && /[()=#\[\]@\\/]|[A-Za-z]\d/.test(core) &&
      !/-(?:containing|bearing|substituted)$/i.test(core) &&
      !/^CHEMBL/i.test(core) && !/^[A-Za-z]+-?\d+[A-Za-z]?$/.test(core)
    ) {
      try {
        chem.canonical(core);
      } catch (e) {
        // Not a molecule; it may still be a valid SMARTS pattern for a substructure search.
        let smarts = false;
        try {
          chem.parseQuery(core).delete();
          smarts = true;
        } catch { /* neither */ }
        badSmiles.push({ text: core, message: (e as Error).message, smarts });
        i++;
        continue;
      }
    }
    const lower = core.toLowerCase();
    if (
      /^[a-z][a-z0-9\-]{3,}$/i.test(core) && !STOPWORDS.has(lower) && !propertyWord(core) &&
      !EXTRA_WORDS.has(lower) && !isCommonWord(lower)
    ) {
      const fix = correctName(core, data, targetTokenOk(core, 1));
      if (fix.found) found.push({ ...fix.found, start: t.start, end: t.end });
      else {
        unknown.push({
          text: core,
          start: t.start,
          end: t.end,
          suggestions: fix.suggestions,
          ...(fix.ambiguous ? { ambiguous: true } : {}),
        });
      }
    }
    i++;
  }
  return { found, unknown, glued, badSmiles };
}

/** Short class abbreviations count only as typed ("PPI", "ARB"), not as lowercase words. */
function classOk(phrase: string, words: number): boolean {
  return words > 1 || phrase.length > 4 || phrase !== phrase.toLowerCase();
}

/** Ordinary English words that carry no entity (kept out of "did you mean"). */
const EXTRA_WORDS = new Set(
  ("what which where when tell show give find list search look lookup fetch display print return retrieve provide " +
    "please could would should might will shall kindly want need like know there here that this these those such " +
    "molecular weight mass polar surface area rotatable bonds donors acceptors heavy atoms aromatic rings formula " +
    "similar similarity structurally related structure structures analogs analogues neighbours neighbors " +
    "compounds compound molecules molecule drugs drug chemicals chemical medicines medicine medications medication " +
    "targets target ligands ligand inhibitors inhibitor agonists antagonists blockers binders modulators proteins protein " +
    "receptor receptors enzyme enzymes genes gene mechanism mechanisms action actions pathway pathways " +
    "compare comparison versus between higher lower greater larger smaller bigger heavier lighter more less most least " +
    "rank ranked ranking sort sorted order ordered filter filtered filtering keep remove exclude include only " +
    "then also both each every their them they those its with without from into onto over under below above " +
    "about info information details detail data properties property descriptors descriptor values value " +
    "lipophilic lipophilicity hydrophilic flexible rigid polar druglike drug-like druglikeness lipinski veber " +
    "threshold cutoff tanimoto score percent limit results result hits first second third last next other " +
    "containing contain contains bearing group groups ring moiety scaffold core fragment substructure substructures " +
    "known approved marketed clinical phase used used treat treating treatment therapy disease diseases " +
    "does work works acting acts bind binds binding inhibit inhibits block blocks activate activates modulate " +
    "common shared share overlap overlapping intersection same different difference differences " +
    "calculate compute computed calculated determine predict estimate check verify evaluate assess analyse analyze " +
    "get their thing things stuff something anything everything nothing someone tell quick quickly hello thanks thank " +
    "smiles inchi inchikey canonical string strings names name synonyms synonym identifiers identifier " +
    "today weather tomorrow yesterday really very much many lots some any few several number count how why who " +
    "stronger weaker better worse potent potency selective selectivity toxic toxicity safe safety side effects effect")
    .split(" "),
);
