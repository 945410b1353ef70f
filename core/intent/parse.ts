/** @module Parsing a question: normalise the text, find its question part, read entities, constraints and
 * cues (Reading), decide the intent (classify.ts) and account for every word (uses.ts, coverage.ts). */
import type { Dataset } from "../data/dataset.ts";
import type { Compound } from "../data/model.ts";
import { normalizeName } from "../data/normalize.ts";
import { ChemAgentError } from "../errors.ts";
import { looksLikeSmiles } from "../tools/resolve.ts";
import type { Entities, EntityRef } from "../types.ts";
import type { PropertyFilter } from "../tools/compare_filter_rank.ts";
import { questionActions } from "./actions.ts";
import { classify } from "./classify.ts";
import { isEnglishLike } from "./english.ts";
import { accountFor, isFiller, type Use, usesOf } from "./coverage.ts";
import { type Found, recognise, type Recognised } from "./entities.ts";
import { COMPARATIVES, CUES, FIELDS, FUNCTIONAL_GROUPS, NUMERIC_NAMES, STATUS_WORDS } from "./lexicon.ts";
import { type Constraints, parseConstraints, propertyMentions } from "./numbers.ts";
import { questionPart } from "./question_part.ts";
import type { ParseContext, Parsed, Reading } from "./reading.ts";
import { type RelativeConstraint, relativeConstraints } from "./relative.ts";
import { approvalYears, routeMention } from "./scope.ts";
import { unavailableAsks, unavailableSpans } from "./unavailable.ts";
import { readPotency } from "./potency.ts";
import { usesFor } from "./uses.ts";

