/** @module Intent decision: what was read (entities, cues, constraints) → the intent and its actions, or the
 * error that says what is missing. */
import { ChemAgentError } from "../errors.ts";
import type { Entities, IntentType } from "../types.ts";
import { type Action, picked, PRONOUN } from "./actions.ts";
import { COMPARATIVES, CUES, IN_SCOPE, OUT_OF_SCOPE, TARGET_FIELDS } from "./lexicon.ts";
import type { ParseContext, Parsed, Reading } from "./reading.ts";
import { TARGET_KINDS } from "./uses.ts";
import { isFiller } from "./coverage.ts";

const WORDS = /[a-z]+/gi;
/** Properties that name a structure rather than measure it. */
const IDENTIFIERS = new Set(["smiles", "inchikey", "inchi"]);
/** Words that start a question or a request ("What is the", "Tell me" are unfinished, "the" is nothing). */
const ASKING =
  /^(?:what|which|who|how|why|when|where|tell|show|give|list|find|get|is|are|does|do|can|could|would|please)$/i;
const ENGLISH =
  /\b(?:the|is|are|what|how|who|why|when|where|a|an|of|to|in|for|on|do|does|can|you|i|me|my|it|this|that|please|tell|give)\b/i;

const clip = (s: string) => (s.length > 50 ? s.slice(0, 47) + "…" : s);

type Make = (type: IntentType, confidence: number, extra?: Partial<Parsed>) => Parsed;

/** Decides the intent from what was read. */
export function classify(r: Reading, ctx: ParseContext): Parsed {
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
    // The operation asked still reads ("MW of C1CC(": a property query on a structure that does not parse).
    return mk(askedOperation(r), 0.5, {
      error: rec.badSmiles[0].error ?? new ChemAgentError("invalid_smiles", rec.badSmiles[0].message),
    });
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
  // "what time is it in Tokyo": an off-topic question whose only "names" are short common words (a named
  // functional group is chemistry: "hey, anything with a urea in it?").
  if (
    OUT_OF_SCOPE.test(r.text) && !IN_SCOPE.test(r.text) && !r.substructure &&
    rec.found.every((f) => {
      const typed = r.text.slice(f.start, f.end);
      return typed.length <= 5 && typed === typed.toLowerCase();
    })
  ) return mk("out_of_scope", 0.8, { error: OUT_OF_SCOPE_ERROR() });
  const subjects = molecules + entities.targets.length + (entities.classes?.length ?? 0);
  base.dangling = PRONOUN.test(r.text) && subjects === 0;
  return subjects === 0 ? withoutEntities(r, mk, ctx) : withEntities(r, mk);
}

/** The operation a question asks for, read from its cues alone (when its subject is missing or broken). */
function askedOperation(r: Reading): IntentType {
  if (CUES.similarity.test(r.text)) return "similarity_search";
  if (r.entities.properties.length || /\bpropert(?:y|ies)\b/i.test(r.text)) return "property_query";
  if (CUES.targets.test(r.text)) return "target_query";
  return "unknown";
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
  return datasetQuestion(r, mk) ?? unnamedSubject(r, mk, ctx);
}

/** A question about the whole dataset: a substructure pattern, or filters (possibly on unavailable data). */
function datasetQuestion(r: Reading, mk: Make): Parsed | null {
  const { text, entities, actions } = r;
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
  return null;
}

