/** @module One question end to end: parse → plan → execute → answer, as a stream of QueryEvents. */
import { composeAnswer } from "./answer/mod.ts";
import { toErrorBody } from "./errors.ts";
import { withSpan } from "./obs/tracing.ts";
import type { EventStream } from "./execute/events.ts";
import { executePlan, type RunTool } from "./execute/mod.ts";
import type { Clarification } from "./intent/clarify.ts";
import { type ParseContext, type Parsed, parseQuestion } from "./intent/parse.ts";
import { planFor } from "./plan/mod.ts";
import type { Intent, Plan, QueryRequest, QueryResponse, Understanding } from "./types.ts";

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

/** Runs the pipeline; emits parsing/planning/step events (the caller emits accepted and the final event). */
export async function runPipeline(
  req: QueryRequest,
  events: EventStream,
  deps: PipelineDeps,
  opts: PipelineOptions = {},
): Promise<QueryResponse> {
  const t0 = performance.now();
  const timing = { total: 0, parse: 0, plan: 0, execute: 0 };
  const base = {
    query_id: events.queryId,
    ...(req.session_id ? { session_id: req.session_id } : {}),
    cached: false,
  };
  const notes: string[] = [];
  events.emit("parsing", {}, 0.05);
  let parsed: Parsed;
  let plan: Plan;
  try {
    const tp = performance.now();
    parsed = await withSpan("parse", {}, (span) => {
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
    timing.parse = elapsed(tp);
    const tl = performance.now();
    const p = parsed;
    plan = await withSpan("plan", {}, (span) => {
      const pl = planFor(p, { limit: req.options?.limit });
      span.setAttribute("chemagent.steps", pl.steps.length);
      return pl;
    });
    timing.plan = elapsed(tl);
  } catch (e) {
    const error = toErrorBody(e);
    timing.total = elapsed(t0);
    return {
      ...base,
      status: "error",
      success: false,
      intent: UNKNOWN,
      plan: { steps: [] },
      result: {},
      answer: `**${error.message}**`,
      error,
      provenance: [],
      timing_ms: timing,
      understanding: NOTHING_UNDERSTOOD,
      notes,
    };
  }
  const understanding = parsed.understanding ?? NOTHING_UNDERSTOOD;
  const clarification = deps.clarify?.(parsed, req.query);
  if (clarification) {
    timing.total = elapsed(t0);
    const c = {
      question: clarification.question,
      options: clarification.options,
      suggested_queries: clarification.rewrites,
    };
    events.emit("clarification_needed", { clarification: c }, 0.1);
    return {
      ...base,
      status: "clarification_needed",
      success: false,
      intent: parsed.intent,
      plan: { steps: [] },
      result: {},
      answer: `**${c.question}**\n\n${
        c.options.map((o, i) => `${i + 1}. ${o}`).join("\n")
      }\n\nAnswer with the number or the option in the same session.`,
      clarification: c,
      provenance: [],
      timing_ms: timing,
      understanding,
      notes,
    };
  }
  events.emit("planning", { intent: parsed.intent, plan }, 0.1);
  const te = performance.now();
  const total = plan.steps.length || 1;
  try {
    const outcomes = await withSpan(
      "execute",
      { "chemagent.steps": plan.steps.length },
      () =>
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
            } else {events.emit("step_error", {
                step_id: o.id,
                tool: o.tool,
                status: o.status,
                error: o.error,
                ms: o.ms,
              }, progress);}
          },
        }),
    );
    timing.execute = elapsed(te);
    const answer = composeAnswer(parsed, plan, outcomes, deps.datasetLabel);
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
    return {
      ...base,
      status: "error",
      success: false,
      intent: parsed.intent,
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
}
