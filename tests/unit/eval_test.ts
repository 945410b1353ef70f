/** The evaluation set must stay at ≥ 95% intent and outcome accuracy (fails when the parser regresses). */
import assert from "node:assert/strict";
import { evaluate, loadCases, summarize } from "../eval/evaluate.ts";
import { testAgent } from "../helpers.ts";
import { withEvalLibraries } from "../eval/libraries/load.ts";
import { INTENT_TYPES } from "../../core/types.ts";

Deno.test("evaluation set: ≥ 150 questions, ≥ 95% intent accuracy and ≥ 95% correct outcomes", async () => {
  const cases = await loadCases();
  assert.ok(cases.length >= 150, `${cases.length} questions`);
  const intents = new Set(cases.map((c) => c.intent));
  for (const t of INTENT_TYPES) {
    assert.ok(intents.has(t), `no question for ${t}`);
  }
  const s = summarize(await evaluate(await testAgent(), cases));
  const detail = s.failures.map((f) => `${f.case.q}: ${f.why}`).join("\n");
  assert.ok(s.intentAccuracy >= 0.95, `intent accuracy ${s.intentAccuracy}\n${detail}`);
  assert.ok(s.outcomeAccuracy >= 0.95, `outcome accuracy ${s.outcomeAccuracy}\n${detail}`);
});

Deno.test("holdout set (written blind after the parser) stays at ≥ 95%", async () => {
  const s = summarize(await evaluate(await testAgent(), await loadCases("holdout.jsonl")));
  assert.equal(s.n, 40);
  const detail = s.failures.map((f) => `${f.case.q}: ${f.why}`).join("\n");
  assert.ok(s.intentAccuracy >= 0.95 && s.outcomeAccuracy >= 0.95, detail);
});

Deno.test({
  name: "library set (written blind, questions over two fixture libraries): ≥ 97% right, no bluffs",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const cases = await loadCases("library.jsonl");
    assert.ok(cases.length >= 60, `${cases.length} questions`);
    const s = summarize(await evaluate(await withEvalLibraries(await testAgent()), cases));
    const detail = s.failures.map((f) => `${f.case.q}: ${f.why}`).join("\n");
    assert.ok(s.accuracy >= 0.97, `${(s.accuracy * 100).toFixed(1)}% right\n${detail}`);
    assert.equal(s.bluffs, 0, detail);
  },
});