export type { Action } from "./actions.ts";
export type { ParseContext, Parsed } from "./reading.ts";

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
const GREEK_CAPITALS: Record<string, string> = { "Α": "α", "Β": "β", "Γ": "γ" };

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
    // "Β-BLOCKERS": a capital Greek alpha/beta/gamma is the same prefix as "β-blockers" (same length).
    text += GREEK_CAPITALS[raw[i]] ?? raw[i];
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
    // A question made long by one huge structure is refused for the structure (what the user can fix).
    const longest = text.split(/\s+/).reduce((a, b) => b.length > a.length ? b : a, "");
    // The question around it is parsed so the refusal says what was asked.
    const structure = longest.replace(/[?.!,;]+$/, "");
    if (
      text.length <= max * 10 && text.length - longest.length <= max && looksLikeSmiles(structure) &&
      /^[A-Za-z]/.test(structure)
    ) return;
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
  // A context word that is neither English nor a known name ("… before we frobnicate submit") is reported.
  const strange = preamble.flatMap((p) =>
    [...full.slice(p.start, p.end).matchAll(/(?<![\w-])[a-z][a-z'’]*(?![\w(=#\[])/g)].map((m) => ({
      text: m[0],
      start: p.start + m.index!,
      end: p.start + m.index! + m[0].length,
    }))
  ).filter((w) =>
    !isFiller(w.text) && !isEnglishLike(w.text) && !drugLike.some((d) => d.start === w.start) &&
    !ctx.data.hasCompoundName(normalizeName(w.text))
  );
  parsed.understanding = {
    used: u.used.filter((x) => x.as !== "context" && x.as !== "filler").map(toRaw),
    unused: [...u.unused, ...drugLike, ...strange].sort((a, b) => a.start - b.start).map(toRaw),
    corrections: u.corrections,
  };
  if (parsed.understanding.unused.length && !parsed.error) {
    // Words we could not place lower the confidence, so an LLM (when configured) gets a say first.
    parsed.intent.confidence = Math.min(parsed.intent.confidence, 0.7);
  }
  return ctx.data.source.capabilities.potency ? readPotency(parsed, text) : parsed;
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
  if (last) return { start: last.start, end: last.end };
  // "…a new compound we've nicknamed zorbitrexil … what are its targets?": an unknown drug-like name is
  // still what "its" points to (and is reported as not found, never dropped).
  const unknown = [...text.matchAll(DRUG_LIKE)].filter((m) => !ctx.data.hasCompoundName(normalizeName(m[0])))
    .at(-1);
  return unknown ? { start: unknown.index!, end: unknown.index! + unknown[0].length } : null;
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
  coordinatedTargets(text, rec, ctx.data);
  // "factor Xa and thrombin": a name that is both a compound and a target, listed with a target, is a target.
  rec.found.sort((a, b) => a.start - b.start);
  rec.found.forEach((f, i) => {
    if (f.kind !== "compound" || !f.alsoTarget || !f.targetId) return;
    const listedWithTarget = [rec.found[i - 1], rec.found[i + 1]].some((g) =>
      g?.kind === "target" && !g.alsoCompound &&
      /^\s*(?:,|and|or|&|\/|,\s*and|,\s*or)\s*$/i.test(
        text.slice(Math.min(f.end, g.end), Math.max(f.start, g.start)),
      )
    );
    if (listedWithTarget) Object.assign(f, { kind: "target", id: f.targetId });
  });
  rec.found.sort((a, b) => a.start - b.start);
  // A structure that is a dataset compound is understood as that compound (its id is the use's value).
  for (const f of rec.found) {
    if (f.kind !== "smiles" || f.id) continue;
    try {
      f.id = ctx.data.compoundsByInChIKey(ctx.chem.inchikey(f.text))[0]?.id;
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
  // "Lipinski-compliant compounds", "which hits violate 2 or more of Lipinski's rules": a set by its rule count.
  const ro5 = entities.compounds.length || entities.smiles.length ? null : lipinskiFilter(text);
  if (ro5) entities.filters.push(ro5);
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
  // "containing a piperazine", "carboxylic acids", "CF3-containing": the group, not a compound of that name
  // nor unknown words.
  if (r.substructure && group && r.substructure.query === group[1]) {
    const g = groupSpan(text, group[0]);
    if (g) {
      const inside = (f: Found) => f.start >= g.start && f.end <= g.end;
      const gone = new Set(
        rec.found.filter((f) => f.kind === "compound" && inside(f)).map((f) => f.id ?? f.text),
      );
      entities.compounds = entities.compounds.filter((c) => !gone.has(c.id ?? c.text));
      const over = (u: { start: number; end: number }) => u.start < g.end && u.end > g.start;
      r.unknown = r.unknown.filter((_, i) => !over(rec.unknown[i]));
      rec.unknown = rec.unknown.filter((u) => !over(u));
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

/** "beta-1 and beta-2 adrenergic receptors", "mu and kappa receptors" (of opioids): modifiers sharing one
 * head noun name one target each. The shared part may be written once or only elsewhere ("opioids"). */
function coordinatedTargets(text: string, rec: Recognised, data: Dataset): void {
  const re =
    /\b([A-Za-z\u03b1-\u03c9][\w\u03b1-\u03c9-]*)\s*(?:,|\band\b|\bor\b|&|\/)\s*([A-Za-z\u03b1-\u03c9][\w\u03b1-\u03c9-]*)((?:\s+[A-Za-z-]+)?)\s+(receptors?|channels?|kinases?|transporters?)\b/gi;
  const words = [...new Set((text.match(/[A-Za-z-]{3,}/g) ?? []).map((w) => w.replace(/s$/i, "")))];
  for (const m of text.matchAll(re)) {
    const [all, a, b, mid, head] = m;
    const one = head.replace(/s$/i, "");
    const resolve = (x: string) => {
      for (const between of [mid.trim(), "", ...words]) {
        const t = data.targetsByText(`${x} ${between} ${one}`.replace(/\s+/g, " "))[0];
        if (t) return t;
      }
      return undefined;
    };
    const ta = resolve(a), tb = resolve(b);
    if (!ta || !tb || ta === tb) continue;
    const start = m.index!,
      end = start + all.length,
      bStart = start + all.lastIndexOf(b, all.length - head.length - mid.length);
    rec.found = rec.found.filter((f) => f.end <= start || f.start >= end);
    rec.unknown = rec.unknown.filter((u) => u.end <= start || u.start >= end);
    rec.found.push(
      { kind: "target", text: a, id: ta.id, start, end: start + a.length },
      { kind: "target", text: all.slice(bStart - start), id: tb.id, start: bStart, end },
    );
  }
}

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

/** Compliance with the rule of five as a filter on its violation count (passing = at most one, as the
 * lipinski tool reports); null when the question does not ask for a set by it. */
function lipinskiFilter(text: string): PropertyFilter | null {
  if (!/\b(?:lipinski|rule[\s-]*of[\s-]*(?:five|5)|ro5)\b/i.test(text)) return null;
  const violate = /\b(?:violat\w*|fail\w*|break\w*|breach\w*|non-?complian\w*)\b/i.test(text);
  const pass = /\b(?:complian\w*|pass\w*|obey\w*|satisf\w*|meet\w*|conform\w*)\b/i.test(text);
  if (violate === pass) return null;
  // Only a set asked for ("which hits…", "compliant compounds"), never "is molnupiravir Lipinski compliant?".
  if (
    /^\W*(?:is|are|does|do|can|will)\b/i.test(text) ||
    !/\b(?:compounds|molecules|drugs|structures|hits|ones|members|which|list|show|find|filter|all)\b/i.test(
      text,
    )
  ) return null;
  const n = /\b(\d)\s+or\s+more\b|\bat\s+least\s+(\d)\b|\bmore\s+than\s+(\d)\b/i.exec(text);
  if (violate) {
    const min = n ? (n[3] ? Number(n[3]) + 1 : Number(n[1] ?? n[2])) : 2;
    return { property: "lipinski_violations", op: ">=", value: min };
  }
  return { property: "lipinski_violations", op: "<=", value: 1 };
}

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

/** Where a functional group is named, with a "-containing"/"-bearing" suffix written onto it. */
function groupSpan(text: string, re: RegExp): { start: number; end: number; noun: boolean } | null {
  const g = new RegExp(re.source, "i").exec(text);
  if (!g) return null;
  const suffix = /^-?(?:containing|bearing|substituted)\b/i.exec(text.slice(g.index + g[0].length));
  const end = g.index + g[0].length + (suffix?.[0].length ?? 0);
  // "carboxylic acids", "ureas", "fluorinated compounds", "CF3-containing": the group names the compounds
  // asked for (a plural, an adjective or a "-containing" compound word), not a passing mention.
  const noun = !!suffix || /(?:[a-z]{3}s|ated)$/i.test(g[0]) ||
    /^\s+(?:containing|bearing)\b/i.test(text.slice(end));
  return { start: g.index, end, noun };
}

/** The group names the compounds asked for, and no compound is named outside it ("piperazines" may have
 * been read as the compound piperazine). */
function nounGroup(r: Reading, re: RegExp): boolean {
  const g = groupSpan(r.text, re);
  return !!g?.noun &&
    !r.rec.found.some((f) => f.kind === "compound" && (f.start < g.start || f.end > g.end));
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
  // "ureas in LIB", "show me the amides", "fluorinated compounds under 450 Da": the group is the subject.
  if (
    group && !entities.classes?.length && !entities.smiles.length && !CUES.similarity.test(text) &&
    nounGroup(r, group[0])
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
