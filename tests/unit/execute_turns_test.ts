import assert from "node:assert/strict";
import { executePlan } from "../../core/execute/mod.ts";
import type { Plan } from "../../core/types.ts";

const plan: Plan = {
  steps: [
    { id: "s1", tool: "a", args: {}, depends_on: [] },
    { id: "s2", tool: "b", args: {}, depends_on: ["s1"] },
    { id: "s3", tool: "c", args: {}, depends_on: ["s2"] },
  ],
};

Deno.test("steps of a workflow start on separate event-loop turns, so events flush and pause can act", async () => {
  const turnsSeen: boolean[] = [];
  let turned = false;
  await executePlan(plan, () => Promise.resolve({ provenance: [] }), {
    stepTimeoutMs: 1000,
    onStepStart: () => {
      turnsSeen.push(turned);
      turned = false;
      // Fires only if the executor yields to the event loop before the next step.
      setTimeout(() => turned = true, 0);
    },
  });
  assert.deepEqual(turnsSeen, [false, true, true]);
});

Deno.test("a pause that arrives during a step holds the next one; cancel stops the rest", async () => {
  let paused = true;
  let release!: () => void;
  const started: string[] = [];
  const ac = new AbortController();
  const run = executePlan(plan, () => Promise.resolve({ provenance: [] }), {
    stepTimeoutMs: 1000,
    signal: ac.signal,
    gate: () => paused ? new Promise<void>((r) => release = r) : Promise.resolve(),
    onStepStart: (s) => started.push(s.id),
  });
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(started, []);
  paused = false;
  release();
  await new Promise((r) => setTimeout(r, 0));
  paused = true;
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(started, ["s1"]);
  ac.abort(new DOMException("cancelled", "AbortError"));
  release();
  await assert.rejects(run);
  assert.deepEqual(started, ["s1"]);
});
