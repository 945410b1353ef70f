/** The generated grid is reproducible and well-formed, and the scorer applies the contract (no agent needed). */
import assert from "node:assert/strict";
import { type Case, loadCases, scoreCase, type Scored } from "../eval/evaluate.ts";
import { generateGrid, loadGridData, toJsonl, validateGrid } from "../eval/grid.ts";
import { perturb } from "../eval/no_bluff.ts";
import { INTENT_TYPES } from "../../core/types.ts";
import { ERROR_CODES } from "../../core/errors.ts";
import { TOOLS } from "../../core/tools/mod.ts";

// Outcome codes of DESIGN.md §3 (not_available and input_too_complex may not be in ERROR_CODES yet).
const OUTCOMES = new Set<string>([
  "success",
  "partial",
  "clarification_needed",
  ...ERROR_CODES,
  "not_available",
  "input_too_complex",
]);
// Tools of the registry plus those issue 13 adds.
const TOOL_NAMES = new Set<string>([...Object.keys(TOOLS), "class_members", "intersect_ligands"]);

Deno.test("grid.jsonl is what grid.ts generates with the default seed, and the dataset backs every id", async () => {
  const data = await loadGridData();
  const cases = generateGrid(13, data);
  assert.deepEqual(validateGrid(cases, data), []);
  const committed = await Deno.readTextFile(new URL("../eval/grid.jsonl", import.meta.url));
  assert.ok(committed === toJsonl(cases), "grid.jsonl is stale: run deno run -A tests/eval/grid.ts");
  assert.notEqual(toJsonl(generateGrid(14, data)), committed, "the seed must matter");
});

Deno.test("grid: ≥ 2,000 questions over every category, with valid intents, outcomes and tools", async () => {
  const cases = await loadCases("grid.jsonl");
  assert.ok(cases.length >= 2000, `${cases.length} questions`);
  assert.equal(new Set(cases.map((c) => c.q)).size, cases.length, "duplicate questions");
  const categories = new Set(cases.map((c) => c.category?.replace(/^casing_.*/, "casing")));
  for (
    const k of [
      "lookup",
      "property",
      "data_field",
      "druglikeness",
      "comparison",
      "filter",
      "similarity",
      "similarity_topn",
      "substructure",
      "targets",
      "ligands",
      "target_comparison",
      "ligand_intersection",
      "class",
      "class_filter",
      "class_membership",
      "unavailable",
      "unavailable_mixed",
      "typo",
      "unknown_name",
      "relative",
      "workflow",
      "long_input",
      "casing",
    ]
  ) assert.ok(categories.has(k), `no ${k} questions`);
  for (const c of cases) {
    for (const i of [c.intent, ...(c.intents ?? [])]) {
      assert.ok((INTENT_TYPES as readonly string[]).includes(i), `${c.q}: intent ${i}`);
    }
    for (const o of [c.outcome, ...(c.accept ?? [])]) assert.ok(OUTCOMES.has(o), `${c.q}: outcome ${o}`);
    for (const t of c.tools ?? []) assert.ok(TOOL_NAMES.has(t), `${c.q}: tool ${t}`);
    if (c.correction) assert.ok(c.q.toLowerCase().includes(c.correction.from.toLowerCase()), c.q);
  }
});

Deno.test("perturbations are seeded and each inserts its word into the question", () => {
  const cases: Case[] = [
    { q: "What is the molecular weight of aspirin?", intent: "property_query", outcome: "success" },
    { q: "similar to CC(=O)O", intent: "similarity_search", outcome: "success" },
    { q: "Compare aspirin with fakeiumol", intent: "property_comparison", outcome: "partial" },
  ];
  const a = perturb(cases, 1), b = perturb(cases, 1);
  assert.deepEqual(a, b);
  assert.deepEqual(a.map((p) => p.perturbation), ["unknown_word", "unknown_name", "unavailable"]);
  for (const p of a) {
    assert.ok(p.q.includes(p.inserted!), p.q);
    assert.equal(p.source, cases[0].q);
  }
});

