/** @module What a question asks to do: clauses split at connectors, each clause's actions in the order a
 * chemist would run them ("targets of X and then other drugs hitting the same targets"). */
import { CUES } from "./lexicon.ts";
import { propertyMentions } from "./numbers.ts";

export type Action =
  | "lookup"
  | "properties"
  | "lipinski"
  | "similar"
  | "substructure"
  | "targets"
  | "ligands"
  | "other_ligands"
  | "filter"
  | "rank"
  | "compare"
  | "common_targets"
  | "common_ligands"
  | "fields"
  | "class_members";

export const CONNECTOR =
  /\s*(?:,\s*)?(?:\band\s+then\b|\bthen\b|;|\band\s+(?=(?:also\s+)?(?:get|find|show|list|give|fetch|retrieve|compute|calculate|rank|sort|filter|check|look|what|which|their|its|for\s+(?:both|each|all|them)|other|any|compare|keep|take|tell|give)\b)|,\s*(?=(?:get|find|show|list|rank|sort|filter|compute|calculate|look|keep|take|compare|give|tell)\b))\s*/i;
/** "the first one", "the top 3 of them": how many items of the previous list a later clause uses. */
export function picked(text: string): number | undefined {
  const m =
    /\bthe\s+(?:first|top)\s+(one|two|three|four|five|\d+)?\b|\b(?:first|top)\s+(one|two|three|four|five|\d+)\s+of\s+(?:them|those|these)\b/i
      .exec(text);
  if (!m) return undefined;
  const w = (m[1] ?? m[2] ?? "one").toLowerCase();
  return ({ one: 1, two: 2, three: 3, four: 4, five: 5 } as Record<string, number>)[w] ?? Number(w);
}

export const PRONOUN =
  /\b(?:their|them|its|it|they|those|these|the\s+(?:first|second|other|same|hits|results|compounds|ones?))\b/i;

const LOOKUP = /\b(?:look\s*up|lookup|find|search\s+for|fetch|identify|tell\s+me\s+about)\b/;
const OTHER_LIGANDS =
  /\b(?:other|more|additional)\s+(?:\w+\s+)?(?:drugs|compounds|ligands|molecules|inhibitors|binders|actives)\b|\bwhat\s+(?:else|other)\b|\bother\s+ligands\b|\b(?:hit|hitting|target|targeting|bind|binding|share|sharing)\s+(?:them|those|these|the\s+same)\b|\balso\s+(?:hit|target|bind)\b/;
const TARGETS =
  /\b(?:targets?|mechanisms?(?:\s+of\s+action)?|modes?\s+of\s+action|moa|targeted|targeting|binding\s+partners?|interact(?:s|ions?)?(?:\s+with)?|interactors?|pharmacology|target\s+profile|(?:what|which)\s+(?:\w+\s+){0,2}(?:does|do)\s+(?:\S+\s+){1,6}?(?:target|bind|inhibit|block|activate|hit|do|interact\s+with|antagoni[sz]e|agoni[sz]e|modulate|act\s+on)|how\s+does\s+\S+\s+work|bind(?:s|ing)?\s+to|acts?\s+on|what\s+(?:does|do)\s+\S+\s+hit)\b/;
const COMPARE = /\b(?:compare|comparison|which\s+(?:one\s+)?(?:has|is)|versus|vs\.?)\b/;
const SUPERLATIVE =
  /\b(?:heaviest|lightest|smallest|largest|biggest|(?:most|least)\s+(?!similar|like\b|alike)(?:lipophilic|polar|flexible|rigid|hydrophobic|hydrophilic|potent))\b/;
const RANK = /\b(?:rank|sort|order)\w*\b/;
const RANK_BY = /\b(?:rank|sort|order)\w*\s+(?:them\s+|these\s+|those\s+|the\s+\w+\s+)?by\b/;

