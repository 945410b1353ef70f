/**
 * @module Libraries named in a question ("in my kinase library", "which compounds in LIB…", "filter LIB to…"):
 * found before the rules parser reads the rest, resolved against the caller's libraries (typos tolerated), and
 * applied to the plan as the search space of its search steps. A question that names a library the caller does
 * not have is a typed not_found with their library names as suggestions — never a silent search of the dataset.
 */
import type { Library } from "../data/libraries/library.ts";
import type { LibraryStore, Viewer } from "../data/libraries/store.ts";
import { ChemAgentError } from "../errors.ts";
import { editDistance, suggestionDistance } from "../data/suggest.ts";
import type { Entities, Plan, Understanding } from "../types.ts";
import { CUES, NUMERIC_NAMES } from "./lexicon.ts";

export interface LibraryScope {
  library: Library;
  /** The question without the library phrase (what the rules parser reads). */
  text: string;
  /** The library phrase in the original question. */
  span: { start: number; end: number; text: string };
  /** The name was typed with a typo (or without the words "library"/"set"). */
  corrected?: { from: string; to: string };
  /** "compare LIB hits with approved drugs": the library-versus-drugs comparison. */
  compareApproved: boolean;
}

/** A library the caller does not have (not_found), with the rest of the question so its intent is still read. */
export class UnknownLibrary extends ChemAgentError {
  constructor(e: ChemAgentError, readonly rest: string) {
    super(e.code, e.message, { suggestions: e.suggestions, details: e.details });
  }
}

/** Nouns that end a name right before "library" ("my GPCR screen library") but are verbs elsewhere. */
const NAME_END = new Set(["screen", "search"]);

const STOP = new Set([
  "in",
  "my",
  "our",
  "the",
  "a",
  "an",
  "of",
  "from",
  "within",
  "inside",
  "across",
  "over",
  "search",
  "find",
  "this",
  "that",
  "your",
  "on",
  "to",
  "and",
  "with",
  "compounds",
  "molecules",
  "structures",
  "which",
  "what",
  "filter",
  "screen",
  "compare",
  "show",
  "list",
]);
const LEAD = /(?:\b(?:in|within|inside|from|of|across|over|on)\s+)?(?:\b(?:my|our|the)\s+)?$/i;
/** A lead that points at a library as a place to search: a preposition or a possessive. */
const EXPLICIT = /\b(?:in|within|inside|from|of|across|over|on|my|our)\b/i;
/** "search the X library", "screen our X library": a search verb right before the phrase. */
const SEARCH_VERB = /\b(?:search|screen|scan|query|filter|mine|compare)(?:es|s|ed|ing)?\s+(?:the\s+)?$/i;
const CUE = /\b(?:compound\s+)?(?:library|collection|lib)\b/gi;
const TRAIL = /^\s+(?:hits|compounds|molecules|structures|members)\b/i;

/** The library the question names (or null when it names none); throws not_found for an unknown library. */
export function findLibraryScope(text: string, store: LibraryStore, viewer: Viewer): LibraryScope | null {
  return byCueWord(text, store, viewer) ?? byKnownName(text, store, viewer) ??
    byNearName(text, store, viewer);
}

/** "… in my kinase library …": the words before "library" are the name. */
function byCueWord(text: string, store: LibraryStore, viewer: Viewer): LibraryScope | null {
  for (const m of text.matchAll(CUE)) {
    const before = text.slice(0, m.index);
    const words = [...before.matchAll(/[\p{L}\p{N}][\p{L}\p{N}_.+-]*/gu)];
    const name: RegExpExecArray[] = [];
    for (let i = words.length - 1; i >= 0 && name.length < 3; i--) {
      const w = words[i][0].toLowerCase();
      if (
        STOP.has(w) &&
        !(NAME_END.has(w) && i === words.length - 1 && i > 0 && !STOP.has(words[i - 1][0].toLowerCase()))
      ) break;
      // Only words right next to each other ("Enamine REAL library"), nothing across punctuation.
      const next = name[0]?.index ?? m.index!;
      if (!/^\s+$/.test(text.slice(words[i].index! + words[i][0].length, next))) break;
      name.unshift(words[i] as unknown as RegExpExecArray);
    }
    const typed = name.map((w) => w[0]).join(" ");
    let start = name.length ? name[0].index! : m.index!;
    const lead = LEAD.exec(text.slice(0, start));
    if (lead) start -= lead[0].length;
    let end = m.index! + m[0].length;
    const trail = TRAIL.exec(text.slice(end));
    if (trail) end += trail[0].length;
    // "in my kinase library", "from our library": the user points at one of theirs (unknown → not_found).
    // "screening a fragment library against COX-2", "a library around sulfonamides": the word is only talk,
    // unless it names one of the caller's libraries exactly.
    if (!EXPLICIT.test(lead?.[0] ?? "") && !SEARCH_VERB.test(text.slice(0, start))) {
      const exact = typed ? store.byName(typed, viewer) : undefined;
      if (!exact) continue;
      return scope(text, exact, start, end);
    }
    let library: Library;
    let corrected = false;
    if (!typed) {
      const mine = store.list(viewer);
      if (mine.length !== 1) {
        throw new ChemAgentError(
          "not_found",
          mine.length
            ? `Which library? Yours: ${mine.map((l) => l.meta.name).slice(0, 5).join(", ")}.`
            : "You have no libraries yet: upload one first (POST /api/libraries or the console).",
          { suggestions: mine.map((l) => l.meta.name).slice(0, 5), details: { entity: "library" } },
        );
      }
      library = mine[0];
    } else {
      try {
        ({ library, corrected } = store.resolve(typed, viewer)); // not_found with the caller's names
      } catch (e) {
        if (!(e instanceof ChemAgentError)) throw e;
        throw new UnknownLibrary(e, text.slice(0, start) + text.slice(end));
      }
    }
    return scope(text, library, start, end, corrected ? typed : undefined);
  }
  return null;
}

