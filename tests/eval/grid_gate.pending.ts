/**
 * Gates of issue 13 (pending: the name keeps it out of `deno task test` until the parser work lands; enable
 * by renaming to grid_gate_test.ts, or run it explicitly: deno test --allow-all tests/eval/grid_gate.pending.ts).
 * - the generated grid ≥ 99% right (intent and outcome with every detail), the blind set ≥ 97% when present;
 * (The no-bluff property runs in `deno task test`: tests/unit/no_bluff_test.ts; accuracy gates run in
 * `deno task eval`, where machine load cannot turn a slow step into a failed gate of the unit suite.)
 */
import assert from "node:assert/strict";
import { evaluate, hasSet, loadCases, summarize } from "./evaluate.ts";
import { testAgent } from "../helpers.ts";

async function gate(file: string, min: number) {
  const s = summarize(await evaluate(await testAgent(), await loadCases(file)));
  const detail = s.failures.slice(0, 40).map((f) => `${f.case.q}: ${f.why}`).join("\n");
  assert.ok(s.accuracy >= min, `${file}: ${(s.accuracy * 100).toFixed(1)}% right < ${min * 100}%\n${detail}`);
}

Deno.test("grid ≥ 99% right intent and outcome (entities, tools, corrections, unsupported asks named)", async () => {
  await gate("grid.jsonl", 0.99);
});

// The blind set is written by another helper and copied in by the lead; its gate exists once it does.
if (await hasSet("blind.jsonl")) {
  Deno.test("blind set ≥ 97% right", async () => {
    await gate("blind.jsonl", 0.97);
  });
}
