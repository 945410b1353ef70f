/** @module One question end to end: parse → plan → execute → answer, as a stream of QueryEvents. */
import { composeAnswer } from "./answer/mod.ts";
import { type ErrorBody, toErrorBody } from "./errors.ts";
import { withSpan } from "./obs/tracing.ts";
import type { EventStream } from "./execute/events.ts";
import { executePlan, type RunTool } from "./execute/mod.ts";
import type { Clarification } from "./intent/clarify.ts";
import { type ParseContext, type Parsed, parseQuestion } from "./intent/parse.ts";
import { planFor } from "./plan/mod.ts";
import type { Intent, Plan, QueryRequest, QueryResponse, Understanding } from "./types.ts";
import { ChemAgentError } from "./errors.ts";
import {
  comparePlan,
  type LibraryScope,
  rankingAsked,
  rankPlan,
  scopedUnderstanding,
  scopePlan,
  UnknownLibrary,
} from "./intent/library_scope.ts";

export interface PipelineDeps {
  parse: ParseContext;
  /** Decides whether to ask instead of guess (null = go ahead). */
  clarify?: (parsed: Parsed, text: string) => Clarification | null;
  /** Optional second opinion for low-confidence parses (the LLM); returns a better parse or null. */
  refine?: (
    parsed: Parsed,
    text: string,
    signal?: AbortSignal,
  ) => Promise<{ parsed: Parsed; note?: string } | null>;
  runTool: RunTool;
  stepTimeoutMs: number;
  datasetLabel: string;
  /** The library the question names, if any (throws not_found for a library the caller does not have). */
  scope?: (text: string) => LibraryScope | null;
}

export interface PipelineOptions {
  /** Set when the question was rewritten from conversation context. */
  resolved?: { original: string; how: string };
  signal?: AbortSignal;
  gate?: () => Promise<void>;
  parallel?: boolean;
}

const UNKNOWN: Intent = {
  type: "unknown",
  confidence: 0,
  source: "rules",
  entities: { compounds: [], smiles: [], targets: [], properties: [], filters: [] },
};
const NOTHING_UNDERSTOOD: Understanding = { used: [], unused: [], corrections: [] };
const elapsed = (t0: number) => Math.round((performance.now() - t0) * 1000) / 1000;

type Timing = QueryResponse["timing_ms"];
/** The fields every response of this query shares. */
type Base = Pick<QueryResponse, "query_id" | "session_id" | "cached">;

/** Runs the pipeline; emits parsing/planning/step events (the caller emits accepted and the final event). */
export async function runPipeline(
  req: QueryRequest,
  events: EventStream,
  deps: PipelineDeps,
  opts: PipelineOptions = {},
): Promise<QueryResponse> {
  const t0 = performance.now();
  const timing: Timing = { total: 0, parse: 0, plan: 0, execute: 0 };
  const base: Base = {
    query_id: events.queryId,
    ...(req.session_id ? { session_id: req.session_id } : {}),
    cached: false,
  };
  const notes: string[] = [];
  events.emit("parsing", {}, 0.05);
  let parsed: Parsed;
  let plan: Plan;
  // What a question over a library was read as, kept when the library cannot serve it.
  let readAs: Intent | undefined;
  let scope: LibraryScope | null = null;
  try {
    const tp = performance.now();
    scope = typeof req.query === "string" ? deps.scope?.(req.query) ?? null : null;
    const asked = scope ? { ...req, query: scope.text } : req;
    parsed = await understand(asked, deps, opts, notes);
    timing.parse = elapsed(tp);
    const tl = performance.now();
    plan = scope?.compareApproved ? comparePlan(scope) : await planQuestion(parsed, asked);
    timing.plan = elapsed(tl);
    if (scope) {
      readAs = parsed.intent;
      ({ parsed, plan } = applyScope(parsed, plan, scope));
    }
  } catch (e) {
    // "find compounds similar to imatinib in my GPCR screen library": not_found for the library, with the
    // intent of the rest of the question.
    let intent = readAs ?? UNKNOWN;
    if (e instanceof UnknownLibrary) {
      try {
        const rest = await understand({ ...req, query: e.rest }, deps, opts, []);
        intent = rankingAsked(rest.intent.entities, e.rest) && !rest.substructure
          ? { ...rest.intent, type: "property_filter" }
          : rest.intent;
      } catch { /* the library error is the answer */ }
    }
    timing.total = elapsed(t0);
    return failed(base, intent, { steps: [] }, NOTHING_UNDERSTOOD, toErrorBody(e), timing, notes);
  }
  const understanding = parsed.understanding ?? NOTHING_UNDERSTOOD;
  const clarification = deps.clarify?.(parsed, req.query);
  if (clarification) {
    timing.total = elapsed(t0);
    return askBack(base, parsed, understanding, clarification, events, timing, notes);
  }
  events.emit("planning", { intent: parsed.intent, plan }, 0.1);
  const te = performance.now();
  try {
    const outcomes = await execute(plan, events, deps, opts);
    timing.execute = elapsed(te);
    // An answer over a user's library names it as its source first (its rows are not the built-in data).
    const source = scope
      ? `library ${scope.library.meta.name} (${scope.library.meta.id}, uploaded ${
        scope.library.meta.created_at.slice(0, 10)
      }) and ${deps.datasetLabel}`
      : deps.datasetLabel;
    const answer = composeAnswer(parsed, plan, outcomes, source);
    timing.total = elapsed(t0);
    return {
      ...base,
      status: answer.status,
      success: answer.status === "success" || answer.status === "partial",
      intent: parsed.intent,
      plan,
      result: answer.result,
      answer: answer.answer,
      ...(answer.error ? { error: answer.error } : {}),
      provenance: answer.provenance,
      timing_ms: timing,
      understanding,
      notes: [...notes, ...answer.notes],
    };
  } catch (e) {
    const error = opts.signal?.aborted
      ? { code: "cancelled" as const, message: "The query was cancelled." }
      : toErrorBody(e);
    timing.execute = elapsed(te);
    timing.total = elapsed(t0);
    return failed(base, parsed.intent, plan, understanding, error, timing, notes);
  }
}

