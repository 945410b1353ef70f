/** @module Which spans of the question a parse used, and as what (the input of coverage accounting). */
import type { Action } from "./actions.ts";
import type { Use } from "./coverage.ts";
import { FILLER_PHRASES, usesOf } from "./coverage.ts";
import { COMPARATIVES, CUES, TARGET_FIELDS } from "./lexicon.ts";
import type { Parsed, Reading } from "./reading.ts";
import { unavailableSpans } from "./unavailable.ts";

const TARGET_ACTIONS: Action[] = ["targets", "ligands", "other_ligands", "common_targets", "common_ligands"];
const TARGET_INTENTS = new Set(["target_query", "reverse_target_query", "target_comparison"]);
const PROPERTY_INTENTS = new Set(["property_query", "property_comparison", "property_filter", "batch_query"]);
/** Small words that only glue operations together ("other drugs", "the same", "as well"). */
const GLUE =
  /\b(?:other|else|same|also|as\s+well|respectively|each|every|per|more\s+about|hits?|results?)\b/i;
/** Substructure cue words one by one (CUES.substructure also matches whole phrases with wildcards). */
const SUBSTRUCTURE_WORDS =
  /\b(?:substructures?|sub-structures?|contain(?:s|ing)?|bearing|smarts|scaffolds?|moiet(?:y|ies)|motifs?|fragments?|groups?|rings?|cores?|substituents?)\b/i;
/** Kinds of target a question may name while asking for targets ("what kinase does dasatinib inhibit"). */
export const TARGET_KINDS =
  /\b(?:kinases?|enzymes?|receptors?|proteins?|channels?|transporters?|genes?|gpcrs?|proteases?|targets?)\b/i;

/** Which spans of the question the parse used, and as what. */
export function usesFor(r: Reading, p: Parsed): Use[] {
  const { text } = r;
  const e = p.intent.entities;
  const acts = new Set(p.actions);
  const type = p.intent.type;
  const references = new Set(r.relative.map((x) => x.than).filter(Boolean));
  const uses: Use[] = [];
  const span = (start: number, end: number, as: Use["as"], value?: string): Use => ({
    text: text.slice(start, end),
    start,
    end,
    as,
    ...(value ? { value } : {}),
  });
  for (const f of r.rec.found) {
    uses.push(span(f.start, f.end, references.has(f) ? "reference" : f.kind as Use["as"], f.id));
  }
  for (const u of r.listedUnknown) {
    if (e.compounds.some((c) => !c.id && c.text === u.text)) uses.push(span(u.start, u.end, "compound"));
  }
  for (const [s, end] of r.constraints.spans) uses.push(span(s, end, "constraint"));
  for (const x of r.relative) uses.push(span(x.start, x.end, "constraint", `${x.property} ${x.op}`));
  // A route is applied only by class_members (the data records routes for approved drugs only).
  if (r.route && acts.has("class_members")) {
    uses.push(span(r.route.start, r.route.end, "constraint", "route"));
  }
  const phaseApplied = acts.has("filter") || acts.has("class_members") || acts.has("ligands") ||
    acts.has("other_ligands") ||
    acts.has("common_ligands") || acts.has("similar") || acts.has("substructure") ||
    ["property_filter", "similarity_search", "substructure_search", "reverse_target_query"].includes(type);
  if (r.status && e.phase && phaseApplied) {
    uses.push(span(r.status.start, r.status.end, "constraint", "phase"));
  }
  if (acts.has("fields") || type === "compound_lookup" || acts.has("lookup")) {
    for (const f of r.fields) uses.push(span(f.start, f.end, "field", f.field));
  } else if (acts.has("targets")) {
    // "UniProt accessions for the targets of celecoxib": every target row carries its own record fields.
    for (const f of r.fields) {
      if (TARGET_FIELDS.has(f.field)) uses.push(span(f.start, f.end, "field", f.field));
    }
  }
  for (const s of unavailableSpans(text)) uses.push(span(s.start, s.end, "not_available", s.name));
  const showsProperties =
    ["properties", "lipinski", "compare", "rank", "filter", "fields"].some((a) => acts.has(a as Action)) ||
    PROPERTY_INTENTS.has(type);
  for (const m of r.mentions) {
    const inFilter = r.constraints.filterSpans.some(([s, e]) =>
      m.end <= s && s - m.end <= 25 || m.start >= e && m.start - e <= 12
    );
    const identifier = (m.property === "inchikey" || m.property === "smiles") && type === "compound_lookup";
    if (showsProperties || inFilter || identifier || e.comparison?.property === m.property) {
      uses.push(span(m.start, m.end, "property", m.property));
    }
  }
  if (r.group && p.substructure?.query === r.group[1]) {
    const m = new RegExp(
      `(?:${
        r.group[0].source
      })(?:\\s+(?:rings?|groups?|moiet(?:y|ies)|scaffolds?|cores?|substituents?|motifs?|fragments?))?`,
      "i",
    )
      .exec(text);
    if (m) uses.unshift(span(m.index, m.index + m[0].length, "structure", r.group[2]));
  }
  for (const b of r.rec.badSmiles) {
    const at = text.indexOf(b.text);
    if (b.smarts && p.substructure?.query === b.text && at >= 0) {
      uses.push(span(at, at + b.text.length, "structure"));
    }
  }
  uses.push(...usesOf(text, FILLER_PHRASES, "filler"));
  const targetsServed = TARGET_ACTIONS.some((a) => acts.has(a)) || TARGET_INTENTS.has(type);
  const families: [RegExp, boolean][] = [
    [CUES.similarity, acts.has("similar")],
    [SUBSTRUCTURE_WORDS, acts.has("substructure") || type === "substructure_search"],
    [CUES.targets, targetsServed],
    [TARGET_KINDS, targetsServed],
    [CUES.ligands, targetsServed || acts.has("class_members")],
    [CUES.common, targetsServed],
    [CUES.compare, true],
    [CUES.lookup, true],
    [
      CUES.rank,
      acts.has("rank") || e.limit !== undefined || !!e.comparison || acts.has("similar") ||
      type === "property_comparison",
    ],
    ...COMPARATIVES.map((
      [re],
    ): [RegExp, boolean] => [re, !!e.comparison || !!e.relative?.length || acts.has("rank")]),
    [GLUE, true],
  ];
  for (const [re, served] of families) if (served) uses.push(...usesOf(text, re, "operation"));
  return uses;
}