function response(over: Partial<Scored> = {}): Scored {
  return {
    status: "success",
    intent: {
      type: "property_query",
      entities: { compounds: [{ text: "asprin", id: "CHEMBL25" }], targets: [] },
    },
    plan: { steps: [{ tool: "properties" }] },
    result: {},
    answer: "Aspirin: MW 180.16",
    understanding: { used: [], unused: [], corrections: [{ from: "asprin", to: "Aspirin" }] },
    ...over,
  };
}

Deno.test("scoreCase: intent, outcome, compounds, tools, correction, unsupported, count and bluffs", () => {
  const c: Case = {
    q: "MW of asprin",
    intent: "property_query",
    outcome: "success",
    compounds: ["CHEMBL25"],
    tools: ["properties"],
    correction: { from: "asprin", to: "Aspirin" },
  };
  const ok = scoreCase(c, response());
  assert.ok(ok.intentOk && ok.outcomeOk && !ok.bluff, ok.why);

  const noFix = scoreCase(c, response({ understanding: { corrections: [] } }));
  assert.ok(noFix.intentOk && !noFix.outcomeOk);
  assert.match(noFix.why!, /no correction asprin → Aspirin/);

  const noUnderstanding = scoreCase(c, response({ understanding: undefined }));
  assert.ok(!noUnderstanding.outcomeOk, "a correction needs understanding.corrections");

  const wrongPlan = scoreCase(c, response({ plan: { steps: [{ tool: "compound_lookup" }] } }));
  assert.match(wrongPlan.why!, /lacks properties/);

  const wrongIntent = scoreCase(c, response({ intent: { type: "compound_lookup", entities: {} } }));
  assert.ok(!wrongIntent.intentOk);
  assert.match(wrongIntent.why!, /intent compound_lookup.*missing CHEMBL25/);

  const pka: Case = {
    q: "pKa of aspirin",
    intent: "property_query",
    outcome: "not_available",
    accept: ["partial"],
    unsupported: ["pKa"],
  };
  const bluff = scoreCase(pka, response());
  assert.ok(bluff.bluff && !bluff.outcomeOk);
  const honest = scoreCase(pka, response({ status: "partial", notes: ["pKa is not in the offline data"] }));
  assert.ok(honest.outcomeOk && !honest.bluff, honest.why);
  const error = scoreCase(
    pka,
    response({ status: "error", error: { code: "not_available", message: "No PKA values offline." } }),
  );
  assert.ok(error.outcomeOk, error.why);
  const silent = scoreCase(pka, response({ status: "partial", notes: ["Answered what was understood."] }));
  assert.match(silent.why!, /not named as unserved: pKa/);

  // A plain success with unused words is a bluff whatever the case expects.
  const unused = scoreCase(
    c,
    response({ understanding: { unused: ["frobnicate"], corrections: c.correction ? [c.correction] : [] } }),
  );
  assert.ok(unused.bluff && unused.outcomeOk);

  const clarify = scoreCase({ q: "x", intent: "unknown", outcome: "clarification_needed" }, {
    ...response({ status: "clarification_needed" }),
    intent: { type: "unknown", entities: {} },
  });
  assert.ok(clarify.outcomeOk, clarify.why);

  const top: Case = {
    q: "top 3 analogues of aspirin",
    intent: "similarity_search",
    outcome: "success",
    count: 3,
  };
  const hits = (n: number) => ({ similar: { hits: Array(n).fill({}) } });
  const three = scoreCase(
    top,
    response({ intent: { type: "similarity_search", entities: {} }, result: hits(3) }),
  );
  assert.ok(three.outcomeOk, three.why);
  const two = scoreCase(
    top,
    response({ intent: { type: "similarity_search", entities: {} }, result: hits(2) }),
  );
  assert.match(two.why!, /2 hits, expected 3/);

  const cls: Case = {
    q: "statins",
    intent: "property_filter",
    outcome: "success",
    class: ["C10AA", "statin"],
  };
  const seen = scoreCase(
    cls,
    response({
      intent: { type: "property_filter", entities: { classes: [{ text: "statins", id: "ATC:C10AA" }] } },
    }),
  );
  assert.ok(seen.outcomeOk, seen.why);
  const unseen = scoreCase(cls, response({ intent: { type: "property_filter", entities: { filters: [] } } }));
  assert.match(unseen.why!, /class C10AA not understood/);
});
