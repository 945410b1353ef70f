/** @module Numeric constraints in text: "MW < 300", "logP between 1 and 3", "at least 85% similarity", "top 10". */
import type { PropertyFilter } from "../tools/compare_filter_rank.ts";
import { CUES, NUMERIC_NAMES, PROPERTY_SYNONYMS } from "./lexicon.ts";
import { unavailableSpans } from "./unavailable.ts";

type Op = PropertyFilter["op"];

const OPS: [RegExp, Op][] = [
  [
    /^(?:<=|=<|≤|less\s+than\s+or\s+equal\s+to|at\s+most|no\s+more\s+than|not\s+more\s+than|up\s+to|max(?:imum)?(?:\s+of)?|not\s+exceeding|≦)$/i,
    "<=",
  ],
  [
    /^(?:>=|=>|≥|greater\s+than\s+or\s+equal\s+to|at\s+least|no\s+less\s+than|not\s+less\s+than|min(?:imum)?(?:\s+of)?|≧)$/i,
    ">=",
  ],
  [/^(?:<|less\s+than|fewer\s+than|lower\s+than|smaller\s+than|below|under|beneath|lighter\s+than)$/i, "<"],
  [
    /^(?:>|more\s+than|greater\s+than|higher\s+than|larger\s+than|above|over|exceeding|heavier\s+than|bigger\s+than)$/i,
    ">",
  ],
  [/^(?:=|==|equal\s+to|equals|of\s+exactly|exactly|is)$/i, "="],
];

const OP_WORDS =
  "<=|>=|=<|=>|≤|≥|<|>|==|=|less\\s+than\\s+or\\s+equal\\s+to|greater\\s+than\\s+or\\s+equal\\s+to|less\\s+than|fewer\\s+than|lower\\s+than|smaller\\s+than|lighter\\s+than|below|under|beneath|at\\s+most|no\\s+more\\s+than|not\\s+more\\s+than|not\\s+exceeding|up\\s+to|maximum\\s+of|max|more\\s+than|greater\\s+than|higher\\s+than|larger\\s+than|heavier\\s+than|bigger\\s+than|above|over|exceeding|at\\s+least|no\\s+less\\s+than|not\\s+less\\s+than|minimum\\s+of|min|equal\\s+to|equals|exactly";
const NUM = "(-?\\d+(?:[.,]\\d+)?)\\s*(%|percent|pct)?";
const UNIT = "(?:\\s*(?:da|daltons?|g\\/mol|gmol|å²|a2|å\\^2|angstroms?|nm|µm|um|mm))?";
const CONSTRAINT = new RegExp(
  `(?:\\b(between|from)\\s+${NUM}${UNIT}\\s*(?:and|to|-|–)\\s*${NUM}${UNIT})|(?:(${OP_WORDS})\\s*(?:of\\s+|than\\s+)?${NUM}${UNIT})`,
  "gi",
);

export interface Constraints {
  filters: PropertyFilter[];
  threshold?: number;
  limit?: number;
  unsupported: string[];
  /** Spans of text consumed (so entity recognition can skip numbers inside them). */
  spans: [number, number][];
  /** The subset of spans that are property filters ("MW < 300"). */
  filterSpans: [number, number][];
}

interface Mention {
  property: string;
  start: number;
  end: number;
}

/** Every property mention with its position in the text. */
export function propertyMentions(text: string): Mention[] {
  const out: Mention[] = [];
  for (const [re, property] of PROPERTY_SYNONYMS) {
    const g = new RegExp(re.source, "gi");
    for (const m of text.matchAll(g)) out.push({ property, start: m.index!, end: m.index! + m[0].length });
  }
  // Longer mentions win where two overlap ("aromatic rings" over "rings").
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  return out.filter((m, i) =>
    !out.some((o, j) =>
      j !== i && o.start <= m.start && o.end >= m.end && (o.end - o.start) > (m.end - m.start)
    )
  );
}

const toOp = (word: string): Op => OPS.find(([re]) => re.test(word.trim()))?.[1] ?? "=";
const toNum = (s: string) => Number(s.replace(",", "."));

