/** @module Executor: runs a plan's DAG, parallel where independent, with per-step timeouts, cancel and pause. */
import { ChemAgentError, type ErrorBody, toErrorBody } from "../errors.ts";
import type { Plan, Step } from "../types.ts";
import { resolveArgs, select } from "./select.ts";
import { withSpan } from "../obs/tracing.ts";

export interface StepOutcome {
  id: string;
  tool: string;
  label?: string;
  status: "ok" | "error" | "skipped";
  output?: Record<string, unknown>;
  error?: ErrorBody;
  ms: number;
}

export type RunTool = (tool: string, args: unknown, signal: AbortSignal) => Promise<Record<string, unknown>>;

export interface ExecuteOptions {
  signal?: AbortSignal;
  stepTimeoutMs: number;
  /** Run independent steps concurrently (default true). */
  parallel?: boolean;
  /** Awaited before each step starts; lets a controller pause between steps. */
  gate?: () => Promise<void>;
  onStepStart?: (step: Step, index: number) => void;
  onStepEnd?: (outcome: StepOutcome, done: number, total: number) => void;
}

/** Runs every step whose dependencies succeeded; a failed dependency skips its dependents (partial success). */
export async function executePlan(
  plan: Plan,
  runTool: RunTool,
  opts: ExecuteOptions,
): Promise<Map<string, StepOutcome>> {
  const outcomes = new Map<string, StepOutcome>();
  const outputs = new Map<string, unknown>();
  const pending = new Map(plan.steps.map((s) => [s.id, s]));
  const running = new Map<string, Promise<void>>();
  let done = 0;
  const total = plan.steps.length;

  const finish = (o: StepOutcome) => {
    outcomes.set(o.id, o);
    if (o.status === "ok") outputs.set(o.id, o.output);
    done++;
    opts.onStepEnd?.(o, done, total);
  };

  while (pending.size || running.size) {
    opts.signal?.throwIfAborted();
    for (const step of [...pending.values()]) {
      const deps = step.depends_on.map((d) => outcomes.get(d));
      if (deps.some((d) => !d)) continue;
      pending.delete(step.id);
      const failed = deps.filter((d) => d!.status !== "ok");
      if (failed.length) {
        finish({
          id: step.id,
          tool: step.tool,
          label: step.label,
          status: "skipped",
          error: {
            code: "partial_failure",
            message: `Skipped: ${failed.map((f) => f!.id).join(", ")} did not succeed.`,
          },
          ms: 0,
        });
        continue;
      }
      const p = (async () => {
        // Between steps, let the event loop run: earlier steps' events reach the socket and a pause or
        // cancel that arrived meanwhile is seen before this step starts (a fast synchronous tool would
        // otherwise run the whole plan in one turn and flush every event at the end).
        if (total > 1) await nextTurn();
        await opts.gate?.();
        opts.signal?.throwIfAborted();
        opts.onStepStart?.(step, plan.steps.indexOf(step));
        finish(
          await withSpan(
            `tool ${step.tool}`,
            { "chemagent.step": step.id, "chemagent.tool": step.tool },
            async (span) => {
              const o = await runStep(step, outputs, runTool, opts);
              span.setAttribute("chemagent.status", o.status);
              return o;
            },
          ),
        );
      })().finally(() => running.delete(step.id));
      running.set(step.id, p);
      if (opts.parallel === false) await p;
    }
    if (running.size) await Promise.race(running.values());
    else if (pending.size) {
      // Remaining steps wait on steps that do not exist: a planning bug, reported rather than looping.
      throw new ChemAgentError(
        "internal",
        `Plan has unsatisfiable dependencies: ${[...pending.keys()].join(", ")}`,
      );
    }
  }
  return outcomes;
}

async function runStep(
  step: Step,
  outputs: Map<string, unknown>,
  runTool: RunTool,
  opts: ExecuteOptions,
): Promise<StepOutcome> {
  const t0 = performance.now();
  const base = { id: step.id, tool: step.tool, label: step.label };
  try {
    const args = resolveArgs(step.args, outputs) as Record<string, unknown>;
    let output: Record<string, unknown>;
    if (step.for_each) {
      const all = select(outputs.get(step.for_each.$from), step.for_each.path);
      const items = (Array.isArray(all) ? [...new Set(all)] : []).slice(0, step.for_each.max ?? 10);
      const results = await Promise.all(items.map(async (item) => {
        try {
          return {
            input: item,
            output: await withTimeout(step, { ...args, [step.for_each!.as]: item }, runTool, opts),
          };
        } catch (e) {
          if (opts.signal?.aborted) throw e;
          return { input: item, error: toErrorBody(e) };
        }
      }));
      output = {
        items: results,
        total_inputs: Array.isArray(all) ? new Set(all).size : 0,
        provenance: results.flatMap((r) => (r.output?.provenance as unknown[]) ?? []),
      };
      if (items.length && results.every((r) => r.error)) {
        throw new ChemAgentError(results[0].error!.code, results[0].error!.message);
      }
    } else {
      output = await withTimeout(step, args, runTool, opts);
    }
    return { ...base, status: "ok", output, ms: elapsed(t0) };
  } catch (e) {
    if (opts.signal?.aborted) throw opts.signal.reason ?? e;
    return { ...base, status: "error", error: toErrorBody(e), ms: elapsed(t0) };
  }
}

async function withTimeout(step: Step, args: unknown, runTool: RunTool, opts: ExecuteOptions) {
  const timeout = AbortSignal.timeout(opts.stepTimeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ChemAgentError(
            "timeout",
            `Step ${step.id} (${step.tool}) took longer than ${opts.stepTimeoutMs} ms.`,
          ),
        ),
      opts.stepTimeoutMs,
    );
  });
  const aborted = new Promise<never>((_, reject) => {
    if (opts.signal?.aborted) reject(opts.signal.reason);
    onAbort = () => reject(opts.signal!.reason);
    opts.signal?.addEventListener("abort", onAbort, { once: true });
  });
  aborted.catch(() => {}); // settles after the race is decided; not an unhandled rejection
  try {
    return await Promise.race([runTool(step.tool, args, signal), expired, aborted]);
  } finally {
    clearTimeout(timer);
    if (onAbort) opts.signal?.removeEventListener("abort", onAbort);
  }
}

/** Resolves on a later turn of the event loop (after pending I/O), not just after the microtask queue. */
const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const elapsed = (t0: number) => Math.round((performance.now() - t0) * 100) / 100;