/** "which compounds in LIB contain…": a library's own name, written as a whole word or phrase. */
function byKnownName(text: string, store: LibraryStore, viewer: Viewer): LibraryScope | null {
  const libs = store.list(viewer).sort((a, b) => b.meta.name.length - a.meta.name.length);
  for (const lib of libs) {
    const escaped = lib.meta.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+");
    const m = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, "iu").exec(text);
    if (!m) continue;
    let start = m.index;
    const lead = LEAD.exec(text.slice(0, start));
    if (lead) start -= lead[0].length;
    let end = m.index + m[0].length;
    const trail = TRAIL.exec(text.slice(end));
    if (trail) end += trail[0].length;
    return scope(text, lib, start, end);
  }
  return null;
}

/**
 * "which compounds in ACEM in-house…", "the 5 heaviest compounds in kinase hist": a library's name mistyped
 * without the word "library". Every word within its own typo reach (Damerau, relative to its length), a
 * multi-word name keeps one word exact, and one library is clearly nearest — like compound names.
 */
function byNearName(text: string, store: LibraryStore, viewer: Viewer): LibraryScope | null {
  const words = [...text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}_.+-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu)];
  let best: { lib: Library; d: number; start: number; end: number } | null = null;
  let tie = false;
  for (const lib of store.list(viewer)) {
    const name = lib.meta.name.toLowerCase().split(/\s+/).filter(Boolean);
    if (name.join("").length < 6) continue; // a short name within a typo of any word is a guess
    for (let i = 0; i + name.length <= words.length; i++) {
      const typed = words.slice(i, i + name.length);
      // Only words right next to each other ("kinase hist"), nothing across punctuation.
      if (
        typed.some((w, k) =>
          k && !/^\s+$/.test(text.slice(typed[k - 1].index! + typed[k - 1][0].length, w.index))
        )
      ) {
        continue;
      }
      let d = 0, exact = 0;
      for (let k = 0; k < name.length && d <= 3; k++) {
        const w = typed[k][0].toLowerCase();
        const dk = editDistance(w, name[k], 2);
        if (dk > suggestionDistance(name[k].length) || (dk && w[0] !== name[k][0] && name[k].length < 5)) {
          d = 99;
        } else d += dk;
        if (!dk) exact++;
      }
      if (!d || d > suggestionDistance(name.join("").length) || (name.length > 1 && !exact)) continue;
      if (!best || d < best.d) {
        best = { lib, d, start: typed[0].index!, end: typed.at(-1)!.index! + typed.at(-1)![0].length };
        tie = false;
      } else if (d === best.d && best.lib !== lib) tie = true;
    }
  }
  if (!best || tie) return null;
  let { start, end } = best;
  const typed = text.slice(start, end);
  const lead = LEAD.exec(text.slice(0, start));
  if (lead) start -= lead[0].length;
  const trail = TRAIL.exec(text.slice(end));
  if (trail) end += trail[0].length;
  return scope(text, best.lib, start, end, typed);
}