/** Actions one clause asks for. */
export function clauseActions(
  clause: string,
  hasTargetEntity: boolean,
  hasCompoundEntity: boolean,
): Action[] {
  const a: Action[] = [];
  const props = propertyMentions(clause).map((m) => m.property);
  const lower = clause.toLowerCase();
  if (LOOKUP.test(lower) && !CUES.similarity.test(clause) && !props.length && !CUES.targets.test(clause)) {
    a.push("lookup");
  }
  // "other approved drugs that resemble X" asks for similar drugs, not drugs sharing X's targets.
  const resembles = CUES.similarity.test(clause) &&
    !/\b(?:hit|hitting|targets?|targeting|bind|binding|share|sharing)\b/.test(lower);
  if (OTHER_LIGANDS.test(lower) && !resembles) a.push("other_ligands");
  else if (CUES.common.test(clause) && /\btargets?\b/.test(lower)) a.push("common_targets");
  else if (
    hasTargetEntity && !hasCompoundEntity && (CUES.ligands.test(clause) || !CUES.targets.test(clause))
  ) a.push("ligands");
  else if (TARGETS.test(lower)) a.push("targets");
  if (COMPARE.test(lower)) a.push("compare");
  if (CUES.similarity.test(clause)) a.push("similar");
  if (CUES.substructure.test(clause) && !CUES.similarity.test(clause)) a.push("substructure");
  if (props.includes("lipinski") || props.includes("veber")) a.push("lipinski");
  if (
    props.some((p) => p !== "lipinski" && p !== "veber") && !a.includes("compare") &&
    !/\bthe\s+one\s+with\b/.test(lower) && !RANK_BY.test(lower)
  ) a.push("properties");
  if (
    RANK.test(lower) || /\b(?:highest|lowest)\b/.test(lower) && !/\bwhich\b/.test(lower) ||
    SUPERLATIVE.test(lower) && !/\bwhich\s+(?:one\s+)?(?:is|has)\b/.test(lower) ||
    /\btop\s+\d+\b.*\bby\b/.test(lower)
  ) a.push("rank");
  return [...new Set(a)];
}

/** Actions of the whole question, clause by clause, normalised into a runnable order. */
export function questionActions(
  actionText: string,
  hasTargets: boolean,
  hasMolecules: boolean,
): { actions: Action[]; clauses: string[] } {
  // Sentences first (". Then …", case-sensitive so "mol. weight" stays whole), then connectors.
  const clauses = actionText.split(/(?<=[a-z0-9)\]])[.]\s+(?=[A-Z])/).flatMap((s) => s.split(CONNECTOR))
    .filter((c) => c && c.trim().length > 1);
  let actions = clauses.flatMap((c, i) => {
    const own = clauseActions(c, hasTargets && (i === 0 || !PRONOUN.test(c)), hasMolecules && i === 0);
    // "…, then for each target list its ligands": ligands of what came before, not targets again.
    if (
      i > 0 && own.includes("targets") && /\b(?:ligands?|binders?|inhibitors|drugs)\b/i.test(c) &&
      /\b(?:its|their|each|those|these|them)\b/i.test(c)
    ) own.splice(own.indexOf("targets"), 1, "ligands");
    // "…, then list the first one's ligands": a later clause asking for ligands of what came before.
    if (
      i > 0 && !own.length && PRONOUN.test(c) &&
      /\b(?:ligands?|binders?|inhibitors?|drugs|compounds)\b/i.test(c)
    ) {
      own.push("ligands");
    }
    return own;
  });
  // "targets of compounds similar to X": similarity feeds the target lookup.
  if (
    actions.includes("targets") && actions.includes("similar") &&
    actions.indexOf("targets") < actions.indexOf("similar")
  ) {
    actions = ["similar", "targets", ...actions.filter((a) => a !== "similar" && a !== "targets")];
  }
  actions = [...new Set(actions)];
  if (actions.length > 1 && actions[0] === "lookup") {
    actions = actions.filter((a, i) => a !== "lookup" || i === 0);
  }
  return { actions, clauses };
}
