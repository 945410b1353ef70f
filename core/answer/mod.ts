/** @module Answers: step outcomes → status, structured result, markdown and provenance. */
import { type ErrorBody, toErrorBody } from "../errors.ts";
import type { StepOutcome } from "../execute/mod.ts";
import type { Parsed } from "../intent/parse.ts";
import type { Provenance } from "../tools/context.ts";
import { dedupeProvenance } from "../tools/views.ts";
import type { Plan, QueryStatus } from "../types.ts";
import { collapseIntermediate, leadOnly, renderEach, renderOutput } from "./render.ts";
import { unavailableNote } from "../intent/unavailable.ts";
import { CUES } from "../intent/lexicon.ts";

export interface Answer {
  status: QueryStatus;
  result: Record<string, unknown>;
  answer: string;
  provenance: Provenance[];
  error?: ErrorBody;
  notes: string[];
}

/** Where each tool's output lands in the structured result. */
const RESULT_KEYS: Record<string, string> = {
  compound_lookup: "compounds",
  properties: "properties",
  lipinski: "properties",
  similarity_search: "similar",
  substructure_search: "substructure",
  targets_of_compound: "targets",
  ligands_of_target: "ligands",
  compare_properties: "comparison",
  filter_by_properties: "filtered",
  rank: "ranked",
  intersect_targets: "common_targets",
  intersect_ligands: "common_ligands",
  class_members: "class_members",
  target_lookup: "target",
  compare_library: "library_comparison",
};

/** What the question asked that the answer could not serve: unused words, unavailable data, potency limits. */
function unservedNotes(parsed: Parsed): { notes: string[]; error?: ErrorBody } {
  const notes: string[] = [];
  const unsupported = parsed.intent.entities.unsupported ?? [];
  const unavailable = parsed.unavailable ?? [];
  const u = parsed.understanding;
  for (const c of u?.corrections ?? []) notes.push(`Read "${c.from}" as ${c.to}.`);
  const potency = unsupported.filter((u) => CUES.potency.test(u));
  const other = unsupported.filter((u) => !CUES.potency.test(u));
  if (potency.length) {
    notes.push(
      `Potency constraints (${
        potency.join(", ")
      }) were not applied: the offline dataset has no IC50/Ki values. A ChEMBL PostgreSQL database (CHEMAGENT_DATA=postgres) has them.`,
    );
  }
  if (other.length) {
    notes.push(`Constraints on data the offline dataset lacks (${other.join(", ")}) were not applied.`);
  }
  if (unavailable.length) notes.push(unavailableNote(unavailable));
  if (u?.unused.length) {
    const words = u.unused.map((w) => `"${w.text}"`).join(", ");
    notes.push(`Not understood, so not used: ${words}. The answer covers the rest of the question only.`);
  }
  const missing = [
    ...unavailable.map((a) =>
      a.text.toLowerCase() === a.name.toLowerCase() ? a.name : `${a.text} (${a.name})`
    ),
    ...unsupported,
  ];
  const error: ErrorBody | undefined = missing.length
    ? {
      code: "not_available",
      message: `Not in the offline data: ${missing.join(", ")}.`,
      details: { not_available: missing },
    }
    : undefined;
  return { notes, ...(error ? { error } : {}) };
}