/** Finds filters, a similarity threshold, a result limit and unsupported potency constraints. */
export function parseConstraints(text: string): Constraints {
  const mentions = propertyMentions(text).filter((m) => NUMERIC_NAMES.has(m.property));
  const out: Constraints = { filters: [], unsupported: [], spans: [], filterSpans: [] };
  const asks = unavailableSpans(text);
  for (const m of text.matchAll(CONSTRAINT)) {
    const start = m.index!, end = start + m[0].length;
    const before = text.slice(Math.max(0, start - 40), start);
    const after = text.slice(end, end + 30);
    const isBetween = !!m[1];
    const value = toNum(isBetween ? m[2] : m[7]);
    const pct = isBetween ? m[3] : m[8];
    const value2 = isBetween ? toNum(m[4]) : undefined;
    const op: Op = isBetween ? "between" : toOp(m[6]);
    // "solubility above 10": a limit on data the source lacks is reported, never taken as something else.
    const ask = asks.filter((a) => a.end <= start && start - a.end <= 12).pop();
    if (ask) {
      out.unsupported.push(`${ask.text} ${m[0].trim()}`);
      out.spans.push([start, end]);
      continue;
    }
    if (CUES.potency.test(before.slice(-15) + m[0])) {
      out.unsupported.push(
        m[0].trim().startsWith("<") || m[0].trim().startsWith(">")
          ? `${/(\w+)\s*$/.exec(before)?.[1] ?? "potency"} ${m[0].trim()}`
          : m[0].trim(),
      );
      out.spans.push([start, end]);
      continue;
    }
    const near =
      /(?:similar\w*|tanimoto|threshold|cutoff|cut-off)\s*(?:score\s*)?(?:of\s*)?$/i.test(before) ||
      /^\s*(?:similar\w*|tanimoto)/i.test(after) || (!!pct && !mentions.some((p) =>
        p.end <= start && start - p.end < 25
      ));
    if (near) {
      out.threshold = pct ? value / 100 : value;
      out.spans.push([start, end]);
      continue;
    }
    // "under 500 Da", "below 90 Å²": a unit names its property when no property word is near.
    const byUnit = /(?:\bda|daltons?|g\/mol|gmol)$/i.test(m[0])
      ? "molecular_weight"
      : /(?:å²|\ba2|å\^2)$/i.test(m[0])
      ? "tpsa"
      : undefined;
    // "clogP below 4 and fewer than 8 rotatable bonds": a property already given its limit yields to the one
    // right after the number.
    const prior = mentions.filter((p) => p.end <= start && start - p.end <= 25).pop();
    const next = mentions.find((p) => p.start >= end && p.start - end <= 12);
    const spent = prior && next && /^\s*$/.test(text.slice(end, next.start)) &&
      out.filterSpans.some(([s]) => s >= prior.end && s < start);
    const prop = (spent ? next : prior) ?? next ?? (byUnit ? { property: byUnit, start, end } : undefined);
    if (!prop) {
      // A bare comparator in a similarity question is the threshold: "similar to aspirin > 0.8".
      if (CUES.similarity.test(text) && out.threshold === undefined && (pct || value <= 1)) {
        out.threshold = pct ? value / 100 : value;
        out.spans.push([start, end]);
      }
      continue;
    }
    out.filters.push({
      property: prop.property as PropertyFilter["property"],
      op,
      value,
      ...(value2 !== undefined ? { value2 } : {}),
    });
    out.spans.push([start, end]);
    out.filterSpans.push([start, end]);
  }
  // "MW 150-250 Da": a range right after a property.
  for (
    const m of text.matchAll(
      /(-?\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(-?\d+(?:\.\d+)?)(?:\s*(?:da|daltons?|g\/mol|å²|a2))?/gi,
    )
  ) {
    const start = m.index!, end = start + m[0].length;
    if (out.spans.some(([s, e]) => start < e && end > s)) continue;
    const prop = mentions.filter((p) => p.end <= start && start - p.end <= 4).pop();
    if (!prop) continue;
    out.filters.push({
      property: prop.property as PropertyFilter["property"],
      op: "between",
      value: Number(m[1]),
      value2: Number(m[2]),
    });
    out.spans.push([start, end]);
    out.filterSpans.push([start, end]);
  }
  // "4 or fewer rotatable bonds", "2 or more aromatic rings": the comparator after the number.
  for (
    const m of text.matchAll(
      /(?<![\w.-])(\d{1,4}(?:\.\d+)?)\s+or\s+(fewer|less|lower|below|under|more|greater|higher|above|over)\b\s*(?:of\s+)?/gi,
    )
  ) {
    const start = m.index!, end = start + m[0].length;
    if (out.spans.some(([s, e]) => start < e && end > s)) continue;
    const prop = mentions.find((p) => p.start >= end && p.start - end <= 4) ??
      mentions.filter((p) => p.end <= start && start - p.end <= 25).pop();
    if (!prop) continue;
    const op: Op = /^(?:fewer|less|lower|below|under)$/i.test(m[2]) ? "<=" : ">=";
    out.filters.push({ property: prop.property as PropertyFilter["property"], op, value: Number(m[1]) });
    const last = prop.start >= end ? prop.end : end;
    out.spans.push([start, last]);
    out.filterSpans.push([start, last]);
  }
  // "with 0 HBD", "having 2 aromatic rings": an exact count.
  for (
    const m of text.matchAll(/\b(?:with|having|has|have|where|and)\s+(?:exactly\s+)?(\d{1,3})\s+(?=\S)/gi)
  ) {
    const start = m.index!, end = start + m[0].length;
    if (out.spans.some(([s, e]) => start < e && end > s)) continue;
    const prop = mentions.find((p) => p.start === end);
    if (!prop) continue;
    out.filters.push({ property: prop.property as PropertyFilter["property"], op: "=", value: Number(m[1]) });
    out.spans.push([start + m[0].indexOf(m[1]), prop.end]);
    out.filterSpans.push([start + m[0].indexOf(m[1]), prop.end]);
  }
  // "at a 0.5 threshold", "0.4 cutoff"
  if (out.threshold === undefined) {
    const t = /\b(0?\.\d+|0|1(?:\.0+)?)\s*(?:similarity\s+)?(?:threshold|cut-?off)\b/i.exec(text);
    if (t) {
      out.threshold = Number(t[1]);
      out.spans.push([t.index, t.index + t[0].length]);
    }
  }
  // "similarity 0.8", "threshold of 0.65", "tanimoto 0.7" (no operator)
  if (out.threshold === undefined) {
    const t =
      /(?:similarity|tanimoto|threshold|cutoff|cut-off)(?:\s+(?:score|threshold|cutoff))?\s*(?:of|=|:)?\s*(-?\d+(?:\.\d+)?)\s*(%)?/i
        .exec(text);
    if (t) {
      out.threshold = t[2] ? Number(t[1]) / 100 : Number(t[1]);
      out.spans.push([t.index, t.index + t[0].length]);
    } else {
      const p = /(\d+(?:\.\d+)?)\s*(?:%|percent)\s*(?:similar|similarity|identical|tanimoto)/i.exec(text);
      if (p) {
        out.threshold = Number(p[1]) / 100;
        out.spans.push([p.index, p.index + p[0].length]);
      }
    }
  }
  const lim =
    /\b(?:top|first|best|limit(?:\s+to)?|up\s+to|at\s+most|max(?:imum)?)[\s-]+(\d{1,6})\b(?!\s*(?:%|percent|da|g\/mol|nm|rotatable|aromatic|rings?|h[\s-]?bond|donors?|acceptors?|heavy))/i
      .exec(text) ??
      /(?<![\w.-])(\d{1,6})\s+(?:most|least|heaviest|lightest|smallest|largest|biggest|highest|lowest|best)\b/i
        .exec(
          text,
        ) ??
      /(?<![\w.-])(\d{1,6})\s+(?:[a-z-]+\s+){0,2}?(?:most\s+similar|closest|nearest|similar|compounds|molecules|drugs|hits|results|analogs|analogues|ligands|inhibitors|structures|binders|agonists|antagonists|examples|neighbou?rs|look-?alikes|matches|relatives|cousins|members|candidates)\b/i
        .exec(text);
  if (lim && !out.spans.some(([s, e]) => lim.index >= s && lim.index < e)) {
    out.limit = Number(lim[1]);
    // Only "top 5" / the number itself: the words around it are accounted for on their own.
    const n = lim[0].indexOf(lim[1]);
    out.spans.push([lim.index, lim.index + n + lim[1].length]);
  }
  return out;
}