/** Nothing named and nothing dataset-wide: off topic, an unknown name, gibberish or an incomplete question. */
function unnamedSubject(r: Reading, mk: Make, ctx: ParseContext): Parsed {
  const { text, entities, actions } = r;
  const wordCount = (text.match(WORDS) ?? []).length;
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
  // "the": nothing but a function word is not a question at all.
  const words = text.match(WORDS) ?? [];
  if (!words.some((w) => !isFiller(w) || ASKING.test(w))) {
    return mk("unknown", 0.1, {
      error: new ChemAgentError(
        "unrecognized_query",
        "I could not make sense of that. Ask about a compound, a property, a structure or a target.",
        { suggestions: ["What is the molecular weight of aspirin?", "Targets of imatinib"] },
      ),
    });
  }
  if (
    IN_SCOPE.test(text) || actions.length || entities.properties.length || wordCount <= 3 ||
    r.unavailable.length
  ) {
    // "similar to", "targets": the operation is clear, only its subject is missing.
    return mk(askedOperation(r), 0.3, {
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
/** What every entity rule needs: the reading, the intent maker and the counts it decides on. */
interface Rule {
  r: Reading;
  mk: Make;
  conf: (c: number) => number;
  text: string;
  entities: Reading["entities"];
  clauses: string[];
  actions: Action[];
  molecules: number;
  hasTargets: boolean;
  targetFields: string[];
  compoundFields: string[];
}

/** Something named: which operation on it. The rules are tried in order; the first that applies decides. */
function withEntities(r: Reading, mk: Make): Parsed {
  const { text, entities, clauses, actions } = r;
  const molecules = entities.compounds.length + entities.smiles.length;
  const unresolved = r.unknown.length > 0 && /\b(?:and|vs\.?|versus|with|or|,)\b/i.test(text) &&
    molecules >= 1 && (CUES.compare.test(text) || CUES.common.test(text));
  const fields = r.fields.map((f) => f.field);
  const rule: Rule = {
    r,
    mk,
    conf: (c) => c - (unresolved ? 0.1 : 0) - (entities.unsupported?.length ? 0.05 : 0),
    text,
    entities,
    clauses,
    actions,
    molecules,
    hasTargets: entities.targets.length > 0,
    targetFields: fields.filter((f) => TARGET_FIELDS.has(f)),
    compoundFields: fields.filter((f) => !TARGET_FIELDS.has(f)),
  };
  for (const decide of ENTITY_RULES) {
    const parsed = decide(rule);
    if (parsed) return parsed;
  }
  return singleOperation(rule);
}

const ENTITY_RULES: ((w: Rule) => Parsed | null)[] = [
  unavailableOnly,
  classQuestion,
  sharedLigands,
  targetRecord,
  targetSets,
  ligandsOfTargets,
  namedSetComparison,
  workflowRule,
  ligandsFirst,
  propertyComparison,
];

/** Only data the source lacks was asked: decline by name, show the related data that exists. */
function unavailableOnly(w: Rule): Parsed | null {
  const { r, mk, conf, text, entities, actions, molecules, compoundFields } = w;
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
  return null;
}

/** Drug classes: members with filters and ranking, membership of named compounds, targets of members. */
function classQuestion(w: Rule): Parsed | null {
  const { mk, conf, text, entities, actions, molecules, hasTargets } = w;
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
  return null;
}

/** Ligands shared by several targets ("drugs hitting both DRD2 and HTR2A"). */
function sharedLigands(w: Rule): Parsed | null {
  const { mk, conf, text, entities, clauses, molecules } = w;
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
  return null;
}

/** A target's own record ("UniProt accession of EGFR"). */
function targetRecord(w: Rule): Parsed | null {
  const { mk, conf, molecules, hasTargets, targetFields } = w;
  if (targetFields.length && hasTargets && !molecules) {
    return mk("target_query", conf(0.9), { actions: ["fields"] });
  }
  return null;
}

/** Target sets of named compounds compared or intersected. */
function targetSets(w: Rule): Parsed | null {
  const { r, mk, conf, text, entities, clauses, actions, molecules } = w;
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
  return null;
}

/** Targets named and nothing else asked of them: their ligands. */
function ligandsOfTargets(w: Rule): Parsed | null {
  const { mk, conf, clauses, actions, molecules, hasTargets } = w;
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
  return null;
}

/** Named compounds ranked or put side by side by a property. */
function namedSetComparison(w: Rule): Parsed | null {
  const { mk, conf, text, entities, clauses, actions, molecules } = w;
  // "rank A, B, C by MW", "side by side properties of A and B", "are A and B both Lipinski compliant".
  if (
    molecules >= 2 && clauses.length === 1 &&
    !actions.some((a) => ["similar", "targets", "ligands", "substructure"].includes(a)) &&
    (entities.properties.length || actions.includes("lipinski")) &&
    /\b(?:rank|sort|order)\w*\b|\bside\s+by\s+side\b|\bboth\b|\bcompare\b|\bcomparison\b/i.test(text)
  ) {
    return mk("property_comparison", conf(0.9), { actions: ["compare"] });
  }
  return null;
}

/** Several operations chained: a workflow. */
function workflowRule(w: Rule): Parsed | null {
  const { mk, conf, entities, clauses, actions } = w;
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
  return null;
}

/** Ligands asked first (targets named, or compounds named after the ligand ask). */
function ligandsFirst(w: Rule): Parsed | null {
  const { mk, conf, actions, molecules, hasTargets } = w;
  if (hasTargets && molecules === 0) {
    return mk("reverse_target_query", conf(actions.includes("ligands") ? 0.95 : 0.85), {
      actions: ["ligands"],
    });
  }
  if (hasTargets && molecules > 0 && actions[0] === "ligands") {
    return mk("reverse_target_query", conf(0.8), { actions: ["ligands"] });
  }
  return null;
}

/** Two or more named compounds compared by a property. */
function propertyComparison(w: Rule): Parsed | null {
  const { r, mk, conf, text, entities, actions, molecules } = w;
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
  return null;
}

/** One operation on the named subject: similarity, substructure, targets, filter, fields, properties, look-up. */
function singleOperation(w: Rule): Parsed {
  const { r, mk, conf, text, entities, compoundFields } = w;
  let { actions } = w;
  const all = entities.compounds.length + entities.smiles.length;
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
    // A batch is three or more molecules that resolve; an unknown name among two is a partial property query.
    const known = entities.compounds.filter((c) => c.id).length + entities.smiles.length;
    // "SMILES for caffeine", "InChIKey of ibuprofen": identifiers are read off the record (a look-up).
    const identifiers = entities.properties.every((p) => IDENTIFIERS.has(p)) && all === 1 &&
      !/\bstructure\b/i.test(text);
    return mk(
      known >= 3 ? "batch_query" : identifiers ? "compound_lookup" : "property_query",
      conf(0.95),
      {
        actions: [
          actions.includes("lipinski") && !actions.includes("properties") ? "lipinski" : "properties",
        ],
      },
    );
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
