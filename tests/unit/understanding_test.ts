/** Coverage accounting and faithful plans: every word is used or reported, unavailable data is declined by
 * name, top-N means N, relative constraints use the reference's computed value, plans have only asked steps. */
import assert from "node:assert/strict";
import { testAgent } from "../helpers.ts";

const agent = await testAgent();
// deno-lint-ignore no-explicit-any
type Any = any;
const ask = (q: string) => agent.query({ query: q });
const tools = (r: { plan: { steps: { tool: string }[] } }) => r.plan.steps.map((s) => s.tool);

Deno.test("every response carries understanding with offsets into the question as sent", async () => {
  const q = "What is the  molecular weight of\naspirin?";
  const r = await ask(q);
  assert.equal(r.status, "success");
  assert.deepEqual(r.understanding.unused, []);
  for (const u of r.understanding.used) assert.equal(q.slice(u.start, u.end), u.text);
  assert.ok(r.understanding.used.some((u) => u.as === "compound" && u.value === "CHEMBL25"));
  assert.ok(r.understanding.used.some((u) => u.as === "property" && u.value === "molecular_weight"));
  assert.deepEqual(r.notes, []);
  const empty = await ask("   ");
  assert.deepEqual(empty.understanding, { used: [], unused: [], corrections: [] });
});

Deno.test("politeness and question frames are filler, not unused words", async () => {
  for (
    const q of [
      "Could you please tell me the molecular weight of aspirin?",
      "I'd like to know the targets of imatinib",
      "Can you show me compounds similar to ibuprofen, thanks",
    ]
  ) {
    const r = await ask(q);
    assert.equal(r.status, "success", q);
    assert.deepEqual(r.understanding.unused, [], q);
  }
});

Deno.test("a word nothing understood makes the answer partial and is named in the notes", async () => {
  const r = await ask("molecular weight of aspirin in zorblax units");
  assert.equal(r.status, "partial");
  assert.deepEqual(r.understanding.unused.map((u) => u.text), ["zorblax", "units"]);
  assert.ok(r.notes.some((n) => /"zorblax"/.test(n)));
  assert.match(r.answer, /180\.16/, "what was understood is still answered");
});

Deno.test("unavailable data is declined by name with the related data that exists", async () => {
  const only = await ask("What is the pKa of aspirin?");
  assert.equal(only.status, "error");
  assert.equal(only.error?.code, "not_available");
  assert.match(only.error!.message, /pKa/);
  assert.match(only.answer, /Aspirin/, "the compound record is shown as related data");
  const mixed = await ask("MW and pKa of aspirin");
  assert.equal(mixed.status, "partial");
  assert.equal(mixed.error?.code, "not_available");
  assert.match(mixed.answer, /180\.16/);
  const potency = await ask("IC50 of imatinib on ABL1");
  assert.equal(potency.error?.code, "not_available");
  assert.deepEqual(tools(potency), ["targets_of_compound"]);
});

Deno.test("record fields the data has are answered (ATC, CAS, approval year, UniProt)", async () => {
  const atc = await ask("What is the ATC code of aspirin?");
  assert.equal(atc.status, "success");
  assert.match(atc.answer, /N02BA01/);
  assert.match((await ask("CAS number of caffeine")).answer, /58-08-2/);
  assert.match((await ask("When was imatinib first approved?")).answer, /2001/);
  const uniprot = await ask("UniProt accession of EGFR");
  assert.deepEqual(tools(uniprot), ["target_lookup"]);
  assert.match(uniprot.answer, /P00533/);
});

Deno.test("top N means exactly N ranked results with no hidden threshold", async () => {
  const r = await ask("Find the top 5 most similar compounds to aspirin");
  const sim = r.plan.steps[0];
  assert.equal(sim.args.threshold, 0);
  assert.equal((r.result.similar as Any).hits.length, 5);
  assert.match(r.answer, /the last has similarity 0\.\d{3}/);
});

Deno.test("relative constraints filter against the reference compound's computed value", async () => {
  const r = await ask("compounds with fewer HBD than celecoxib");
  assert.equal(r.intent.type, "property_filter");
  assert.deepEqual(tools(r), ["properties", "filter_by_properties"]);
  assert.deepEqual(r.plan.steps[1].args.filters, [{
    property: "hbd",
    op: "<",
    value: { $from: "s1", path: "properties.hbd" },
  }]);
  const ref = agent.data.compoundById("CHEMBL118")!.descriptors!.hbd;
  const kept = (r.result.filtered as Any).compounds as { id: string }[];
  assert.ok(kept.length > 0);
  assert.ok(kept.every((c) => agent.data.compoundById(c.id)!.descriptors!.hbd < ref));
  assert.ok(r.intent.entities.compounds.some((c) => c.id === "CHEMBL118" && c.role === "reference"));
  const implicit = await ask("similar to warfarin but with fewer aromatic rings");
  assert.equal(implicit.intent.type, "similarity_search");
  assert.deepEqual(tools(implicit), ["similarity_search", "properties", "filter_by_properties"]);
});

