/** @module Deterministic intent classification: entities + cue words → Intent with a meaningful confidence,
 * and an account of which words of the question were used (coverage). */
import type { ChemEngine } from "../chem/engine.ts";
import type { Dataset } from "../data/dataset.ts";
import type { Compound } from "../data/model.ts";
import { ChemAgentError } from "../errors.ts";
import type { Entities, EntityRef, Intent, IntentType, Understanding } from "../types.ts";
import { type Action, picked, PRONOUN, questionActions } from "./actions.ts";
import { type Found, recognise, type Recognised } from "./entities.ts";
import { normalizeName } from "../data/normalize.ts";
import { accountFor, FILLER_PHRASES, isFiller, type Use, usesOf } from "./coverage.ts";
import {
  COMPARATIVES,
  CUES,
  FIELDS,
  FUNCTIONAL_GROUPS,
  IN_SCOPE,
  NUMERIC_NAMES,
  OUT_OF_SCOPE,
  STATUS_WORDS,
  TARGET_FIELDS,
} from "./lexicon.ts";
import { type Constraints, parseConstraints, propertyMentions } from "./numbers.ts";
import { type RelativeConstraint, relativeConstraints } from "./relative.ts";
import { type UnavailableAsk, unavailableAsks, unavailableSpans } from "./unavailable.ts";
import { questionPart } from "./question_part.ts";
import { approvalYears, routeMention } from "./scope.ts";

export type { Action } from "./actions.ts";

export interface ParseContext {
  data: Dataset;
  chem: ChemEngine;
  maxLength: number;
}

/** What parsing produced: an intent, and for unanswerable questions the error to report. */
export interface Parsed {
  intent: Intent;
  error?: ChemAgentError;
  /** Functional group or SMILES/SMARTS used as a substructure query. */
  substructure?: { query: string; label: string };
  /** Text not recognised that looked like a compound name (for not_found suggestions). */
  unknown: string[];
  /** Ordered follow-up actions for workflows. */
  actions: Action[];
  /** "their"/"them"/"it" with nothing to refer to in this question (session context may resolve it). */
  dangling: boolean;
  /** Names that are both a compound and a target, and names shared by different compounds. */
  ambiguous?: { text: string; compoundIds: string[]; targetId?: string }[];
  /** Why the LLM was not used when it could have been (unavailable, failed, over budget). */
  llmNote?: string;
  /** Which words were used, which were not, what was corrected (offsets into the question as sent). */
  understanding?: Understanding;
  /** Asks the offline data cannot serve (pKa, IC50…), named. */
  unavailable?: UnavailableAsk[];
  /** "the first one": a later step uses only this many items of the previous list. */
  pick?: number;
  /** Everything the question asked for is data the source lacks (only related data can be shown). */
  onlyUnavailable?: boolean;
}

const WORDS = /[a-z]+/gi;
const ENGLISH =
  /\b(?:the|is|are|what|how|who|why|when|where|a|an|of|to|in|for|on|do|does|can|you|i|me|my|it|this|that|please|tell|give)\b/i;

const clip = (s: string) => (s.length > 50 ? s.slice(0, 47) + "…" : s);

/** Everything read from the text before deciding the intent. */
interface Reading {
  text: string;
  constraints: Constraints;
  rec: Recognised;
  mentions: ReturnType<typeof propertyMentions>;
  entities: Entities;
  group?: [RegExp, string, string];
  unavailable: UnavailableAsk[];
  fields: { field: string; start: number; end: number; text: string }[];
  status?: { min_phase?: number; max_phase?: number; start: number; end: number; text: string };
  route?: { route: string; start: number; end: number };
  relative: RelativeConstraint[];
  unknown: string[];
  /** Unknown name-like words taken as compounds of a list ("compare X, Y and Z"). */
  listedUnknown: { text: string; start: number; end: number }[];
  ambiguous: NonNullable<Parsed["ambiguous"]>;
  substructure?: { query: string; label: string };
  actions: Action[];
  clauses: string[];
}

function emptyEntities(): Entities {
  return { compounds: [], smiles: [], targets: [], properties: [], filters: [] };
}

