/** @module Restrictions on a set of compounds by record fields: year of first approval ("approved after 2010")
 * and route of administration ("oral NSAIDs"). */

export interface YearRange {
  min?: number;
  max?: number;
  start: number;
  end: number;
}

const YEAR =
  /\b(?:(?:first\s+)?approved|approval|marketed|launched|introduced)\s+(?:(in|after|since|from|before|prior\s+to|until|between)\s+)?((?:19|20)\d\d)(?:\s*(?:and|-|–|to)\s*((?:19|20)\d\d))?\b/i;

/** "approved after 1980" → { min: 1981 }; "between 1990 and 2000" → { min: 1990, max: 2000 }. */
export function approvalYears(text: string): YearRange | undefined {
  const m = YEAR.exec(text);
  if (!m) return undefined;
  const how = (m[1] ?? "in").toLowerCase();
  const y = Number(m[2]), y2 = m[3] ? Number(m[3]) : undefined;
  const span = { start: m.index, end: m.index + m[0].length };
  if (y2 !== undefined) return { min: Math.min(y, y2), max: Math.max(y, y2), ...span };
  if (how === "after") return { min: y + 1, ...span };
  if (how === "since" || how === "from") return { min: y, ...span };
  if (how === "before" || how.startsWith("prior")) return { max: y - 1, ...span };
  if (how === "until") return { max: y, ...span };
  return { min: y, max: y, ...span };
}

const ROUTE =
  /\b(oral(?:ly)?|by\s+mouth|parenteral(?:ly)?|inject(?:able|ed|ion)|intravenous(?:ly)?|i\.v\.|topical(?:ly)?)\b/i;

/** The route of administration named, in the words class_members understands. */
export function routeMention(text: string): { route: string; start: number; end: number } | undefined {
  const m = ROUTE.exec(text);
  if (!m) return undefined;
  const w = m[1].toLowerCase();
  const route = /^oral|mouth/.test(w) ? "oral" : /^topical/.test(w) ? "topical" : "parenteral";
  return { route, start: m.index, end: m.index + m[0].length };
}