export function composeAnswer(
  parsed: Parsed,
  plan: Plan,
  outcomes: Map<string, StepOutcome>,
  datasetLabel: string,
): Answer {
  const unserved = unservedNotes(parsed);
  const notes: string[] = parsed.error ? [] : [...unserved.notes];
  if (plan.truncated) {
    notes.push(
      `Only the first ${plan.truncated.used} of ${plan.truncated.given} compounds were processed (batch limit ${plan.truncated.used}).`,
    );
  }
  if (parsed.error) {
    return {
      status: "error",
      result: {},
      answer: errorMarkdown(parsed.error.toBody()),
      provenance: [],
      error: parsed.error.toBody(),
      notes,
    };
  }
  const list = plan.steps.map((s) => outcomes.get(s.id)!).filter(Boolean);
  const ok = list.filter((o) => o.status === "ok");
  const failed = list.filter((o) => o.status === "error");
  const skipped = list.filter((o) => o.status === "skipped");
  const result: Record<string, unknown> = {
    steps: Object.fromEntries(list.map((o) => [o.id, stepSummary(o)])),
  };
  for (const o of ok) {
    const key = RESULT_KEYS[o.tool] ?? o.tool;
    const value = o.output!;
    if (plan.steps.find((s) => s.id === o.id)?.for_each) {
      result[`${key}_each`] = value.items;
    } else if (key === "compounds" || key === "properties" || key === "targets" || key === "ligands") {
      result[key] = [...((result[key] as unknown[]) ?? []), stripProvenance(value)];
    } else result[key] = stripProvenance(value);
  }
  const focus = parsed.intent.entities.properties;
  const multi = list.length > 1 &&
    (parsed.intent.type === "multi_step_workflow" || new Set(list.map((o) => o.tool)).size > 1);
  const sections = list.filter((o) => o.status !== "skipped" || multi).map((o, i) => {
    const step = plan.steps.find((s) => s.id === o.id)!;
    const body = o.status === "ok"
      ? (step.for_each ? renderEach(o.tool, o.output!) : renderOutput(o.tool, o.output!, focus))
      : o.status === "error"
      ? `⚠️ ${o.error!.message}${
        o.error!.suggestions?.length ? ` (suggestions: ${o.error!.suggestions.join(", ")})` : ""
      }`
      : `_Skipped: an earlier step it needs did not succeed._`;
    const feedsLater = plan.steps.some((s) => s.depends_on.includes(o.id));
    const narrowed = o.status === "ok" && narrowedLater(plan, o.id, outcomes);
    return multi
      ? `### ${i + 1}. ${capitalise(step.label ?? o.tool)}\n\n${
        narrowed ? leadOnly(body) : feedsLater ? collapseIntermediate(body) : body
      }`
      : body;
  });
  // Tools say what they could not apply (e.g. a route the data does not record): that is not a plain success.
  const toolNotes = ok.flatMap((o) => (Array.isArray(o.output!.notes) ? o.output!.notes as string[] : []));
  for (const n of toolNotes) notes.push(n.replace(/^not_available:\s*/, "Not available: "));
  const provenance = dedupeProvenance(ok.flatMap((o) => (o.output!.provenance as Provenance[]) ?? []));
  let status: QueryStatus = "success";
  let error: ErrorBody | undefined;
  if (!list.length && parsed.onlyUnavailable && unserved.error) {
    status = "error";
    error = unserved.error;
  } else if (!list.length) {
    status = "error";
    error = {
      code: "incomplete_query",
      message: "Nothing to do: the question names no compound, target or structure I could use.",
    };
  } else if (!ok.length) {
    status = "error";
    error = failed[0]?.error ?? toErrorBody(new Error("no step ran"));
  } else if (failed.length || skipped.length) {
    status = "partial";
    const first = failed[0]?.error;
    error = {
      code: "partial_failure",
      message: `${ok.length} of ${list.length} steps succeeded.` + (first ? ` ${first.message}` : ""),
      ...(first?.suggestions?.length ? { suggestions: first.suggestions } : {}),
      details: {
        failed: failed.map((f) => ({ step: f.id, tool: f.tool, error: f.error })),
        skipped: skipped.map((s) => s.id),
      },
    };
  }
  // No bluffing: what the question asked and the answer could not serve makes the answer partial — or, when
  // nothing it asked is in the data, an honest not_available that still shows the related data.
  if (parsed.onlyUnavailable && unserved.error && status !== "error") {
    status = "error";
    error = unserved.error;
  } else if (
    status === "success" &&
    (unserved.notes.some((n) => !n.startsWith("Read ")) ||
      toolNotes.some((n) => n.startsWith("not_available")))
  ) {
    status = "partial";
    error = unserved.error ??
      (toolNotes.some((n) => n.startsWith("not_available"))
        ? { code: "not_available", message: toolNotes.find((n) => n.startsWith("not_available"))!.slice(15) }
        : undefined);
  } else if (status === "partial" && unserved.error && error) {
    error = { ...error, details: { ...error.details, not_available: unserved.error.details?.not_available } };
  }
  const footer = `\n\n---\n_Source: ${datasetLabel}._`;
  const related = parsed.onlyUnavailable && ok.length
    ? `\n\nWhat the offline data does have:\n\n${sections.join("\n\n")}`
    : "";
  const answer = (status === "error" ? errorMarkdown(error!) + related : sections.join("\n\n")) +
    (notes.length ? `\n\n> ${notes.join("\n> ")}` : "") + (ok.length ? footer : "");
  return { status, result, answer, provenance, error, notes };
}

/** Tools that narrow an earlier step's list to what the question asked (its rows, filtered or ordered). */
const NARROWING = new Set(["filter_by_properties", "rank"]);

/** True when a later step that ran filters or ranks this step's rows: its own table is not the answer. */
function narrowedLater(plan: Plan, id: string, outcomes: Map<string, StepOutcome>): boolean {
  return plan.steps.some((s) =>
    NARROWING.has(s.tool) && s.depends_on.includes(id) && outcomes.get(s.id)?.status === "ok" &&
    JSON.stringify(s.args.compounds ?? "").includes(`"$from":"${id}"`)
  );
}

function stepSummary(o: StepOutcome) {
  return { tool: o.tool, status: o.status, ms: o.ms, ...(o.error ? { error: o.error } : {}) };
}

function stripProvenance(v: Record<string, unknown>) {
  const { provenance: _p, ...rest } = v;
  return rest;
}

function errorMarkdown(e: ErrorBody): string {
  return `**${e.message}**` +
    (e.suggestions?.length ? `\n\nTry: ${e.suggestions.map((s) => `“${s}”`).join(" · ")}` : "");
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
