/** @module Deterministic intent classification: entities + cue words → Intent with a meaningful confidence. */
import type { SmilesChecker } from "../chem/smiles_checker.ts";
import type { Dataset } from "../data/dataset.ts";
import { ChemAgentError } from "../errors.ts";
import type { Entities, EntityRef, Intent, IntentType } from "../types.ts";
import { recognise, type Recognised } from "./entities.ts";
import { COMPARATIVES, CUES, FUNCTIONAL_GROUPS, IN_SCOPE, NUMERIC_NAMES, OUT_OF_SCOPE } from "./lexicon.ts";
import { parseConstraints, propertyMentions } from "./numbers.ts";

export interface ParseContext {
  data: Dataset;
  /** SMILES verdicts for this question's tokens, decided in a chemistry worker beforehand. */
  chem: SmilesChecker;
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
}

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
  | "common_targets";

const CONNECTOR =
  /\s*(?:,\s*)?(?:\band\s+then\b|\bthen\b|;|\band\s+(?=(?:also\s+)?(?:get|find|show|list|give|fetch|retrieve|compute|calculate|rank|sort|filter|check|look|what|which|their|its|for\s+(?:both|each|all|them))\b)|,\s*(?=(?:get|find|show|list|rank|sort|filter|compute|calculate|look)\b))\s*/i;
const PRONOUN =
  /\b(?:their|them|its|it|they|those|these|the\s+(?:first|second|other|same|hits|results|compounds|ones?))\b/i;
const WORDS = /[a-z]+/gi;
const ENGLISH =
  /\b(?:the|is|are|what|how|who|why|when|where|a|an|of|to|in|for|on|do|does|can|you|i|me|my|it|this|that|please|tell|give)\b/i;

const clip = (s: string) => (s.length > 50 ? s.slice(0, 47) + "…" : s);

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

/** Actions a clause asks for, in the order a chemist would run them. */
function clauseActions(clause: string, hasTargetEntity: boolean, hasCompoundEntity: boolean): Action[] {
  const a: Action[] = [];
  const props = propertyMentions(clause).map((m) => m.property);
  const lower = clause.toLowerCase();
  if (
    /\b(?:look\s*up|lookup|find|search\s+for|fetch|identify|tell\s+me\s+about)\b/.test(lower) &&
    !CUES.similarity.test(clause) && !props.length && !CUES.targets.test(clause)
  ) a.push("lookup");
  if (CUES.common.test(clause) && /\btargets?\b/.test(lower)) a.push("common_targets");
  else if (
    /\b(?:other|more|additional)\s+(?:drugs|compounds|ligands|molecules|inhibitors)\b|\bwhat\s+(?:else|other)\b|\bother\s+ligands\b|\bhit\s+(?:them|those|the\s+same)\b/
      .test(lower)
  ) a.push("other_ligands");
  else if (
    hasTargetEntity && !hasCompoundEntity && (CUES.ligands.test(clause) || !CUES.targets.test(clause))
  ) a.push("ligands");
  else if (
    /\b(?:targets?|mechanisms?(?:\s+of\s+action)?|moa|targeted|targeting|(?:what|which)\s+(?:\w+\s+){0,2}(?:does|do)\s+\S+(?:\s+\S+)?\s+(?:target|bind|inhibit|block|activate|hit|do)|how\s+does\s+\S+\s+work|bind(?:s|ing)?\s+to|act\s+on)\b/
      .test(lower)
  ) a.push("targets");
  if (/\b(?:compare|comparison|which\s+(?:one\s+)?(?:has|is)|versus|vs\.?)\b/.test(lower)) a.push("compare");
  if (CUES.similarity.test(clause)) a.push("similar");
  if (CUES.substructure.test(clause) && !CUES.similarity.test(clause)) a.push("substructure");
  if (props.includes("lipinski") || props.includes("veber")) a.push("lipinski");
  if (
    props.some((p) => p !== "lipinski" && p !== "veber") && !a.includes("compare") &&
    !/\bthe\s+one\s+with\b/.test(lower) &&
    !/\b(?:rank|sort|order)\w*\s+(?:them\s+|these\s+|those\s+|the\s+\w+\s+)?by\b/.test(lower)
  ) a.push("properties");
  if (
    /\b(?:rank|sort|order)\w*\b/.test(lower) ||
    /\b(?:highest|lowest)\b/.test(lower) && !/\bwhich\b/.test(lower)
  ) a.push("rank");
  return [...new Set(a)];
}