function scope(text: string, library: Library, start: number, end: number, typed?: string): LibraryScope {
  // Characters outside the phrase stay where they were, so the parser's offsets map back by one shift.
  const rest = text.slice(0, start) + text.slice(end);
  return {
    library,
    text: rest,
    span: { start, end, text: text.slice(start, end) },
    ...(typed ? { corrected: { from: typed, to: library.meta.name } } : {}),
    compareApproved: /\bcompare\b|\bversus\b|\bvs\.?\s/i.test(rest) &&
      /\bapproved\b|\bdrugs?\b|\bmarketed\b/i.test(rest),
  };
}

/** Tools that take a search space, and whether they search it by default (no compound list given). */
const SCOPED = new Set(["similarity_search", "substructure_search", "filter_by_properties"]);

/** The plan with the library as the search space of its search steps; null when no step can use it. */
export function scopePlan(plan: Plan, s: LibraryScope): Plan | null {
  let used = false;
  const steps = plan.steps.map((step) => {
    if (!SCOPED.has(step.tool)) return step;
    // A filter of an earlier step's list keeps that list (already library rows); a filter of "everything"
    // becomes a filter of the library.
    if (step.tool === "filter_by_properties" && step.args.compounds && !step.depends_on.length) return step;
    used = true;
    return { ...step, args: { ...step.args, library: s.library.meta.id } };
  });
  return used ? { ...plan, steps } : null;
}

const SUPERLATIVE = /\b(?:heaviest|lightest|largest|smallest|biggest)\b/i;

/** The ranking a question asks of a set it does not name: property, order and how many; null for none. */
export function rankingAsked(
  e: Entities,
  text: string,
): { by: string; order: "asc" | "desc"; limit: number } | null {
  if (e.compounds.some((c) => c.role !== "reference") || e.smiles.length) return null;
  const named = e.properties.filter((p) => NUMERIC_NAMES.has(p) && !e.filters.some((f) => f.property === p));
  const by = e.comparison?.property ?? named[0];
  // Only a superlative or an order word asks for a ranking ("more than 10 acceptors" is a filter).
  if (!by || !(CUES.rank.test(text) || SUPERLATIVE.test(text))) return null;
  // "which compound has the lowest logP": one; otherwise the number asked, or ten.
  const one = /\b(?:which|what)\s+(?:single\s+)?(?:compound|molecule|structure|one)\b(?!s)/i.test(text);
  return {
    by,
    order: e.comparison?.direction === "lower" ? "asc" : "desc",
    limit: e.limit ?? (one ? 1 : 10),
  };
}

/**
 * "the 5 heaviest compounds in LIB", "which compound in LIB has the lowest logP", "rank LIB by rotatable bonds,
 * top 3": the library is the set ranked (the dataset needs a set named, a library is one). Null when the
 * question names a molecule or no property to order by.
 */
export function rankPlan(e: Entities, text: string, s: LibraryScope): Plan | null {
  const asked = rankingAsked(e, text);
  if (!asked) return null;
  const { by, order, limit } = asked;
  const lib = s.library.meta.id;
  return {
    steps: [
      {
        id: "s1",
        tool: "filter_by_properties",
        args: { library: lib, filters: e.filters, limit: 5000 },
        depends_on: [],
        label: `filter ${s.library.meta.name}`,
      },
      {
        id: "s2",
        tool: "rank",
        args: { compounds: { $from: "s1", path: "compounds[].id" }, by, order, limit },
        depends_on: ["s1"],
        label: `rank by ${by}`,
      },
    ],
  };
}

/** The library-versus-approved-drugs plan ("compare LIB hits with approved drugs"). */
export function comparePlan(s: LibraryScope): Plan {
  return {
    steps: [{
      id: "s1",
      tool: "compare_library",
      args: { library: s.library.meta.id, against: "approved" },
      depends_on: [],
      label: `compare ${s.library.meta.name} with approved drugs`,
    }],
  };
}

/**
 * Word accounting of the original question from the parse of the shortened one: offsets after the library
 * phrase move back by its length; the phrase itself is used "as library".
 */
export function scopedUnderstanding(u: Understanding | undefined, s: LibraryScope): Understanding {
  const { start, end } = s.span;
  const shift = (i: number) => (i < start ? i : i + (end - start));
  const move = <T extends { start: number; end: number }>(e: T): T => ({
    ...e,
    start: shift(e.start),
    end: e.end <= start ? e.end : e.end + (end - start),
  });
  const used = [
    ...(u?.used ?? []).map(move),
    { text: s.span.text, start, end, as: "library", value: s.library.meta.id },
  ].sort((a, b) => a.start - b.start);
  return {
    used,
    unused: (u?.unused ?? []).map(move),
    corrections: [...(u?.corrections ?? []), ...(s.corrected ? [s.corrected] : [])],
  };
}
