/** @module Builds a plan step by step: ids in order, dependencies collected from the step references. */
import type { Step, StepRef } from "../types.ts";

export const ref = ($from: string, path: string): StepRef => ({ $from, path });

export class PlanBuilder {
  readonly steps: Step[] = [];
  add(tool: string, args: Record<string, unknown>, label: string, extra: Partial<Step> = {}): string {
    const id = `s${this.steps.length + 1}`;
    const deps = new Set<string>(extra.depends_on ?? []);
    collectRefs(args, deps);
    if (extra.for_each) deps.add(extra.for_each.$from);
    this.steps.push({
      id,
      tool,
      args,
      depends_on: [...deps],
      label,
      ...(extra.for_each ? { for_each: extra.for_each } : {}),
    });
    return id;
  }
}

function collectRefs(v: unknown, into: Set<string>) {
  if (Array.isArray(v)) v.forEach((x) => collectRefs(x, into));
  else if (v && typeof v === "object") {
    if ("$from" in v) into.add((v as StepRef).$from);
    else Object.values(v).forEach((x) => collectRefs(x, into));
  }
}
