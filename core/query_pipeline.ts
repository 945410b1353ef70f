/** @module One question end to end: parse → plan → execute → answer, as a stream of QueryEvents. */
import { composeAnswer } from "./answer/mod.ts";
import { toErrorBody } from "./errors.ts";
import type { EventStream } from "./execute/events.ts";
import { executePlan, type RunTool } from "./execute/mod.ts";
import { type ParseContext, type Parsed, parseQuestion } from "./intent/parse.ts";
import { planFor } from "./plan/mod.ts";
import type { Intent, Plan, QueryRequest, QueryResponse } from "./types.ts";

export interface PipelineDeps {
  parse: ParseContext;
  runTool: RunTool;
  stepTimeoutMs: number;
  datasetLabel: string;
}

export interface PipelineOptions {
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
  events.emit("parsing", {}, 0.05);
  let parsed: Parsed;
  let plan: Plan;
  try {
    const tp = performance.now();
    parsed = parseQuestion(req.query ?? "", deps.parse);
    timing.parse = elapsed(tp);
    const tl = performance.now();
    plan = planFor(parsed, { limit: req.options?.limit });
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
    };
  }
  events.emit("planning", { intent: parsed.intent, plan }, 0.1);
  const te = performance.now();
  const total = plan.steps.length || 1;
  try {
    const outcomes = await executePlan(plan, deps.runTool, {
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
    });
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
      ...(answer.notes.length ? { notes: answer.notes } : {}),
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
    };
  }
}