/** Parse, then the LLM's second opinion when configured, then mark a question rewritten from context; notes
 * on how the question was read are appended to `notes`. */
async function understand(
  req: QueryRequest,
  deps: PipelineDeps,
  opts: PipelineOptions,
  notes: string[],
): Promise<Parsed> {
  let parsed = await withSpan("parse", {}, (span) => {
    const p = parseQuestion(req.query ?? "", deps.parse);
    span.setAttributes({ "chemagent.intent": p.intent.type, "chemagent.confidence": p.intent.confidence });
    return p;
  });
  if (deps.refine) {
    const better = await withSpan("llm.refine", {}, () => deps.refine!(parsed, req.query, opts.signal));
    if (better) {
      // The LLM's reading keeps the rules' word accounting: words neither understood stay reported.
      parsed = { understanding: parsed.understanding, unavailable: parsed.unavailable, ...better.parsed };
      if (better.note) notes.push(better.note);
    } else if (parsed.llmNote) notes.push(parsed.llmNote);
  }
  if (opts.resolved) {
    parsed = { ...parsed, intent: { ...parsed.intent, source: "context" } };
    notes.push(`Interpreted from the conversation as: "${req.query}" (${opts.resolved.how}).`);
  }
  return parsed;
}

function planQuestion(parsed: Parsed, req: QueryRequest): Promise<Plan> {
  return withSpan("plan", {}, (span) => {
    const pl = planFor(parsed, { limit: req.options?.limit });
    span.setAttribute("chemagent.steps", pl.steps.length);
    return pl;
  });
}

