/**
 * @module Libraries named in a question ("in my kinase library", "which compounds in LIB…", "filter LIB to…"):
 * found before the rules parser reads the rest, resolved against the caller's libraries (typos tolerated), and
 * applied to the plan as the search space of its search steps. A question that names a library the caller does
 * not have is a typed not_found with their library names as suggestions — never a silent search of the dataset.
 */
import type { Library } from "../data/libraries/library.ts";
import type { LibraryStore, Viewer } from "../data/libraries/store.ts";
import { ChemAgentError } from "../errors.ts";
import type { Plan, Understanding } from "../types.ts";

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
const SEARCH_VERB = /\b(?:search|screen|scan|query|filter|mine)(?:es|s|ed|ing)?\s+(?:the\s+)?$/i;
const CUE = /\b(?:compound\s+)?(?:library|collection|lib)\b/gi;
const TRAIL = /^\s+(?:hits|compounds|molecules|structures|members)\b/i;

/** The library the question names (or null when it names none); throws not_found for an unknown library. */
export function findLibraryScope(text: string, store: LibraryStore, viewer: Viewer): LibraryScope | null {
  return byCueWord(text, store, viewer) ?? byKnownName(text, store, viewer);
}

/** "… in my kinase library …": the words before "library" are the name. */
function byCueWord(text: string, store: LibraryStore, viewer: Viewer): LibraryScope | null {
  for (const m of text.matchAll(CUE)) {
    const before = text.slice(0, m.index);
    const words = [...before.matchAll(/[\p{L}\p{N}][\p{L}\p{N}_.+-]*/gu)];
    const name: RegExpExecArray[] = [];
    for (let i = words.length - 1; i >= 0 && name.length < 3; i--) {
      if (STOP.has(words[i][0].toLowerCase())) break;
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
      ({ library, corrected } = store.resolve(typed, viewer)); // throws not_found with the caller's names
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
