/** Each workflow's result equals the same chain computed step by step with the tools called directly. */
import assert from "node:assert/strict";
import { testAgent } from "../helpers.ts";

const agent = await testAgent();
// deno-lint-ignore no-explicit-any
type Any = any;
const run = (tool: string, args: unknown) => agent.runTool(tool, args) as Promise<Any>;
const ids = (xs: { id: string }[]) => xs.map((x) => x.id);

Deno.test("targets of compounds similar to aspirin = union of targets_of_compound over similarity hits", async () => {
  const r = await agent.query({ query: "Find compounds similar to aspirin and get their targets" });
  assert.equal(r.intent.type, "multi_step_workflow");
  assert.deepEqual(r.plan.steps.map((s) => s.tool), ["similarity_search", "targets_of_compound"]);
  assert.deepEqual(r.plan.steps[1].depends_on, ["s1"]);
  const sim = await run("similarity_search", { compound: "aspirin", threshold: 0.5, limit: 10 });
  const each = r.result.targets_each as Any[];
  assert.deepEqual(each.map((e) => e.input), ids(sim.hits));
  for (const e of each) {
    const direct = await run("targets_of_compound", { compound: e.input, include_activity: true });
    assert.deepEqual(ids(e.output.targets), ids(direct.targets));
  }
  const same = await agent.query({ query: "What are the targets of compounds similar to aspirin?" });
  assert.deepEqual(same.plan.steps.map((s) => s.tool), ["similarity_search", "targets_of_compound"]);
});

Deno.test("similar → filter (MW < 300) → rank equals the chain done by hand", async () => {
  const r = await agent.query({
    query: "Find compounds similar to ibuprofen with MW < 300 and rank them by logP",
  });
  assert.deepEqual(r.plan.steps.map((s) => s.tool), ["similarity_search", "filter_by_properties", "rank"]);
  const threshold = r.plan.steps[0].args.threshold as number;
  const sim = await run("similarity_search", { compound: "ibuprofen", threshold, limit: 500 });
  const filtered = await run("filter_by_properties", {
    compounds: ids(sim.hits),
    filters: [{ property: "molecular_weight", op: "<", value: 300 }],
    limit: 500,
  });
  const ranked = await run("rank", {
    compounds: ids(filtered.compounds),
    by: "clogp",
    order: "desc",
    limit: 10,
  });
  assert.deepEqual(ids((r.result.ranked as Any).compounds), ids(ranked.compounds));
  assert.ok(
    (r.result.ranked as Any).compounds.every((c: Any) =>
      agent.data.compoundById(c.id)!.descriptors!.molecular_weight < 300
    ),
  );
});

Deno.test("lookup → properties → similar runs as a chain on the looked-up compound", async () => {
  const r = await agent.query({
    query: "Look up aspirin, compute its properties, then find similar compounds",
  });
  assert.deepEqual(r.plan.steps.map((s) => s.tool), ["compound_lookup", "properties", "similarity_search"]);
  assert.equal(r.status, "success");
  const direct = await run("similarity_search", { compound: "CHEMBL25", threshold: 0.5, limit: 10 });
  assert.deepEqual(ids((r.result.similar as Any).hits), ids(direct.hits));
});

Deno.test("targets → other ligands of the same targets", async () => {
  const r = await agent.query({ query: "What are the targets of imatinib and what other drugs hit them?" });
  assert.deepEqual(r.plan.steps.map((s) => s.tool), ["targets_of_compound", "ligands_of_target"]);
  const t = await run("targets_of_compound", { compound: "imatinib", include_activity: false });
  const each = r.result.ligands_each as Any[];
  assert.deepEqual(each.map((e) => e.input), ids(t.targets));
  const abl = each.find((e) => e.output.targets[0].genes.includes("ABL1"));
  assert.ok(abl.output.ligands.some((l: Any) => /nilotinib|dasatinib/i.test(l.name)));
});

Deno.test("targets of A ∩ targets of B", async () => {
  const r = await agent.query({ query: "What targets do imatinib and nilotinib have in common?" });
  assert.equal(r.intent.type, "target_comparison");
  const a = await run("targets_of_compound", { compound: "imatinib", include_activity: false });
  const b = await run("targets_of_compound", { compound: "nilotinib", include_activity: false });
  const expected = ids(a.targets).filter((id) => ids(b.targets).includes(id)).sort();
  assert.deepEqual(ids((r.result.common_targets as Any).common), expected);
  assert.ok(expected.length > 0);
});

Deno.test("property comparison → conditional next step on the winner", async () => {
  const r = await agent.query({
    query:
      "Which has higher LogP, aspirin or ibuprofen, then find compounds similar to the one with higher LogP",
  });
  assert.deepEqual(r.plan.steps.map((s) => s.tool), [
    "compound_lookup",
    "compound_lookup",
    "compare_properties",
    "similarity_search",
  ]);
  const sim = r.result.similar as Any;
  assert.equal(sim.query.id, "CHEMBL521", "ibuprofen has the higher cLogP");
});

Deno.test("independent steps run in parallel and batch inputs are deduplicated", async () => {
  const r = await agent.query({ query: "properties for CHEMBL25 CHEMBL112 CHEMBL521 CHEMBL25 CHEMBL941" });
  assert.equal(r.intent.type, "batch_query");
  assert.equal(r.plan.steps.length, 4);
  assert.ok(r.plan.steps.every((s) => s.depends_on.length === 0));
  assert.equal((r.result.properties as Any[]).length, 4);
});