/** The plan over the library the question named, and the word accounting of the whole question. */
function applyScope(
  parsed: Parsed,
  plan: Plan,
  scope: LibraryScope,
): { parsed: Parsed; plan: Plan } {
  let understanding = scopedUnderstanding(parsed.understanding, scope);
  if (scope.compareApproved) {
    // The comparison uses the words that asked for it.
    const asked =
      /^(?:compare|comparing|with|against|to|versus|vs\.?|approved|marketed|drugs?|hits|the|and|distributions?|profiles?|spread|ranges?)$/i;
    understanding = {
      ...understanding,
      used: [
        ...understanding.used,
        ...understanding.unused.filter((w) => asked.test(w.text)).map((w) => ({ ...w, as: "comparison" })),
      ].sort((a, b) => a.start - b.start),
      unused: understanding.unused.filter((w) => !asked.test(w.text)),
    };
    const intent = { ...parsed.intent, type: "property_comparison" as const, confidence: 0.9 };
    return { parsed: { ...parsed, understanding, intent, error: undefined }, plan };
  }
  const listing =
    /^\s*(?:show|list|display|browse|open)?\s*(?:me\s+)?(?:all\s+)?(?:the\s+)?(?:compounds|structures|molecules)?\s*[?.!]*\s*$/i
      .test(scope.text);
  // "the 5 heaviest compounds in LIB": a ranking needs a set, and the library is one.
  const ranking = !listing && !plan.steps.some((st) => st.tool === "rank") &&
      !parsed.substructure && !["similarity_search", "substructure_search"].includes(parsed.intent.type)
    ? rankPlan(parsed.intent.entities, scope.text, scope)
    : null;
  if (ranking) {
    const intent = { ...parsed.intent, type: "property_filter" as const, confidence: 0.85 };
    return { parsed: { ...parsed, intent, understanding, error: undefined }, plan: ranking };
  }
  if (parsed.error && !listing) throw parsed.error;
  if (listing) {
    plan = { steps: [] };
    parsed = {
      ...parsed,
      error: undefined,
      intent: { ...parsed.intent, type: "property_filter", confidence: 0.9 },
    };
  }
  const scoped = plan.steps.length ? scopePlan(plan, scope) : {
    steps: [{
      id: "s1",
      tool: "filter_by_properties",
      args: { library: scope.library.meta.id },
      depends_on: [],
    }],
  };
  const unserved = [
    ...(parsed.intent.entities.unsupported ?? []),
    ...(parsed.unavailable ?? []).map((a) => a.text),
  ];
  if (!scoped && unserved.length) {
    // "which compounds in LIB have an hERG IC50 below 1 uM": a filter of the library on data it does not
    // hold, declined by name.
    const error = new ChemAgentError(
      "not_available",
      `Not available for library ${scope.library.meta.name}: ${unserved.join(", ")}. Libraries hold ` +
        "structures and computed descriptors (no activity or target data).",
      { details: { library: scope.library.meta.id, not_available: unserved } },
    );
    const intent = { ...parsed.intent, type: "property_filter" as const };
    return { parsed: { ...parsed, understanding, intent, error }, plan: { steps: [] } };
  }
  if (!scoped) {
    throw new ChemAgentError(
      "not_available",
      `Library ${scope.library.meta.name} can be searched by similarity, substructure or property filters; ` +
        "this question asks for something else.",
      { details: { library: scope.library.meta.id } },
    );
  }
  // "filter LIB to …", "search LIB for …": the verb asked for what the scoped plan does.
  // Talk about the library itself ("I uploaded my kinase hits earlier", "pull out everything", "drop the …")
  // is context, not an unserved request.
  const verb =
    /^(?:filter|screen|search|list|show|display|browse|restrict|keep|compounds|structures|molecules|drop|exclude|remove|triag\w*|pull|out|everything|upload(?:ed)?|import(?:ed)?|earlier|previously|before)$/i;
  understanding = {
    ...understanding,
    used: [
      ...understanding.used,
      ...understanding.unused.filter((w) => verb.test(w.text)).map((w) => ({ ...w, as: "operation" })),
    ].sort((a, b) => a.start - b.start),
    unused: understanding.unused.filter((w) => !verb.test(w.text)),
  };
  return { parsed: { ...parsed, understanding }, plan: scoped };
}

/** Runs the plan's steps, reporting each start and end as events (progress 0.1 → 0.95 with the steps done). */
function execute(plan: Plan, events: EventStream, deps: PipelineDeps, opts: PipelineOptions) {
  const total = plan.steps.length || 1;
  return withSpan("execute", { "chemagent.steps": plan.steps.length }, () =>
    executePlan(plan, deps.runTool, {
      signal: opts.signal,
      stepTimeoutMs: deps.stepTimeoutMs,
      parallel: opts.parallel,
      gate: opts.gate,
      onStepStart: (step) =>
        events.emit("step_start", {
          step_id: step.id,
          tool: step.tool,
          label: step.label ?? step.tool,
          depends_on: step.depends_on,
        }),
      onStepEnd: (o, done) => {
        const progress = 0.1 + 0.85 * (done / total);
        if (o.status === "ok") {
          events.emit("step_complete", { step_id: o.id, tool: o.tool, ms: o.ms }, progress);
          events.emit("partial_result", { step_id: o.id, tool: o.tool, output: o.output }, progress);
        } else {
          events.emit("step_error", {
            step_id: o.id,
            tool: o.tool,
            status: o.status,
            error: o.error,
            ms: o.ms,
          }, progress);
        }
      },
    }));
}

/** The answer when the question is ambiguous: the clarification, as an event and as the response. */
function askBack(
  base: Base,
  parsed: Parsed,
  understanding: Understanding,
  clarification: Clarification,
  events: EventStream,
  timing: Timing,
  notes: string[],
): QueryResponse {
  const c = {
    question: clarification.question,
    options: clarification.options,
    suggested_queries: clarification.rewrites,
  };
  events.emit("clarification_needed", { clarification: c }, 0.1);
  const options = c.options.map((o, i) => `${i + 1}. ${o}`).join("\n");
  return {
    ...base,
    status: "clarification_needed",
    success: false,
    intent: parsed.intent,
    plan: { steps: [] },
    result: {},
    answer: `**${c.question}**\n\n${options}\n\nAnswer with the number or the option in the same session.`,
    clarification: c,
    provenance: [],
    timing_ms: timing,
    understanding,
    notes,
  };
}

/** An error response: what was understood so far, and the typed error. */
function failed(
  base: Base,
  intent: Intent,
  plan: Plan,
  understanding: Understanding,
  error: ErrorBody,
  timing: Timing,
  notes: string[],
): QueryResponse {
  return {
    ...base,
    status: "error",
    success: false,
    intent,
    plan,
    result: {},
    answer: `**${error.message}**`,
    error,
    provenance: [],
    timing_ms: timing,
    understanding,
    notes,
  };
}