function dedupeRefs(list: EntityRef[]): EntityRef[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const k = r.id ?? r.text.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const refOf = (f: Found): EntityRef => ({ text: f.text, ...(f.id ? { id: f.id } : {}) });

/** Whitespace-normalised text with a map back to positions in the raw input. */
function normalise(raw: string): { text: string; map: number[] } {
  let text = "";
  const map: number[] = [];
  let space = false;
  for (let i = 0; i < raw.length; i++) {
    if (/\s/.test(raw[i])) {
      space = text.length > 0;
      continue;
    }
    if (space) {
      text += " ";
      map.push(i - 1);
      space = false;
    }
    text += raw[i];
    map.push(i);
  }
  map.push(raw.length);
  return { text, map };
}

function checkLength(text: string, max: number) {
  if (!text) {
    throw new ChemAgentError(
      "empty_query",
      'The query is empty. Ask e.g. "What are the targets of imatinib?"',
    );
  }
  if (text.length > max) {
    throw new ChemAgentError(
      "invalid_request",
      `The query is ${text.length} characters long; the limit is ${max}.`,
    );
  }
}

/** Parses a question into an intent (no LLM). Throws only for empty or oversized input. */
export function parseQuestion(raw: string, ctx: ParseContext): Parsed {
  const { text: full, map } = normalise(raw);
  checkLength(full, ctx.maxLength);
  // The question part (and a name it points back to) is parsed; the rest of a long input is context.
  const pieces = questionPart(full, (t) => lastName(t, ctx));
  const text = pieces.map((p) => full.slice(p.start, p.end)).join(" ");
  const at: number[] = [];
  pieces.forEach((p, i) => {
    for (let k = p.start; k < p.end; k++) at.push(k);
    if (i < pieces.length - 1) at.push(p.end);
  });
  at.push(full.length);
  const r = read(text, ctx);
  const parsed = classify(r, ctx);
  // Reference compounds ("fewer HBD than celecoxib") are named entities too, marked as references.
  for (const x of r.relative) {
    if (
      x.than && x.than.kind === "compound" &&
      !parsed.intent.entities.compounds.some((c) => c.id === x.than!.id)
    ) {
      parsed.intent.entities.compounds.push({ ...refOf(x.than), role: "reference" });
    }
  }
  const uses: Use[] = usesFor(r, parsed).map((u) => {
    let end = at[u.end - 1] + 1;
    // A number word read as a digit ("three" → "3    ") is used as the whole word.
    while (/[A-Za-z]/.test(full[end] ?? "") && /[A-Za-z]/.test(full[end - 1])) end++;
    return { ...u, start: at[u.start], end, text: full.slice(at[u.start], end) };
  });
  let from = 0;
  const preamble: { start: number; end: number }[] = [];
  for (const p of [...pieces, { start: full.length, end: full.length }]) {
    if (p.start > from) {
      uses.push({ text: full.slice(from, p.start), start: from, end: p.start, as: "context" });
      preamble.push({ start: from, end: p.start });
    }
    from = Math.max(from, p.end);
  }
  const corrections = r.rec.found.flatMap((f) => {
    const c = (f as Found & { correction?: { from: string; to: string } }).correction;
    return c ? [c] : [];
  });
  const u = accountFor(full, uses, corrections);
  const back = (i: number) => map[Math.min(i, map.length - 1)];
  const toRaw = <T extends { start: number; end: number; text: string }>(x: T): T => {
    const start = back(x.start), end = x.end > 0 ? back(x.end - 1) + 1 : 0;
    return { ...x, start, end, text: raw.slice(start, end) };
  };
  // Context is not parsed, but a drug-like name in it that the question may mean is still reported.
  const drugLike = preamble.flatMap((p) =>
    [...full.slice(p.start, p.end).matchAll(DRUG_LIKE)].map((m) => ({
      text: m[0],
      start: p.start + m.index!,
      end: p.start + m.index! + m[0].length,
    }))
  ).filter((w) => !ctx.data.hasCompoundName(normalizeName(w.text)));
  parsed.understanding = {
    used: u.used.filter((x) => x.as !== "context" && x.as !== "filler").map(toRaw),
    unused: [...u.unused, ...drugLike].sort((a, b) => a.start - b.start).map(toRaw),
    corrections: u.corrections,
  };
  if (parsed.understanding.unused.length && !parsed.error) {
    // Words we could not place lower the confidence, so an LLM (when configured) gets a say first.
    parsed.intent.confidence = Math.min(parsed.intent.confidence, 0.7);
  }
  return parsed;
}

/** The last name in a piece of text: a compound, target or structure, else an unknown name-like word. */
function lastName(text: string, ctx: ParseContext): { start: number; end: number } | null {
  const rec = recognise(text, ctx.data, ctx.chem);
  // Only names as written (a corrected word in chatty preamble is more likely English than a drug).
  const named = rec.found.filter((f) =>
    (f.kind === "compound" || f.kind === "smiles" || f.kind === "target") &&
    !(f as Found & { correction?: unknown }).correction
  );
  const last = named.at(-1);
  return last ? { start: last.start, end: last.end } : null;
}

/** Reads entities, constraints, fields, asks and actions out of the text. */
function read(input: string, ctx: ParseContext): Reading {
  // "aspirin-like compounds", "COX-1/COX-2": names and cues become separate words (same length, so the
  // offsets stay those of the question).
  const text = digits(input).replace(/(\w)-(like|type|based|derived)\b/gi, "$1 $2").replace(
    /([A-Za-z][\w-]*)\/(?=([A-Za-z][\w-]*))/g,
    (all, a: string, b: string) => knownName(a, ctx.data) && knownName(b, ctx.data) ? `${a} ` : all,
  );
  const years = approvalYears(text);
  const route = routeMention(text);
  const constraints = parseConstraints(
    years ? text.slice(0, years.start) + " ".repeat(years.end - years.start) + text.slice(years.end) : text,
  );
  if (years) constraints.spans.push([years.start, years.end]);
  // Units ("1 mg/mL", "400 mg") are never structures or names.
  for (const m of text.matchAll(UNITS)) constraints.spans.push([m.index!, m.index! + m[0].length]);
  // An InChIKey or a CAS number names a compound ("which compound has CAS number 50-78-2").
  const keys = [...text.matchAll(/\b[A-Z]{14}-[A-Z]{10}-[A-Z]\b|\b\d{2,7}-\d{2}-\d\b/g)];
  for (const k of keys) constraints.spans.push([k.index!, k.index! + k[0].length]);
  const rec: Recognised = recognise(text, ctx.data, ctx.chem, constraints.spans);
  for (const k of keys) {
    const c = /^\d/.test(k[0]) ? byCas(k[0], ctx.data) : ctx.data.compoundsByInChIKey(k[0])[0];
    if (c) {
      rec.found.push({
        kind: "compound",
        text: k[0],
        id: c.id,
        start: k.index!,
        end: k.index! + k[0].length,
      });
    }
  }
  rec.found.sort((a, b) => a.start - b.start);
  // A structure that is a dataset compound is understood as that compound (its id is the use's value).
  for (const f of rec.found) {
    if (f.kind !== "smiles" || f.id) continue;
    try {
      f.id = ctx.data.compoundsByInChIKey(ctx.chem.facts(f.text).inchikey)[0]?.id;
    } catch { /* not a molecule RDKit can describe: stays a bare structure */ }
  }
  const entities = emptyEntities();
  const mentions = propertyMentions(text);
  const fields = fieldMentions(text);
  const status = statusMention(text, fields);
  if (years) {
    entities.approval_year = {
      ...(years.min ? { min: years.min } : {}),
      ...(years.max ? { max: years.max } : {}),
    };
  }
  if (route) entities.route = route.route;
  const relative = relativeConstraints(
    text,
    rec.found,
    constraints.spans,
    rec.found.some((f) => f.kind === "class"),
  );
  const references = new Set(relative.map((x) => x.than).filter((f): f is Found => !!f));
  entities.properties = [...new Set([...mentions.map((m) => m.property), ...fields.map((f) => f.field)])];
  // "the compound with InChIKey X": the key names the compound, it is not asked for.
  if (keys.length) entities.properties = entities.properties.filter((x) => x !== "inchikey" && x !== "cas");
  entities.filters = constraints.filters;
  if (constraints.threshold !== undefined) entities.threshold = constraints.threshold;
  if (constraints.limit !== undefined) entities.limit = constraints.limit;
  if (constraints.unsupported.length) entities.unsupported = constraints.unsupported;
  const subjects = rec.found.filter((f) => !references.has(f));
  entities.compounds = dedupeRefs(subjects.filter((f) => f.kind === "compound").map(refOf));
  entities.smiles = [...new Set(subjects.filter((f) => f.kind === "smiles").map((f) => f.text))];
  entities.targets = dedupeRefs(subjects.filter((f) => f.kind === "target").map(refOf));
  const classes = dedupeRefs(subjects.filter((f) => (f.kind as string) === "class").map(refOf));
  if (classes.length) entities.classes = classes;
  if (relative.length) {
    entities.relative = relative.map((x) => ({
      property: x.property,
      op: x.op,
      than: x.than ? x.than.id ?? x.than.text : null,
    }));
  }
  if (status) {
    entities.phase = {
      ...(status.min_phase ? { min: status.min_phase } : {}),
      ...(status.max_phase ? { max: status.max_phase } : {}),
    };
  }
  detectComparison(text, entities);
  let unavailable = unavailableAsks(text);
  if (entities.unsupported?.length) unavailable = unavailable.filter((a) => a.related !== "targets");
  // Words our own lexicon knows (filler, cues, properties) are never "unknown names".
  const asks = rec.unknown.length ? unavailableSpans(text) : [];
  rec.unknown = rec.unknown.filter((u) =>
    !isFiller(u.text) && !Object.values(CUES).some((re) => re.test(u.text)) &&
    !asks.some((a) => u.start >= a.start && u.end <= a.end) &&
    !/^(?:fewer|more|less|higher|lower|greater|smaller|larger|bigger|heavier|lighter|heaviest|lightest|smallest|largest)$/i
      .test(u.text)
  );
  const unknown = rec.unknown.map((u) => u.text);
  const group = FUNCTIONAL_GROUPS.find(([re]) => re.test(text));
  const r: Reading = {
    text,
    constraints,
    rec,
    mentions,
    entities,
    ...(group ? { group } : {}),
    unavailable,
    fields,
    ...(status ? { status } : {}),
    ...(route ? { route } : {}),
    relative,
    unknown,
    listedUnknown: listedUnknown(text, rec),
    ambiguous: ambiguousNames(rec, ctx.data),
    actions: [],
    clauses: [],
  };
  r.substructure = substructureQuery(r);
  // "containing a piperazine": the group, not the compound of that name.
  if (r.substructure && group && r.substructure.query === group[1]) {
    const g = new RegExp(group[0].source, "i").exec(text);
    if (g) {
      const inside = (f: Found) => f.start >= g.index && f.end <= g.index + g[0].length;
      const gone = new Set(
        rec.found.filter((f) => f.kind === "compound" && inside(f)).map((f) => f.id ?? f.text),
      );
      entities.compounds = entities.compounds.filter((c) => !gone.has(c.id ?? c.text));
    }
  }
  const { actions, clauses } = questionActions(
    actionText(text, constraints, mentions, relative),
    entities.targets.length > 0,
    entities.compounds.length + entities.smiles.length > 0,
  );
  r.actions = actions;
  r.clauses = clauses;
  return r;
}

const UNITS =
  /\b\d*(?:[.,]\d+)?\s*(?:mg|µg|ug|ng|g|mmol|µmol|mol)\s*\/\s*(?:ml|l|dl|kg|day|d)\b|\b\d+(?:[.,]\d+)?\s*(?:mg|µg|ug|ng|kg|ml|h|hrs?|hours?|days?|°c|k)\b/gi;
const NUMBER_WORDS: Record<string, string> = {
  zero: "0",
  no: "0",
  single: "1",
  one: "1",
  two: "2",
  three: "3",
  four: "4",
  five: "5",
  six: "6",
  seven: "7",
  eight: "8",
  nine: "9",
  ten: "10",
  twenty: "20",
};
/** Number words before a count noun become digits, padded to the same length ("five drugs" → "5    drugs"). */
function digits(text: string): string {
  return text.replace(
    /\b(zero|no|single|one|two|three|four|five|six|seven|eight|nine|ten|twenty)(?=\s+(?:[a-z-]+\s+){0,2}?(?:h[\s-]?bond|hydrogen|hbd|hba|donors?|acceptors?|rings?|aromatic|rotatable|stereo\w*|chiral|heavy|compounds?|drugs?|molecules?|ligands?|analogu?es|analogs?|hits?|results?|structures?|inhibitors?|most|closest|nearest|similar|heaviest|lightest|smallest|largest|biggest|highest|lowest|best)\b)/gi,
    (w: string) => {
      const d = NUMBER_WORDS[w.toLowerCase()];
      return d + " ".repeat(w.length - d.length);
    },
  );
}

/** Words shaped like drug names (INN stems): in a preamble they may be what the question is about. */
const DRUG_LIKE =
  /\b[a-z]{3,}(?:mab|tinib|pril|sartan|azole|oxacin|cillin|mycin|parin|dipine|olol|afil|prazole|tidine|triptan|azepam|lukast|gliptin|gliflozin|vastatin|quil|trexil|fenac|stat|setron|floxacin|conazole|navir|previr|ciclib|lisib|rafenib|degib)\b/gi;

const casIndex = new WeakMap<Dataset, Map<string, Compound>>();
/** The compound with this CAS registry number (index built on first use). */
function byCas(cas: string, data: Dataset): Compound | undefined {
  let idx = casIndex.get(data);
  if (!idx) {
    idx = new Map(data.compounds.filter((c) => c.cas).map((c) => [c.cas!, c]));
    casIndex.set(data, idx);
  }
  return idx.get(cas);
}

const knownName = (s: string, data: Dataset) => {
  const k = normalizeName(s);
  return data.hasTargetKey(k) || data.hasCompoundName(k);
};

function detectComparison(text: string, entities: Entities) {
  const comparative = COMPARATIVES.find(([re]) => re.test(text));
  const hiLo = /\b(?:higher|lower|greater|larger|smaller|bigger|more|less|fewer|highest|lowest)\b/i.exec(
    text,
  );
  const numericProps = entities.properties.filter((p) => NUMERIC_NAMES.has(p));
  if (comparative) entities.comparison = { property: comparative[1], direction: comparative[2] };
  else if (hiLo && numericProps.length) {
    entities.comparison = {
      property: numericProps[0],
      direction: /higher|greater|larger|bigger|more|highest/i.test(hiLo[0]) ? "higher" : "lower",
    };
  }
}

function fieldMentions(text: string): Reading["fields"] {
  const out: Reading["fields"] = [];
  for (const [re, field] of FIELDS) {
    for (const m of text.matchAll(new RegExp(re.source, "gi"))) {
      out.push({ field, start: m.index!, end: m.index! + m[0].length, text: m[0] });
    }
  }
  return out;
}

function statusMention(text: string, fields: Reading["fields"]): Reading["status"] {
  for (const [re, range] of STATUS_WORDS) {
    const m = re.exec(text);
    if (!m || fields.some((f) => m.index < f.end && m.index + m[0].length > f.start)) continue;
    let r = range;
    if (m[1] || m[2]) {
      const n = m[1]
        ? Number(m[1])
        : ({ i: 1, ii: 2, iii: 3, iv: 4 } as Record<string, number>)[m[2].toLowerCase()];
      r = { min_phase: n, max_phase: n };
    }
    return { ...r, start: m.index, end: m.index + m[0].length, text: m[0] };
  }
  return undefined;
}

function ambiguousNames(rec: Recognised, data: Dataset): Reading["ambiguous"] {
  return rec.found.filter((f) =>
    (f.kind === "compound" || f.kind === "target") && !/^CHEMBL\d+$/i.test(f.text)
  )
    .map((f) => ({
      text: f.text,
      compoundIds: f.kind === "compound" || f.alsoTarget
        ? [...new Set(data.compoundsByName(f.text).map((c) => c.id))]
        : [],
      ...(f.alsoTarget ? { targetId: f.targetId } : {}),
    })).filter((a) =>
      a.targetId ||
      new Set(a.compoundIds.map((id) => data.compoundById(id)?.inchikey?.slice(0, 14) ?? id)).size > 1
    );
}

/** Unknown names in a list with known ones ("aspirin, fakeium and ibuprofen"): they stay in the answer. */
function listedUnknown(text: string, rec: Recognised): Reading["listedUnknown"] {
  const known = rec.found.filter((f) => f.kind === "compound" || f.kind === "smiles");
  if (!known.length) return [];
  const SEP = /^\s*(?:,|and|or|vs\.?|versus|with|to|&|,\s*and)\s*$/i;
  // Words inside a cue phrase ("closest matches to X") are not names.
  const cues = Object.values(CUES).flatMap((re) => usesOf(text, re, "operation"));
  return rec.unknown.filter((u) => !cues.some((c) => u.start < c.end && u.end > c.start)).filter((u) =>
    known.some((k) => SEP.test(text.slice(k.end, u.start)) || SEP.test(text.slice(u.end, k.start)))
  );
}

function substructureQuery(r: Reading): Reading["substructure"] {
  const { entities, rec, text, group } = r;
  const smarts = rec.badSmiles.find((b) => b.smarts)?.text;
  if ((entities.smiles.length || smarts) && CUES.substructure.test(text) && !CUES.similarity.test(text)) {
    return { query: entities.smiles[0] ?? smarts!, label: entities.smiles[0] ?? smarts! };
  }
  if (
    group &&
    (CUES.substructure.test(text) || /\b(?:with|having|has|have|contains?|containing)\b/i.test(text)) &&
    !CUES.similarity.test(text)
  ) {
    return { query: group[1], label: group[2] };
  }
  return undefined;
}

/** Filter expressions ("MW < 300") and unavailable asks are not requests to show properties: blank them. */
function actionText(
  text: string,
  constraints: Constraints,
  mentions: ReturnType<typeof propertyMentions>,
  relative: RelativeConstraint[],
): string {
  let out = text;
  const blank = (from: number, to: number) =>
    out = out.slice(0, from) + " ".repeat(to - from) + out.slice(to);
  for (const [s, e] of constraints.filterSpans) {
    const before = mentions.filter((m) => m.end <= s && s - m.end <= 25).pop();
    const after = before ? undefined : mentions.find((m) => m.start >= e && m.start - e <= 12);
    blank(before ? before.start : s, after ? after.end : e);
  }
  for (const a of unavailableSpans(text)) blank(a.start, a.end);
  for (const x of relative) blank(x.start, x.end);
  return out;
}

type Make = (type: IntentType, confidence: number, extra?: Partial<Parsed>) => Parsed;

/** Decides the intent from what was read. */
function classify(r: Reading, ctx: ParseContext): Parsed {
  const { entities, rec } = r;
  const base: Omit<Parsed, "intent"> = {
    unknown: r.unknown,
    actions: r.actions,
    dangling: false,
    ...(r.ambiguous.length ? { ambiguous: r.ambiguous } : {}),
    ...(r.substructure ? { substructure: r.substructure } : {}),
    ...(r.unavailable.length ? { unavailable: r.unavailable } : {}),
    ...(picked(r.text) ? { pick: picked(r.text) } : {}),
  };
  const mk: Make = (type, confidence, extra = {}) => ({
    ...base,
    ...extra,
    intent: { type, confidence: Math.round(confidence * 100) / 100, source: "rules", entities },
  });
  if (rec.glued.length) {
    return mk("batch_query", 0.5, {
      error: new ChemAgentError(
        "ambiguous_input",
        `"${
          clip(rec.glued[0])
        }" looks like several IDs written together. Separate them with spaces or commas.`,
        { suggestions: [rec.glued[0].replace(/(?=CHEMBL)/gi, " ").trim().split(/\s+/).join(", ")] },
      ),
    });
  }
  const molecules = entities.compounds.length + entities.smiles.length;
  if (
    rec.badSmiles.length && molecules === 0 &&
    !(CUES.substructure.test(r.text) && rec.badSmiles.some((b) => b.smarts))
  ) {
    return mk("unknown", 0.5, { error: new ChemAgentError("invalid_smiles", rec.badSmiles[0].message) });
  }
  if (CUES.advice.test(r.text)) {
    return mk("out_of_scope", 0.9, {
      error: new ChemAgentError(
        "out_of_scope",
        "ChemAgent does not give personal medical advice (doses, what to take). Ask a pharmacist or doctor; " +
          "ChemAgent answers questions about compounds, their properties, structures and targets.",
      ),
    });
  }
  // "what time is it in Tokyo": an off-topic question whose only "names" are short common words.
  if (
    OUT_OF_SCOPE.test(r.text) && !IN_SCOPE.test(r.text) &&
    rec.found.every((f) => {
      const typed = r.text.slice(f.start, f.end);
      return typed.length <= 5 && typed === typed.toLowerCase();
    })
  ) return mk("out_of_scope", 0.8, { error: OUT_OF_SCOPE_ERROR() });
  const subjects = molecules + entities.targets.length + (entities.classes?.length ?? 0);
  base.dangling = PRONOUN.test(r.text) && subjects === 0;
  return subjects === 0 ? withoutEntities(r, mk, ctx) : withEntities(r, mk);
}

const OUT_OF_SCOPE_ERROR = () =>
  new ChemAgentError(
    "out_of_scope",
    "That is outside what ChemAgent does: it answers questions about compounds, their properties, structures and targets.",
    {
      suggestions: [
        "What are the targets of imatinib?",
        "Find compounds similar to ibuprofen with MW < 300",
        "Is aspirin drug-like?",
      ],
    },
  );

/** Nothing named: a dataset-wide filter, a substructure pattern, or an error that says what is missing. */
function withoutEntities(r: Reading, mk: Make, ctx: ParseContext): Parsed {
  const { text, entities, actions } = r;
  const wordCount = (text.match(WORDS) ?? []).length;
  if (r.substructure) {
    // "drugs containing a piperazine …, then their targets": the substructure hits feed the next steps.
    const next = actions.filter((a) =>
      !["substructure", "lookup", "filter", "rank", "properties"].includes(a)
    );
    if (next.length) {
      return mk("multi_step_workflow", 0.85, {
        actions: ["substructure", ...actions.filter((a) => a !== "substructure" && a !== "lookup")],
      });
    }
    return mk("substructure_search", 0.9, {
      actions: ["substructure", ...(actions.includes("rank") ? ["rank" as const] : [])],
    });
  }
  // "drugs with a boiling point above 100": a set asked by data the source lacks.
  if (r.unavailable.length && !r.unknown.length && !entities.filters.length && !entities.relative?.length) {
    return mk(
      /\b(?:drugs|compounds|molecules|which|list|find|any)\b/i.test(text)
        ? "property_filter"
        : "property_query",
      0.8,
      {
        onlyUnavailable: true,
        actions: [],
      },
    );
  }
  if ((entities.filters.length || entities.relative?.length || entities.phase) && !OUT_OF_SCOPE.test(text)) {
    return mk("property_filter", 0.9, {
      actions: ["filter", ...(actions.includes("rank") ? ["rank" as const] : [])],
    });
  }
  if (OUT_OF_SCOPE.test(text) && !IN_SCOPE.test(text)) {
    return mk("out_of_scope", 0.95, { error: OUT_OF_SCOPE_ERROR() });
  }
  // "find the targets of zorbitrexil and then … those targets": the unknown name is the problem, not "those".
  const named = r.unknown.length && (actions.length || IN_SCOPE.test(text) || wordCount <= 3) &&
    (!isMash(text) || entities.properties.length);
  // Several unknown words with no cue and nothing close ("qwerty uiop zxcvb", "blah blah blah") are not a name.
  const gibberish = r.unknown.length >= 2 && !actions.length && !IN_SCOPE.test(text) && !ENGLISH.test(text) &&
    !entities.properties.length && !r.rec.unknown.some((u) => u.suggestions?.length);
  if (named && !gibberish) return notFound(r, mk, ctx);
  if (gibberish) {
    return mk("unknown", 0.1, {
      error: new ChemAgentError(
        "unrecognized_query",
        "I could not make sense of that. Ask about a compound, a property, a structure or a target.",
        { suggestions: ["What is the molecular weight of aspirin?", "Targets of imatinib"] },
      ),
    });
  }
  // "drugs with a boiling point above 100": a set asked by data the source lacks.
  if (r.unavailable.length && !r.unknown.length) {
    return mk(
      /\b(?:drugs|compounds|molecules|which|list|find|any)\b/i.test(text)
        ? "property_filter"
        : "property_query",
      0.8,
      {
        onlyUnavailable: true,
        actions: [],
      },
    );
  }
  const dangling = PRONOUN.test(text);
  if (dangling) {
    return mk("unknown", 0.3, {
      error: new ChemAgentError(
        "incomplete_query",
        "Which compound do you mean? Name it, give a ChEMBL ID or a SMILES.",
      ),
    });
  }
  if (
    r.unknown.length && (actions.length || IN_SCOPE.test(text) || wordCount <= 3) &&
    (!isMash(text) || entities.properties.length)
  ) {
    return notFound(r, mk, ctx);
  }
  if (isMash(text) && !entities.properties.length) {
    return mk("unknown", 0.1, {
      error: new ChemAgentError(
        "unrecognized_query",
        "I could not make sense of that. Ask about a compound, a property, a structure or a target.",
        {
          suggestions: [
            "What is the molecular weight of aspirin?",
            "Targets of imatinib",
            "Compounds similar to CC(=O)Oc1ccccc1C(=O)O",
          ],
        },
      ),
    });
  }
  if (
    IN_SCOPE.test(text) || actions.length || entities.properties.length || wordCount <= 3 ||
    r.unavailable.length
  ) {
    return mk("unknown", 0.3, {
      error: new ChemAgentError("incomplete_query", incompleteMessage(actions, entities), {
        suggestions: [
          "What is the molecular weight of aspirin?",
          "Find compounds similar to ibuprofen",
          "What are the targets of imatinib?",
        ],
      }),
    });
  }
  // A plain English question with no chemistry in it is off topic; words that are not English are not.
  if (ENGLISH.test(text)) {
    return mk("out_of_scope", 0.7, {
      error: new ChemAgentError(
        "out_of_scope",
        "That does not look like a chemistry question. ChemAgent answers questions about compounds, properties, structures and targets.",
        { suggestions: ["What are the targets of imatinib?", "Is aspirin drug-like?"] },
      ),
    });
  }
  return mk("unknown", 0.2, {
    error: new ChemAgentError(
      "unrecognized_query",
      "I could not make sense of that. ChemAgent answers questions about compounds, properties, structures and targets.",
      { suggestions: ["What are the targets of imatinib?", "Is aspirin drug-like?"] },
    ),
  });
}

/** The intent the question's cues point to when its subject could not be resolved (for error responses). */
function intentFromCues(r: Reading): IntentType {
  const { text, actions, entities, unknown } = r;
  if (r.clauses.length > 1 && new Set(actions).size > 1) return "multi_step_workflow";
  if (actions.includes("similar")) return "similarity_search";
  if (CUES.common.test(text) && /\btargets?\b/i.test(text)) return "target_comparison";
  if (
    /\b(?:fewer|more|less|lower|higher|greater)\b.{0,30}\bthan\b/i.test(text) &&
    /\b(?:drugs|compounds|molecules|anything|ones)\b/i.test(text)
  ) return "property_filter";
  if (unknown.length >= 2 && (CUES.compare.test(text) || COMPARATIVES.some(([re]) => re.test(text)))) {
    return "property_comparison";
  }
  if (
    actions.includes("ligands") ||
    /\b(?:drugs|compounds|ligands|molecules)\s+(?:that\s+)?(?:target|hit|inhibit|bind|block|act)/i.test(text)
  ) return "reverse_target_query";
  if (actions.includes("targets")) return "target_query";
  if (actions.includes("substructure") || r.substructure) return "substructure_search";
  if (entities.properties.length) return "property_query";
  return "compound_lookup";
}

function notFound(r: Reading, mk: Make, ctx: ParseContext): Parsed {
  const { unknown } = r;
  const own = r.rec.unknown.flatMap((u) => u.suggestions ?? []);
  const suggestions = own.length
    ? own
    : unknown.flatMap((u) => ctx.data.compoundSuggestions.suggest(u.toLowerCase(), 3));
  const targetSugg = unknown.flatMap((u) => ctx.data.targetSuggestions.suggest(u.toLowerCase(), 2));
  const type = intentFromCues(r);
  const what =
    unknown.find((u) =>
      suggestions.length === 0 || ctx.data.compoundSuggestions.suggest(u.toLowerCase(), 1).length
    ) ?? unknown[0];
  const all = [...new Set([...suggestions, ...targetSugg])];
  return mk(type, 0.6, {
    error: new ChemAgentError(
      "not_found",
      `No compound or target named ${
        [what, ...unknown.filter((u) => u !== what)].slice(0, 4).map((u) => `"${u}"`).join(" or ")
      } in the offline dataset.` +
        (all.length ? ` Did you mean ${all.slice(0, 3).join(", ")}?` : ""),
      { suggestions: all.slice(0, 5) },
    ),
  });
}

/** Something named: which operation on it. */
function withEntities(r: Reading, mk: Make): Parsed {
  const { text, entities, clauses } = r;
  let { actions } = r;
  const molecules = entities.compounds.length + entities.smiles.length;
  const hasTargets = entities.targets.length > 0;
  const unresolved = r.unknown.length > 0 && /\b(?:and|vs\.?|versus|with|or|,)\b/i.test(text) &&
    molecules >= 1 && (CUES.compare.test(text) || CUES.common.test(text));
  const conf = (c: number) => c - (unresolved ? 0.1 : 0) - (entities.unsupported?.length ? 0.05 : 0);
  const fields = r.fields.map((f) => f.field);
  const targetFields = fields.filter((f) => TARGET_FIELDS.has(f));
  const compoundFields = fields.filter((f) => !TARGET_FIELDS.has(f));

  // "drugs containing a sulfonamide group": the structure wins over a class of the same name.
  if (entities.classes?.length && r.substructure && CUES.substructure.test(text)) delete entities.classes;
  // Known-but-unavailable asks with nothing else asked: decline by name, show the related data that exists.
  const asked = actions.filter((a) => a !== "lookup" && a !== "compare");
  const numericAsked = r.mentions.some((m) =>
    !r.unavailable.some((a) => m.start >= a.start && m.end <= a.end)
  );
  if (r.unavailable.length && !asked.length && !compoundFields.length && !numericAsked) {
    const targets = r.unavailable.some((a) => a.related === "targets");
    const type: IntentType = entities.classes?.length || entities.filters.length
      ? "property_filter"
      : molecules >= 2 && CUES.compare.test(text)
      ? "property_comparison"
      : molecules > 2
      ? "batch_query"
      : "property_query";
    return mk(type, conf(0.9), {
      onlyUnavailable: true,
      actions: entities.classes?.length && !molecules ? ["class_members"] : [targets ? "targets" : "lookup"],
    });
  }
  // With named compounds a class is a membership question ("which of these are statins", "is X an SSRI");
  // otherwise it only describes ("what kinase does dasatinib inhibit") and the compounds lead.
  if (
    entities.classes?.length && molecules &&
    !/\bwhich\s+of\b|\b(?:is|are)\b|\bbelong\w*|\bmembers?\b|\bclassified\b|\bcount\s+as\b/i.test(text)
  ) {
    delete entities.classes;
  }
  if (entities.classes?.length && !hasTargets) {
    const filtered = entities.filters.length || entities.relative?.length || molecules;
    return mk(actions.includes("targets") && !filtered ? "target_query" : "property_filter", conf(0.9), {
      actions: [
        "class_members",
        ...(filtered ? ["filter" as const] : []),
        ...(actions.includes("rank") ? ["rank" as const] : []),
        ...(actions.includes("targets") ? ["targets" as const] : []),
      ],
    });
  }
  // "find EGFR inhibitors, then check which of them also hit HER2": a workflow ending in the shared ligands.
  if (
    entities.targets.length >= 2 && !molecules && clauses.length > 1 &&
    /\bwhich\s+of\s+(?:them|those|these)\b|\balso\b/i.test(text)
  ) {
    return mk("multi_step_workflow", conf(0.9), { actions: ["common_ligands"] });
  }
  // "drugs hitting both DRD2 and HTR2A": one ligand set per target, intersected.
  if (entities.targets.length >= 2 && !molecules && CUES.common.test(text)) {
    return mk("reverse_target_query", conf(0.95), { actions: ["common_ligands"] });
  }
  if (targetFields.length && hasTargets && !molecules) {
    return mk("target_query", conf(0.9), { actions: ["fields"] });
  }
  // "compare the targets of A and B", "which targets does A hit that B doesn't": the target sets compared.
  if (
    molecules >= 2 && actions.includes("targets") && !actions.includes("similar") &&
    (CUES.compare.test(text) ||
      /\b(?:differ\w*|same|unlike|doesn'?t|does\s+not|don'?t|but\s+not)\b/i.test(text))
  ) {
    return mk("target_comparison", conf(0.9), { actions: ["common_targets"] });
  }
  // "common targets of lorazepam and fakeiumol": the unknown name stays in the comparison (and fails there).
  if (CUES.common.test(text) && r.listedUnknown.length && /\btargets?\b|\bproteins?\b/i.test(text)) {
    entities.compounds.push(...r.listedUnknown.map((u) => ({ text: u.text })));
    r.listedUnknown = [];
  }
  const moleculesNow = entities.compounds.length + entities.smiles.length;
  if (
    CUES.common.test(text) && moleculesNow >= 2 &&
    (/\btargets?\b/i.test(text) || actions.includes("targets") && TARGET_KINDS.test(text))
  ) {
    const chained = clauses.length > 1 && actions.length > 1;
    return mk(
      chained && actions.some((a) => a === "similar" || a === "other_ligands")
        ? "multi_step_workflow"
        : "target_comparison",
      conf(0.95),
      { actions: ["common_targets", ...actions.filter((a) => a !== "common_targets" && a !== "targets")] },
    );
  }
  if (
    hasTargets && !molecules &&
    !actions.some((a) =>
      [
        "similar",
        "substructure",
        "targets",
        "rank",
        "filter",
        ...(clauses.length > 1 ? ["properties", "lipinski"] : []),
      ]
        .includes(a)
    )
  ) {
    return mk("reverse_target_query", conf(actions.includes("ligands") ? 0.95 : 0.85), {
      actions: ["ligands"],
    });
  }
  // "rank A, B, C by MW", "side by side properties of A and B", "are A and B both Lipinski compliant".
  if (
    molecules >= 2 && clauses.length === 1 &&
    !actions.some((a) => ["similar", "targets", "ligands", "substructure"].includes(a)) &&
    (entities.properties.length || actions.includes("lipinski")) &&
    /\b(?:rank|sort|order)\w*\b|\bside\s+by\s+side\b|\bboth\b|\bcompare\b|\bcomparison\b/i.test(text)
  ) {
    return mk("property_comparison", conf(0.9), { actions: ["compare"] });
  }
  const chained = clauses.length > 1 && actions.length > 1;
  const workflow = (new Set(actions.filter((a) => a !== "lookup")).size > 1 || chained) &&
    !(actions.length === 2 && actions.includes("properties") && actions.includes("lipinski")) &&
    true;
  if (workflow) return mk("multi_step_workflow", conf(0.9));
  // "find analogues of X, then keep only those with MW < 450": the filter is a step of its own clause.
  if (
    clauses.length > 1 && (entities.filters.length || entities.relative?.length) &&
    actions.includes("similar")
  ) {
    return mk("multi_step_workflow", conf(0.9), { actions: [...actions, "filter"] });
  }
  if (hasTargets && molecules === 0) {
    return mk("reverse_target_query", conf(actions.includes("ligands") ? 0.95 : 0.85), {
      actions: ["ligands"],
    });
  }
  if (hasTargets && molecules > 0 && actions[0] === "ligands") {
    return mk("reverse_target_query", conf(0.8), { actions: ["ligands"] });
  }
  // "compare aspirin, fakeium and ibuprofen": unknown names stay in the list and fail there (partial result).
  if (r.listedUnknown.length && (CUES.compare.test(text) || molecules + r.listedUnknown.length >= 3)) {
    entities.compounds.push(...r.listedUnknown.map((u) => ({ text: u.text })));
  }
  const all = entities.compounds.length + entities.smiles.length;
  const comparing = all >= 2 && (CUES.compare.test(text) || !!entities.comparison) &&
    !entities.filters.length &&
    !actions.includes("targets") &&
    !entities.relative?.length;
  if (comparing) {
    return mk(
      "property_comparison",
      conf(entities.comparison || /\bcompare|vs\.?|versus\b/i.test(text) ? 0.95 : 0.85),
      { actions: ["compare"] },
    );
  }
  if (actions.includes("similar")) {
    return mk("similarity_search", conf(0.95), {
      actions: [
        "similar",
        ...(entities.filters.length || entities.relative?.length || entities.phase
          ? ["filter" as const]
          : []),
        ...(actions.includes("rank") ? ["rank" as const] : []),
      ],
    });
  }
  if ((r.substructure || actions.includes("substructure")) && (entities.smiles.length || r.substructure)) {
    return mk("substructure_search", conf(0.9), { actions: ["substructure"] });
  }
  if (actions.includes("targets")) {
    return mk(all > 2 ? "batch_query" : "target_query", conf(0.95), { actions: ["targets"] });
  }
  if ((entities.filters.length || entities.relative?.length) && all >= 2) {
    return mk("property_filter", conf(0.85), { actions: ["filter"] });
  }
  if (compoundFields.length) {
    actions = ["fields", ...actions.filter((a) => a === "properties" || a === "lipinski")];
    return mk(
      all >= 3 ? "batch_query" : actions.length > 1 ? "property_query" : "compound_lookup",
      conf(0.95),
      {
        actions,
      },
    );
  }
  if (entities.properties.length) {
    return mk(all >= 3 ? "batch_query" : "property_query", conf(0.95), {
      actions: [actions.includes("lipinski") && !actions.includes("properties") ? "lipinski" : "properties"],
    });
  }
  if (all >= 3) return mk("batch_query", conf(0.9), { actions: ["lookup"] });
  const cue = CUES.lookup.test(text) || (text.match(WORDS) ?? []).length <= 4;
  return mk("compound_lookup", conf(cue ? 0.92 : 0.75), { actions: ["lookup"] });
}

function incompleteMessage(actions: Action[], e: Entities): string {
  if (actions.includes("similar")) return "Similar to which compound? Give a name, ChEMBL ID or SMILES.";
  if (actions.includes("ligands")) {
    return "Which target? Give a gene symbol (e.g. EGFR), a name or a ChEMBL target ID.";
  }
  if (actions.includes("targets")) return "Targets of which compound? Give a name, ChEMBL ID or SMILES.";
  if (e.properties.length) return "Which compound's properties? Give a name, ChEMBL ID or SMILES.";
  return "The question is incomplete: name a compound, a target or a structure.";
}

/** Keyboard mash: few vowels, long consonant runs, no English function words. */
function isMash(text: string): boolean {
  if (ENGLISH.test(text)) return false;
  const words = text.match(WORDS) ?? [];
  if (!words.length) return true;
  const odd = words.filter((w) =>
    /[bcdfghjklmnpqrstvwxz]{4,}/i.test(w) || !/[aeiouy]/i.test(w) || /(.)\1\1/.test(w)
  );
  return odd.length / words.length >= 0.5;
}

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
const TARGET_KINDS =
  /\b(?:kinases?|enzymes?|receptors?|proteins?|channels?|transporters?|genes?|gpcrs?|proteases?|targets?)\b/i;

/** Which spans of the question the parse used, and as what. */
function usesFor(r: Reading, p: Parsed): Use[] {
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
