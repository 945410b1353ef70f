/** @module The agent: owns the dataset, the chemistry engine and the tools; answers tool calls and queries. */
import { type ChemEngine, createChemEngine } from "./chem/mod.ts";
import type { Dataset } from "./data/dataset.ts";
import type { DataSource } from "./data/source.ts";
import { embeddedSource } from "./data/sources/embedded.ts";
import { composeAnswer } from "./answer/mod.ts";
import { ChemAgentError, toErrorBody } from "./errors.ts";
import { type EventListener, EventStream, newId } from "./execute/events.ts";
import { executePlan } from "./execute/mod.ts";
import { type Parsed, parseQuestion } from "./intent/parse.ts";
import { planFor } from "./plan/mod.ts";
import type { Intent, Plan, QueryRequest, QueryResponse } from "./types.ts";
import type { Compound } from "./data/model.ts";
import { normalizeName } from "./data/normalize.ts";
import {
  type AnyTool,
  cleanReference,
  type CompoundSummary,
  invokeTool,
  resolveCompound,
  SubstructureIndex,
  summarize,
  type ToolContext,
  type ToolOutput,
  TOOLS,
} from "./tools/mod.ts";

export interface AgentOptions {
  source?: DataSource;
  chem?: ChemEngine;
  /** Per-step timeout for tool calls (ms). */
  stepTimeoutMs?: number;
  /** Longest accepted question (characters). */
  maxQueryLength?: number;
}

export interface QueryOptions {
  queryId?: string;
  signal?: AbortSignal;
  onEvent?: EventListener;
  /** Awaited before each step (pause/resume between steps). */
  gate?: () => Promise<void>;
  parallel?: boolean;
}

export class Agent {
  readonly data: Dataset;
  readonly chem: ChemEngine;
  readonly substructures: SubstructureIndex;
  readonly stepTimeoutMs: number;
  readonly maxQueryLength: number;

  constructor(data: Dataset, chem: ChemEngine, opts: AgentOptions = {}) {
    this.maxQueryLength = opts.maxQueryLength ?? 2000;
    this.data = data;
    this.chem = chem;
    this.substructures = new SubstructureIndex(data);
    this.stepTimeoutMs = opts.stepTimeoutMs ?? 10_000;
  }

  context(signal?: AbortSignal): ToolContext {
    return { data: this.data, chem: this.chem, substructures: this.substructures, signal };
  }

  /** Runs one tool by name with raw (unvalidated) arguments. */
  async runTool(
    name: string,
    args: unknown,
    signal?: AbortSignal,
  ): Promise<ToolOutput & Record<string, unknown>> {
    const tool = (TOOLS as Record<string, AnyTool>)[name];
    if (!tool) {
      throw new ChemAgentError(
        "invalid_parameter",
        `Unknown tool "${name}". Tools: ${Object.keys(TOOLS).join(", ")}.`,
      );
    }
    return await invokeTool(tool, args, this.context(signal)) as ToolOutput & Record<string, unknown>;
  }

  /** Understands a question (no LLM) and plans it; no tool runs. */
  understand(text: string, opts: { limit?: number } = {}): { parsed: Parsed; plan: Plan } {
    const parsed = parseQuestion(text, { data: this.data, chem: this.chem, maxLength: this.maxQueryLength });
    return { parsed, plan: planFor(parsed, opts) };
  }

  /** Answers a natural-language question, streaming QueryEvents to `onEvent`. Never throws. */
  async query(req: QueryRequest, opts: QueryOptions = {}): Promise<QueryResponse> {
    const queryId = opts.queryId ?? newId("q");
    const events = new EventStream(queryId, opts.onEvent);
    const t0 = performance.now();
    const timing = { total: 0, parse: 0, plan: 0, execute: 0 };
    const base = {
      query_id: queryId,
      ...(req.session_id ? { session_id: req.session_id } : {}),
      cached: false,
    };
    const unknownIntent: Intent = {
      type: "unknown",
      confidence: 0,
      source: "rules",
      entities: { compounds: [], smiles: [], targets: [], properties: [], filters: [] },
    };
    events.emit("accepted", { query: req.query, session_id: req.session_id ?? null }, 0);
    events.emit("parsing", {}, 0.05);
    let parsed: Parsed;
    let plan: Plan;
    try {
      const tp = performance.now();
      parsed = parseQuestion(req.query ?? "", {
        data: this.data,
        chem: this.chem,
        maxLength: this.maxQueryLength,
      });
      timing.parse = elapsed(tp);
      const tl = performance.now();
      plan = planFor(parsed, { limit: req.options?.limit });
      timing.plan = elapsed(tl);
    } catch (e) {
      const error = toErrorBody(e);
      timing.total = elapsed(t0);
      events.emit("error", { error }, 1);
      return {
        ...base,
        status: "error",
        success: false,
        intent: unknownIntent,
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
      const outcomes = await executePlan(plan, (tool, args, signal) => this.runTool(tool, args, signal), {
        signal: opts.signal,
        stepTimeoutMs: this.stepTimeoutMs,
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
      const answer = composeAnswer(parsed, plan, outcomes, `${this.data.version} (ChEMBL 18 + DrugCentral)`);
      timing.total = elapsed(t0);
      const response: QueryResponse = {
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
      if (response.status === "error") events.emit("error", { error: response.error, response }, 1);
      else events.emit("result", { response }, 1);
      return response;
    } catch (e) {
      const error = opts.signal?.aborted
        ? { code: "cancelled" as const, message: "The query was cancelled." }
        : toErrorBody(e);
      timing.execute = elapsed(te);
      timing.total = elapsed(t0);
      events.emit(error.code === "cancelled" ? "cancelled" : "error", { error });
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

  /** Name search for autocomplete and the REST API: exact matches, then prefix, then substring, then "did you mean". */
  searchCompounds(
    text: string,
    limit = 10,
  ): { query: string; total: number; compounds: CompoundSummary[]; suggestions: string[] } {
    const key = normalizeName(cleanReference(text));
    const found: Compound[] = [];
    const add = (c: Compound) => found.length < limit && !found.includes(c) && found.push(c);
    try {
      add(resolveCompound(text, this.context()).compound);
    } catch (e) {
      if (!(e instanceof ChemAgentError) || e.code !== "not_found") throw e;
    }
    if (key.length >= 2) {
      for (const pass of [(n: string) => n.startsWith(key), (n: string) => n.includes(key)]) {
        for (const c of this.data.compounds) {
          if (found.length >= limit) break;
          if ([c.name, ...c.synonyms].some((s) => pass(normalizeName(s)))) add(c);
        }
      }
    }
    const suggestions = found.length ? [] : this.data.compoundSuggestions.suggest(key, 5);
    return { query: text, total: found.length, compounds: found.map(summarize), suggestions };
  }

  /** Builds slow, optional indices in the background (substructure library, suggestion index). */
  warm(): Promise<void> {
    return this.substructures.build().then(() => {
      void this.data.compoundSuggestions;
      void this.data.targetSuggestions;
    });
  }
}

const elapsed = (t0: number) => Math.round((performance.now() - t0) * 1000) / 1000;

/** Loads the data source and RDKit in parallel and returns a ready agent. */
export async function createAgent(opts: AgentOptions = {}): Promise<Agent> {
  const [data, chem] = await Promise.all([
    (opts.source ?? embeddedSource()).load(),
    opts.chem ?? createChemEngine(),
  ]);
  return new Agent(data, chem, opts);
}
