/** @module Typo correction: a misspelt name is corrected only when one record is clearly the closest. */
import type { Dataset } from "./dataset.ts";
import { normalizeName } from "./normalize.ts";
import { type NearName, suggestionDistance } from "./suggest.ts";

export type NamedKind = "compound" | "target" | "class";

/** What a misspelt word was corrected to, or the close names to offer instead. */
export interface NameFix {
  found?: { kind: NamedKind; text: string; id: string; correction: { from: string; to: string } };
  /** Close names, closest then best known first (empty when nothing is close). */
  suggestions: string[];
  /** Several different records were equally close: ask, do not guess. */
  ambiguous: boolean;
}

/** Edits allowed for an automatic correction: none below 4 letters, 1 up to 7, 2 from 8. */
export function correctionDistance(length: number): number {
  return length < 4 ? 0 : length <= 7 ? 1 : 2;
}

interface Candidate extends NearName {
  kind: NamedKind;
}

/**
 * Corrects `word` to a compound, target or class name when exactly one record is nearest within the
 * correction distance (so its margin over the runner-up is at least one edit); otherwise returns suggestions.
 * `targets` says whether the word may name a target (gene symbols are matched only when typed like one).
 */
export function correctName(word: string, data: Dataset, targets = true): NameFix {
  const key = normalizeName(word);
  const reach = suggestionDistance(key.length);
  if (!reach) return { suggestions: [], ambiguous: false };
  const candidates: Candidate[] = [
    ...data.compoundSuggestions.near(key, reach).map((n) => ({ ...n, kind: "compound" as const })),
    ...(targets
      ? data.targetSuggestions.near(key, reach).map((n) => ({ ...n, kind: "target" as const }))
      : []),
    ...data.classes.suggestions.near(key, reach).map((n) => ({ ...n, kind: "class" as const })),
  ].sort((a, b) => a.distance - b.distance || b.prominence - a.prominence || a.label.localeCompare(b.label));
  // One entry per record: its closest spelling. A gene symbol shared by several targets (the protein and
  // complexes holding it) names the one target lookup resolves it to.
  const records = new Map<string, Candidate>();
  for (const c of candidates) {
    if (c.kind === "target") c.id = data.targetsByText(c.label)[0]?.id ?? c.id;
    const id = `${c.kind}:${c.id ?? c.key}`;
    if (!records.has(id)) records.set(id, c);
  }
  const ranked = [...records.values()];
  const suggestions = [...new Set(ranked.map((c) => c.label))].slice(0, 5);
  const fixable = ranked.filter((c) => c.distance <= correctionDistance(key.length));
  if (!fixable.length) return { suggestions, ambiguous: false };
  const best = fixable.filter((c) => c.distance === fixable[0].distance);
  if (best.length > 1) {
    return { suggestions: [...new Set(best.map((c) => c.label))], ambiguous: true };
  }
  const win = best[0];
  return {
    found: { kind: win.kind, text: win.label, id: win.id!, correction: { from: word, to: win.label } },
    suggestions,
    ambiguous: false,
  };
}