Deno.test("drugs hitting both of two targets are one intersected set", async () => {
  const r = await ask("drugs hitting both DRD2 and HTR2A");
  assert.equal(r.intent.type, "reverse_target_query");
  assert.deepEqual(tools(r), ["intersect_ligands"]);
});

Deno.test("plans are faithful: one target look-up feeds the ligand step; COX-1/COX-2 are targets", async () => {
  const r = await ask("get the targets of imatinib and then other drugs hitting the same targets");
  assert.deepEqual(tools(r), ["targets_of_compound", "ligands_of_target"]);
  assert.equal(r.plan.steps[1].for_each?.$from, "s1");
  const cox = await ask("Which drugs inhibit COX-1/COX-2?");
  assert.notEqual(cox.error?.code, "invalid_smiles");
  assert.deepEqual(tools(cox), ["ligands_of_target", "ligands_of_target"]);
  const first = await ask("targets of celecoxib, then list the first one's ligands");
  assert.equal(first.plan.steps[1].for_each?.max, 1);
});

Deno.test("in a long input the question part is answered and the preamble is context", async () => {
  const r = await ask(
    "I've been told warfarin has a narrow therapeutic index, and I'm preparing a short talk for pharmacy " +
      "students on anticoagulants. What does it target?",
  );
  assert.equal(r.intent.type, "target_query");
  assert.deepEqual(r.understanding.unused, []);
  assert.ok(r.intent.entities.compounds.some((c) => c.id === "CHEMBL1464"));
});

Deno.test("an unknown name in a list stays in the answer as not found", async () => {
  const r = await ask("compare aspirin, fakeium and ibuprofen");
  assert.equal(r.status, "partial");
  assert.ok(r.intent.entities.compounds.some((c) => c.text === "fakeium" && !c.id));
  assert.match(r.answer, /fakeium/);
});

Deno.test("a non-English word in the preamble is reported; ordinary English context is not", async () => {
  const pre =
    "We have used ibuprofen as the reference compound throughout the preliminary data, mostly because " +
    "it is cheap. ";
  const plain = await ask(pre + "Could you tell me its molecular weight?");
  assert.equal(plain.status, "success");
  assert.deepEqual(plain.understanding.unused, []);
  const odd = await ask(pre.replace("mostly", "glorpish mostly") + "Could you tell me its molecular weight?");
  assert.equal(odd.status, "partial");
  assert.deepEqual(odd.understanding.unused.map((u: Any) => u.text), ["glorpish"]);
});

Deno.test("broken or oversized structures keep the asked operation as intent", async () => {
  const bad = await ask("MW of C1CC(");
  assert.equal(bad.error?.code, "invalid_smiles");
  assert.equal(bad.intent.type, "property_query");
  const surplus = await ask("logP of CC(=O)Oc1ccccc1C(=O)O)");
  assert.equal(surplus.error?.code, "invalid_smiles");
  const huge = await ask(`molecular weight of ${"C".repeat(3000)}`);
  assert.equal(huge.error?.code, "input_too_complex");
  assert.equal(huge.intent.type, "property_query");
  const sim = await ask("similar to");
  assert.equal(sim.error?.code, "incomplete_query");
  assert.equal(sim.intent.type, "similarity_search");
});

Deno.test("targets named by a shared head noun or a common name resolve to the human curated protein", async () => {
  const both = await ask("drugs on both beta-1 and beta-2 adrenergic receptors");
  assert.deepEqual(both.intent.entities.targets.map((t: Any) => t.id).sort(), ["CHEMBL210", "CHEMBL213"]);
  const ache = await ask("which drugs bind to acetylcholinesterase?");
  assert.equal(ache.status, "success");
  const ache0 = (ache.intent.entities.targets as Any[])[0];
  assert.ok(ache0 && ache0.id !== "UniProt:Q7YWJ9", JSON.stringify(ache0));
  const xa = await ask("drugs targeting both factor Xa and thrombin");
  assert.equal(xa.intent.type, "reverse_target_query");
  assert.equal(xa.intent.entities.targets.length, 2);
});
