/** @module Constraints relative to a reference compound: "fewer HBD than celecoxib", "more lipophilic than
 * aspirin", "similar to warfarin but with fewer aromatic rings" (the reference is then the query compound). */
import type { Found } from "./entities.ts";
import { COMPARATIVES, CUES, NUMERIC_NAMES } from "./lexicon.ts";
import { propertyMentions } from "./numbers.ts";

export interface RelativeConstraint {
  property: string;
  op: "<" | ">" | "=";
  /** The reference compound's index in the found entities, or null for "the compound the question is about". */
  than: Found | null;
  start: number;
  end: number;
}

const DIRECTION = /\b(fewer|less|lower|smaller|more|greater|higher|larger|bigger|heavier|lighter)\b/gi;
const THAN =
  /^\s*(?:than|compared\s+(?:to|with)|relative\s+to)\s+(?:that\s+of\s+|those\s+of\s+|the\s+one\s+of\s+)?/i;
const WITH_BEFORE = /\b(?:with|but|having|yet|that\s+are|which\s+are|that\s+is|which\s+is)\s+(?:\w+\s+)?$/i;
/** The question asks for a set of compounds (not "is A heavier than B", which is a comparison). */
const SET =
  /\b(?:compounds|drugs|molecules|structures|ones|analogu?es|chemicals|inhibitors|ligands|hits|members|any|others?|which\s+(?:compounds|drugs|molecules)|similar|like|neighbou?rs|list|find|show|search|filter|keep|anything|something|everything|any)\b/i;
const SAME = /\b(?:the\s+)?same\s+(?:number\s+of\s+|count\s+of\s+)?/gi;

/** Finds relative constraints; `found` are the recognised entities (references are looked up among them). */
export function relativeConstraints(
  text: string,
  found: Found[],
  masked: [number, number][],
  namesAClass = false,
): RelativeConstraint[] {
  if (!namesAClass && !SET.test(text) && !CUES.similarity.test(text)) return [];
  const mentions = propertyMentions(text).filter((m) => NUMERIC_NAMES.has(m.property));
  const out: RelativeConstraint[] = [];
  const inMask = (i: number) => masked.some(([s, e]) => i >= s && i < e);
  for (const d of text.matchAll(DIRECTION)) {
    const ds = d.index!, de = ds + d[0].length;
    if (inMask(ds)) continue;
    const op: "<" | ">" = /fewer|less|lower|smaller|lighter/i.test(d[0]) ? "<" : ">";
    let property: string | undefined, start = ds, end = de;
    const after = mentions.find((m) => m.start >= de && m.start - de <= 3);
    const before = mentions.filter((m) => m.end <= ds && ds - m.end <= 3).pop();
    const comparative = COMPARATIVES.find(([re]) => {
      const m = new RegExp(re.source, "i").exec(text.slice(ds, ds + 30));
      return m && m.index === 0;
    });
    let direction: RelativeConstraint["op"] = op;
    if (after) [property, end] = [after.property, after.end];
    else if (before) [property, start] = [before.property, before.start];
    else if (comparative) {
      property = comparative[1];
      direction = comparative[2] === "higher" ? ">" : "<";
      end = ds + new RegExp(comparative[0].source, "i").exec(text.slice(ds))![0].length;
    }
    if (!property) continue;
    const tail = text.slice(end);
    const than = THAN.exec(tail);
    if (than) {
      const at = end + than[0].length;
      if (/^\s*-?\d/.test(text.slice(at))) continue; // a number: a plain constraint ("fewer than 3 rings")
      const ref = found.find((f) => f.start >= at && f.start - at <= 2 && f.kind !== "target");
      // "… heavier than atorvastatin with fewer HBD than it": the pronoun is the previous reference.
      const it = /^(?:it|that|this|that\s+one|them)\b/i.exec(text.slice(at));
      if (!ref && it && out.at(-1)?.than) {
        out.push({ property, op: direction, than: out.at(-1)!.than, start, end: at + it[0].length });
        continue;
      }
      if (!ref) continue;
      out.push({ property, op: direction, than: ref, start, end: ref.end });
    } else if (
      out.at(-1)?.than &&
      /\b(?:but|and|yet)\s+(?:also\s+)?$/i.test(text.slice(Math.max(0, start - 10), start))
    ) {
      // "more polar than aspirin but smaller": the same reference.
      out.push({ property, op: direction, than: out.at(-1)!.than, start, end });
    } else if (
      WITH_BEFORE.test(text.slice(Math.max(0, start - 16), start)) && CUES.similarity.test(text) &&
      !/\bthe\s+(?:one|compound|drug|molecule)\s+with\s+$/i.test(text.slice(Math.max(0, start - 30), start))
    ) {
      // "but with fewer aromatic rings": relative to the compound the question is about.
      if (/^\s*(?:than\s+)?-?\d/.test(tail) || /^\s*than\b/.test(tail)) continue;
      out.push({ property, op: direction, than: null, start, end });
    }
  }
  // "the same number of aromatic rings as naproxen"
  for (const s of text.matchAll(SAME)) {
    const p = mentions.find((m) => m.start === s.index! + s[0].length);
    if (!p) continue;
    const as = /^\s+as\s+/i.exec(text.slice(p.end));
    if (!as) continue;
    const at = p.end + as[0].length;
    const ref = found.find((f) => f.start >= at && f.start - at <= 2 && f.kind !== "target");
    if (ref) out.push({ property: p.property, op: "=", than: ref, start: s.index!, end: ref.end });
  }
  return out;
}
