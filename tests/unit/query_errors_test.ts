/** Every query-level error code of DESIGN.md is produced where it should be. */
import assert from "node:assert/strict";
import { testAgent } from "../helpers.ts";

const agent = await testAgent();
const ask = (query: string) => agent.query({ query });

const cases: [string, string, string?][] = [
  ["", "empty_query"],
  ["   ", "empty_query"],
  ["What", "incomplete_query"],
  ["What is the", "incomplete_query"],
  ["find similar compounds", "incomplete_query"],
  ["asdfghjkl qwrtzp", "unrecognized_query"],
  ["xkcdvbnm zzzqqq wwrrtt", "unrecognized_query"],
  ["What is the weather today?", "out_of_scope"],
  ["Tell me a joke", "out_of_scope"],
  // A clear typo ("ibuprofin") is corrected; a name nothing is close to is not found.
  ["What is the molecular weight of fakeiumol?", "not_found"],
  ["CHEMBL999999999", "not_found"],
  ["properties of c1ccccc1C(=O", "invalid_smiles"],
  ["Find compounds similar to aspirin with similarity threshold 1.5", "invalid_parameter"],
  ["CHEMBL25CHEMBL112CHEMBL521", "ambiguous_input"],
];

for (const [q, code, suggestion] of cases) {
  Deno.test(`"${q}" → ${code}`, async () => {
    const r = await ask(q);
    assert.equal(r.status, "error", JSON.stringify(r.error));
    assert.equal(r.success, false);
    assert.equal(r.error?.code, code, `${r.intent.type}: ${r.error?.message}`);
    assert.ok(r.error!.message.length > 10);
    if (suggestion) {
      assert.ok(
        r.error!.suggestions?.map((s) => s.toLowerCase()).includes(suggestion),
        r.error!.suggestions?.join(),
      );
    }
  });
}

Deno.test("partial_failure: comparing aspirin with a compound that does not exist still answers aspirin's part", async () => {
  const r = await ask("Compare aspirin with fakeiumol");
  assert.equal(r.status, "partial");
  assert.equal(r.success, true);
  assert.equal(r.error?.code, "partial_failure");
  const compounds = r.result.compounds as { compound: { id: string } }[];
  assert.equal(compounds[0].compound.id, "CHEMBL25");
  assert.match(r.answer, /Aspirin/);
  assert.match(r.answer, /fakeiumol/);
});

Deno.test("repeated entities are deduplicated: aspirin aspirin aspirin is one lookup", async () => {
  const r = await ask("aspirin aspirin aspirin");
  assert.equal(r.plan.steps.length, 1);
  assert.equal(r.intent.entities.compounds.length, 1);
  const b = await ask("properties for CHEMBL25 CHEMBL25 aspirin CHEMBL112");
  assert.equal(b.plan.steps.length, 2);
});

Deno.test("trailing punctuation never matters", async () => {
  const base = await ask("What are the targets of imatinib");
  for (
    const q of [
      "What are the targets of imatinib?",
      "What are the targets of imatinib??!",
      "What are the targets of imatinib.",
      "what are the targets of imatinib ?",
    ]
  ) {
    const r = await ask(q);
    assert.equal(r.intent.type, base.intent.type, q);
    assert.deepEqual(r.intent.entities.compounds, base.intent.entities.compounds, q);
    assert.equal(r.status, "success");
  }
});

Deno.test("over-long queries are rejected as invalid_request", async () => {
  const r = await ask("aspirin ".repeat(1000));
  assert.equal(r.error?.code, "invalid_request");
});

Deno.test("potency constraints are reported as not available offline instead of silently ignored", async () => {
  const r = await ask("EGFR inhibitors with IC50 < 50 nM");
  assert.equal(r.status, "partial", "an ask the data cannot serve is never a plain success");
  assert.equal(r.error?.code, "not_available");
  assert.ok(r.notes?.some((n) => /IC50/.test(n)));
  assert.match(r.answer, /no IC50\/Ki values/);
});

Deno.test("events: gap-free seq, monotone progress, accepted first and result last", async () => {
  const events: { type: string; seq: number; progress: number; event_id: string }[] = [];
  const r = await agent.query({ query: "Find compounds similar to aspirin and get their targets" }, {
    onEvent: (e) => events.push(e),
  });
  assert.equal(r.status, "success");
  assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1));
  assert.equal(events[0].type, "accepted");
  assert.equal(events.at(-1)!.type, "result");
  assert.equal(events.at(-1)!.progress, 1);
  for (let i = 1; i < events.length; i++) assert.ok(events[i].progress >= events[i - 1].progress);
  for (const t of ["parsing", "planning", "step_start", "step_complete", "partial_result"]) {
    assert.ok(events.some((e) => e.type === t), t);
  }
  assert.equal(new Set(events.map((e) => e.event_id)).size, events.length);
});

Deno.test("cancel through AbortSignal stops the query with a cancelled event", async () => {
  const ac = new AbortController();
  const types: string[] = [];
  const p = agent.query({ query: "compounds containing a benzene ring and get their targets" }, {
    signal: ac.signal,
    onEvent: (e) => {
      types.push(e.type);
      if (e.type === "step_start") ac.abort(new DOMException("user cancelled", "AbortError"));
    },
  });
  const r = await p;
  assert.equal(r.error?.code, "cancelled");
  assert.ok(types.includes("cancelled"));
});

Deno.test("batches above the documented limit are answered for the first 25 with a note, never silently cut", async () => {
  const ids = [
    "CHEMBL25",
    "CHEMBL112",
    "CHEMBL521",
    "CHEMBL941",
    "CHEMBL113",
    "CHEMBL1642",
    "CHEMBL553",
    "CHEMBL939",
    "CHEMBL554",
    "CHEMBL1173655",
    "CHEMBL24828",
    "CHEMBL1336",
    "CHEMBL1421",
    "CHEMBL255863",
    "CHEMBL3353410",
    "CHEMBL2105717",
    "CHEMBL502",
    "CHEMBL1229517",
    "CHEMBL288441",
    "CHEMBL1201585",
    "CHEMBL15770",
    "CHEMBL562",
    "CHEMBL108",
    "CHEMBL15891",
    "CHEMBL118",
    "CHEMBL154",
    "CHEMBL1464",
    "CHEMBL4",
    "CHEMBL5",
    "CHEMBL6",
  ];
  const r = await agent.query({ query: "molecular weight of " + ids.join(" ") });
  assert.equal(r.plan.steps.length, 25);
  assert.ok(r.notes?.some((n) => /first 25 of \d+/.test(n)), JSON.stringify(r.notes));
});
