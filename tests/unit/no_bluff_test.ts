/** No-bluff property (issue 13): over a seeded sample of every eval question and of perturbed ones (inserted
 * unknown words, unknown names, unavailable asks), a response with unused words or an unservable ask is never a
 * plain `success`. The whole population (≈ 10,000 probes) runs in `deno task eval`. */
import { type Case, hasSet, loadCases } from "../eval/evaluate.ts";
import { asProbes, findBluffs, perturb, sampleOf } from "../eval/no_bluff.ts";
import assert from "node:assert/strict";
import { testAgent } from "../helpers.ts";

const SEED = 13;

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
