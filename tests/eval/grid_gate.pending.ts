/**
 * Gates of issue 13 (pending: the name keeps it out of `deno task test` until the parser work lands; enable
 * by renaming to grid_gate_test.ts, or run it explicitly: deno test --allow-all tests/eval/grid_gate.pending.ts).
 * - the generated grid ≥ 99% right (intent and outcome with every detail), the blind set ≥ 97% when present;
 * - no-bluff property on a seeded sample of every eval question and of perturbed ones (the whole population
 *   runs in `deno task eval`).
 */
import assert from "node:assert/strict";
import { type Case, evaluate, hasSet, loadCases, summarize } from "./evaluate.ts";
import { asProbes, findBluffs, perturb, sampleOf } from "./no_bluff.ts";
import { testAgent } from "../helpers.ts";

const SEED = 13;

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

Deno.test("no bluff: unused words or unservable asks never come back as a plain success (sampled)", async () => {
  const cases: Case[] = [];
  for (const f of ["questions.jsonl", "holdout.jsonl", "blind.jsonl", "grid.jsonl"]) {
    if (await hasSet(f)) cases.push(...await loadCases(f));
  }
  const probes = [...sampleOf(asProbes(cases), 300, SEED), ...sampleOf(perturb(cases, SEED), 300, SEED)];
  const violations = await findBluffs(await testAgent(), probes);
  assert.equal(
    violations.length,
    0,
    violations.slice(0, 30).map((v) =>
      `${v.probe.q}${v.probe.inserted ? ` [+${v.probe.inserted}]` : ""}: ${v.status}`
    )
      .join("\n"),
  );
});