/** Parses a question into an intent (no LLM). Throws only for empty or oversized input. */
export function parseQuestion(raw: string, ctx: ParseContext): Parsed {
  const text = raw.replace(/\s+/g, " ").trim();
  if (!text) {
    throw new ChemAgentError(
      "empty_query",
      'The query is empty. Ask e.g. "What are the targets of imatinib?"',
    );
  }
  if (text.length > ctx.maxLength) {
    throw new ChemAgentError(
      "invalid_request",
      `The query is ${text.length} characters long; the limit is ${ctx.maxLength}.`,
    );
  }
  const constraints = parseConstraints(text);
  const rec: Recognised = recognise(text, ctx.data, ctx.chem, constraints.spans);
  const entities = emptyEntities();
  const mentions = propertyMentions(text);
  entities.properties = [...new Set(mentions.map((m) => m.property))];
  entities.filters = constraints.filters;
  if (constraints.threshold !== undefined) entities.threshold = constraints.threshold;
  if (constraints.limit !== undefined) entities.limit = constraints.limit;
  if (constraints.unsupported.length) entities.unsupported = constraints.unsupported;
  entities.compounds = dedupeRefs(
    rec.found.filter((f) => f.kind === "compound").map((f) => ({
      text: f.text,
      ...(f.id ? { id: f.id } : {}),
    })),
  );
  entities.smiles = [...new Set(rec.found.filter((f) => f.kind === "smiles").map((f) => f.text))];
  entities.targets = dedupeRefs(
    rec.found.filter((f) => f.kind === "target").map((f) => ({
      text: f.text,
      ...(f.id ? { id: f.id } : {}),
    })),
  );
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
  const group = FUNCTIONAL_GROUPS.find(([re]) => re.test(text));
  const unknown = rec.unknown.map((u) => u.text);
  const ambiguous = rec.found.filter((f) => f.kind !== "smiles" && !/^CHEMBL\d+$/i.test(f.text)).map((f) => ({
    text: f.text,
    compoundIds: f.kind === "compound" || f.alsoTarget
      ? [...new Set(ctx.data.compoundsByName(f.text).map((c) => c.id))]
      : [],
    ...(f.alsoTarget ? { targetId: f.targetId } : {}),
  })).filter((a) =>
    a.targetId ||
    new Set(a.compoundIds.map((id) => ctx.data.compoundById(id)?.inchikey?.slice(0, 14) ?? id)).size > 1
  );
  const base: Omit<Parsed, "intent"> = {
    unknown,
    actions: [],
    dangling: false,
    ...(ambiguous.length ? { ambiguous } : {}),
  };
  const mk = (type: IntentType, confidence: number, extra: Partial<Parsed> = {}): Parsed => ({
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
        {
          suggestions: [rec.glued[0].replace(/(?=CHEMBL)/gi, " ").trim().split(/\s+/).join(", ")],
        },
      ),
    });
  }

  const molecules = entities.compounds.length + entities.smiles.length;
  if (
    rec.badSmiles.length && molecules === 0 &&
    !(CUES.substructure.test(text) && rec.badSmiles.some((b) => b.smarts))
  ) {
    return mk("unknown", 0.5, { error: new ChemAgentError("invalid_smiles", rec.badSmiles[0].message) });
  }
  const hasTargets = entities.targets.length > 0;
  const smarts = rec.badSmiles.find((b) => b.smarts)?.text;
  const substructure =
    (entities.smiles.length || smarts) && CUES.substructure.test(text) && !CUES.similarity.test(text)
      ? { query: entities.smiles[0] ?? smarts!, label: entities.smiles[0] ?? smarts! }
      : group && (CUES.substructure.test(text) || /\b(?:with|having|has)\b/i.test(text)) &&
          !CUES.similarity.test(text)
      ? { query: group[1], label: group[2] }
      : undefined;
  if (substructure) base.substructure = substructure;

  // Clauses joined by connectors make a workflow; each contributes actions in order.
  // Filter expressions ("MW < 300") are constraints, not requests to show properties: blank them out first.
  let actionText = text;
  for (const [s, e] of constraints.filterSpans) {
    const prop = mentions.filter((m) => m.end <= s && s - m.end <= 25).pop();
    const from = prop ? prop.start : s;
    actionText = actionText.slice(0, from) + " ".repeat(e - from) + actionText.slice(e);
  }
  const clauses = actionText.split(CONNECTOR).filter((c) => c && c.trim().length > 1);
  let actions = clauses.flatMap((c, i) =>
    clauseActions(c, hasTargets && (i === 0 || !PRONOUN.test(c)), molecules > 0 && i === 0)
  );
  // "targets of compounds similar to X": similarity feeds the target lookup.
  if (
    actions.includes("targets") && actions.includes("similar") &&
    actions.indexOf("targets") < actions.indexOf("similar")
  ) {
    actions = ["similar", "targets", ...actions.filter((a) => a !== "similar" && a !== "targets")];
  }
  actions = [...new Set(actions)];
  if (actions.length > 1 && actions[0] === "lookup" && actions.length > 1) {
    actions = actions.filter((a, i) => a !== "lookup" || i === 0);
  }
  base.actions = actions;
  base.dangling = PRONOUN.test(text) && molecules === 0 && !hasTargets;

  // --- nothing recognised ---
  if (molecules === 0 && !hasTargets) {
    const wordCount = (text.match(WORDS) ?? []).length;
    if (substructure) return mk("substructure_search", 0.9, { actions: ["substructure"] });
    if (entities.filters.length && !OUT_OF_SCOPE.test(text)) {
      return mk("property_filter", 0.9, {
        actions: ["filter", ...(actions.includes("rank") ? ["rank" as const] : [])],
      });
    }
    if (OUT_OF_SCOPE.test(text) && !IN_SCOPE.test(text)) {
      return mk("out_of_scope", 0.95, {
        error: new ChemAgentError(
          "out_of_scope",
          "That is outside what ChemAgent does: it answers questions about compounds, their properties, structures and targets.",
          {
            suggestions: [
              "What are the targets of imatinib?",
              "Find compounds similar to ibuprofen with MW < 300",
              "Is aspirin drug-like?",
            ],
          },
        ),
      });
    }
    if (base.dangling) {
      return mk("unknown", 0.3, {
        error: new ChemAgentError(
          "incomplete_query",
          "Which compound do you mean? Name it, give a ChEMBL ID or a SMILES.",
        ),
      });
    }
    if (unknown.length && (actions.length || IN_SCOPE.test(text) || wordCount <= 3) && !isMash(text)) {
      const suggestions = unknown.flatMap((u) => ctx.data.compoundSuggestions.suggest(u.toLowerCase(), 3));
      const targetSugg = unknown.flatMap((u) => ctx.data.targetSuggestions.suggest(u.toLowerCase(), 2));
      const type: IntentType = actions.includes("similar")
        ? "similarity_search"
        : actions.includes("ligands")
        ? "reverse_target_query"
        : actions.includes("targets")
        ? "target_query"
        : entities.properties.length
        ? "property_query"
        : "compound_lookup";
      const what = unknown.find((u) =>
        suggestions.length === 0 || ctx.data.compoundSuggestions.suggest(u.toLowerCase(), 1).length
      ) ?? unknown[0];
      return mk(type, 0.6, {
        error: new ChemAgentError(
          "not_found",
          `No compound or target named "${what}" in the offline dataset.` +
            (suggestions.length || targetSugg.length
              ? ` Did you mean ${[...new Set([...suggestions, ...targetSugg])].slice(0, 3).join(", ")}?`
              : ""),
          {
            suggestions: [...new Set([...suggestions, ...targetSugg])].slice(0, 5),
          },
        ),
      });
    }
    if (isMash(text)) {
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
    if (IN_SCOPE.test(text) || actions.length || entities.properties.length || wordCount <= 3) {
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
    return mk("out_of_scope", 0.7, {
      error: new ChemAgentError(
        "out_of_scope",
        "That does not look like a chemistry question. ChemAgent answers questions about compounds, properties, structures and targets.",
        {
          suggestions: ["What are the targets of imatinib?", "Is aspirin drug-like?"],
        },
      ),
    });
  }

  // --- entities present ---
  const unresolved = unknown.length > 0 && /\b(?:and|vs\.?|versus|with|or|,)\b/i.test(text) &&
    molecules >= 1 && (CUES.compare.test(text) || CUES.common.test(text));
  const conf = (c: number) => c - (unresolved ? 0.1 : 0) - (entities.unsupported?.length ? 0.05 : 0);
  const first = actions[0];
  // A workflow asks for two different things, or chains a look-up into something else with "then"/"and …".
  const chained = clauses.length > 1 && actions.length > 1;
  const workflow = (new Set(actions.filter((a) => a !== "lookup")).size > 1 || chained) &&
    !(actions.length === 2 && actions.includes("properties") && actions.includes("lipinski")) &&
    !(new Set(actions).size === 2 && actions.includes("similar") && actions.includes("rank") &&
      !clauses.slice(1).length);

  if (CUES.common.test(text) && /\btargets?\b/i.test(text) && molecules >= 2) {
    return mk(
      workflow && actions.some((a) => a === "similar" || a === "other_ligands")
        ? "multi_step_workflow"
        : "target_comparison",
      conf(0.95),
      {
        actions: ["common_targets", ...actions.filter((a) => a !== "common_targets" && a !== "targets")],
      },
    );
  }
  if (workflow) return mk("multi_step_workflow", conf(0.9));
  if (hasTargets && molecules === 0) {
    return mk("reverse_target_query", conf(actions.includes("ligands") ? 0.95 : 0.85), {
      actions: ["ligands"],
    });
  }
  if (hasTargets && molecules > 0 && first === "ligands") {
    return mk("reverse_target_query", conf(0.8), { actions: ["ligands"] });
  }
  // "compare aspirin with fakeium": the unknown name joins the comparison and fails there (partial result).
  if (molecules === 1 && unknown.length && /\b(?:compare|versus|vs\.?)\b/i.test(text)) {
    entities.compounds.push(...unknown.slice(0, 1).map((u) => ({ text: u })));
  }
  const comparing = entities.compounds.length + entities.smiles.length >= 2 &&
    (CUES.compare.test(text) || !!entities.comparison) && !actions.includes("targets");
  if (comparing) {
    return mk(
      "property_comparison",
      conf(entities.comparison || /\bcompare|vs\.?|versus\b/i.test(text) ? 0.95 : 0.85),
      { actions: ["compare"] },
    );
  }
  if (first === "similar" || actions.includes("similar")) {
    return mk("similarity_search", conf(0.95), {
      actions: [
        "similar",
        ...(entities.filters.length ? ["filter" as const] : []),
        ...(actions.includes("rank") ? ["rank" as const] : []),
      ],
    });
  }
  if (substructure || actions.includes("substructure")) {
    if (entities.smiles.length || substructure) {
      return mk("substructure_search", conf(0.9), { actions: ["substructure"] });
    }
  }
  if (actions.includes("targets")) {
    return mk(molecules > 2 ? "batch_query" : "target_query", conf(0.95), { actions: ["targets"] });
  }
  if (entities.filters.length && molecules >= 2) {
    return mk("property_filter", conf(0.85), { actions: ["filter"] });
  }
  if (entities.properties.length) {
    return mk(molecules >= 3 ? "batch_query" : "property_query", conf(0.95), {
      actions: [actions.includes("lipinski") && !actions.includes("properties") ? "lipinski" : "properties"],
    });
  }
  if (molecules >= 3) return mk("batch_query", conf(0.9), { actions: ["lookup"] });
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
