import assert from "node:assert/strict";
import { ChemAgentError } from "../../core/mod.ts";
import { bulkTanimoto, tanimoto } from "../../core/chem/mod.ts";
import { testAgent } from "../helpers.ts";
import { storedFacts } from "../../core/tools/properties.ts";

const agent = await testAgent();
// deno-lint-ignore no-explicit-any
type Any = any;
const run = (tool: string, args: unknown) => agent.runTool(tool, args) as Promise<Any>;
const code = (c: string) => (e: ChemAgentError) => e.code === c;

Deno.test("properties of aspirin are computed by RDKit (not typed in)", async () => {
  const r = await run("properties", { compound: "aspirin" });
  assert.equal(r.properties.formula, "C9H8O4");
  assert.ok(Math.abs(r.properties.molecular_weight - 180.159) < 0.01);
  assert.equal(r.inchikey, "BSYNRYMUTXBXSQ-UHFFFAOYSA-N");
  assert.equal(r.lipinski.passes, true);
  assert.deepEqual(r.lipinski.violations, []);
  const raw = await run("properties", { smiles: "CCO" });
  assert.equal(raw.properties.formula, "C2H6O");
  assert.equal(raw.properties.heavy_atoms, 3);
});

Deno.test("a dataset compound's facts are the build's RDKit facts: equal to a worker's now, no round trip", async () => {
  const stored = agent.data.compounds.filter((c) => c.inchi);
  assert.ok(stored.length > 8000);
  // A spread sample (the build checked every one of them the same way before keeping its InChI).
  for (const c of stored.filter((_, i) => i % 50 === 0)) {
    const computed = await agent.chem.facts(c.canonical_smiles!, { trusted: true });
    assert.deepEqual(storedFacts(c, c.canonical_smiles!, agent.context()), computed, c.id);
  }
  const calls = agent.chem.stats().calls;
  const r = await run("properties", { compound: "caffeine" });
  assert.equal(agent.chem.stats().calls, calls, "no worker call for a lookup");
  const direct = await agent.chem.facts(r.smiles, { trusted: true });
  assert.deepEqual([r.smiles, r.inchi, r.inchikey, r.properties], [
    direct.canonical_smiles,
    direct.inchi,
    direct.inchikey,
    direct.descriptors,
  ]);
});

Deno.test("Lipinski lists violations (cyclosporin fails)", async () => {
  const r = await run("lipinski", { compound: "cyclosporine" });
  assert.equal(r.lipinski.passes, false);
  assert.ok(r.lipinski.violations.some((v: Any) => v.property === "molecular_weight"));
});

Deno.test("charged and multi-fragment formulas carry the net charge", async () => {
  assert.equal((await agent.chem.descriptors("CC(=O)[O-].[Na+]")).formula, "C2H3NaO2");
  assert.equal((await agent.chem.descriptors("C[N+](C)(C)C")).formula, "C4H12N+");
});

Deno.test("similarity search is sorted, thresholded, excludes the query, and matches direct Tanimoto", async () => {
  const r = await run("similarity_search", { compound: "ibuprofen", threshold: 0.3, limit: 50 });
  assert.ok(r.hits.length > 3);
  const sims = r.hits.map((h: Any) => h.similarity);
  assert.deepEqual(sims, [...sims].sort((a: number, b: number) => b - a));
  assert.ok(sims.every((s: number) => s >= 0.3));
  assert.ok(!r.hits.some((h: Any) => h.id === "CHEMBL521"));
  const q = agent.data.fingerprintOf(agent.data.compoundById("CHEMBL521")!)!;
  for (const h of r.hits.slice(0, 5)) {
    const fp = agent.data.fingerprintOf(agent.data.compoundById(h.id)!)!;
    assert.ok(Math.abs(tanimoto(q, fp) - h.similarity) < 1e-4);
  }
  const again = await run("similarity_search", { compound: "ibuprofen", threshold: 0.3, limit: 50 });
  assert.deepEqual(again.hits.map((h: Any) => h.id), r.hits.map((h: Any) => h.id), "ties are stable");
});

Deno.test("similarity search through the fingerprint index equals a full bulk scan (hits, order, total)", async () => {
  for (const name of ["ibuprofen", "imatinib", "morphine", "atorvastatin"]) {
    const c = agent.data.compoundsByName(name)[0];
    const i = agent.data.indexOf(c);
    const scores = bulkTanimoto(agent.data.fingerprintOf(c)!, agent.data.fingerprints, agent.data.fpCounts);
    for (const threshold of [0.3, 0.5]) {
      const want = [...scores.keys()]
        .filter((j) => scores[j] >= threshold && agent.data.fpCounts[j] && j !== i)
        .sort((x, y) => scores[y] - scores[x] || x - y);
      const r = await run("similarity_search", { compound: c.id, threshold, limit: 500 });
      assert.equal(r.total_above_threshold, want.length, `${name} ≥ ${threshold}`);
      assert.deepEqual(
        r.hits.map((h: Any) => h.id),
        want.slice(0, 500).map((j) => agent.data.compounds[j].id),
      );
    }
  }
});

Deno.test("similarity search by a SMILES not in the dataset works", async () => {
  const r = await run("similarity_search", { smiles: "CC(C)Cc1ccc(cc1)C(C)C(=O)OC", threshold: 0.5 });
  assert.ok(r.hits.some((h: Any) => h.id === "CHEMBL521"));
});

Deno.test("bad tool arguments are invalid_parameter", async () => {
  await assert.rejects(
    () => run("similarity_search", { compound: "aspirin", threshold: 1.5 }),
    code("invalid_parameter"),
  );
  await assert.rejects(
    () => run("similarity_search", { compound: "aspirin", threshold: -0.1 }),
    code("invalid_parameter"),
  );
  await assert.rejects(
    () => run("similarity_search", { compound: "aspirin", limit: -3 }),
    code("invalid_parameter"),
  );
  await assert.rejects(
    () => run("similarity_search", { compound: "aspirin", limit: 10_000_000 }),
    code("invalid_parameter"),
  );
  await assert.rejects(() => run("properties", {}), code("invalid_parameter"));
});

Deno.test("unknown tool names are not_found, inherited object properties included", async () => {
  for (const name of ["no_such_tool", "constructor", "toString", "__proto__", "hasOwnProperty"]) {
    await assert.rejects(() => run(name, {}), code("not_found"), name);
  }
});

Deno.test("invalid SMILES report where RDKit stopped", async () => {
  await assert.rejects(() => run("properties", { smiles: "CC(C)C1CC(" }), (e: ChemAgentError) => {
    assert.equal(e.code, "invalid_smiles");
    assert.match(e.message, /position 10/);
    return true;
  });
  await assert.rejects(
    () => run("properties", { smiles: "c1cccc1" }),
    (e: ChemAgentError) => e.code === "invalid_smiles" && /kekul/.test(e.message),
  );
  await assert.rejects(() => run("properties", { smiles: "C".repeat(10_000) }), code("invalid_parameter"));
});

Deno.test("substructure search finds carboxylic acids including aspirin and ibuprofen", async () => {
  const r = await run("substructure_search", { query: "c1ccccc1C(=O)[OH]", limit: 1000 });
  const ids = new Set(r.hits.map((h: Any) => h.id));
  assert.ok(ids.has("CHEMBL25"));
  assert.ok(r.total > 50);
  await assert.rejects(() => run("substructure_search", { query: "C((" }), code("invalid_smiles"));
});

Deno.test("compare, filter and rank agree with the descriptors", async () => {
  const cmp = await run("compare_properties", { compounds: ["aspirin", "ibuprofen"], properties: ["clogp"] });
  assert.equal(cmp.extremes.clogp.highest, "CHEMBL521");
  const f = await run("filter_by_properties", {
    compounds: ["aspirin", "ibuprofen", "imatinib"],
    filters: [{ property: "molecular_weight", op: "<", value: 300 }],
  });
  assert.deepEqual(f.compounds.map((c: Any) => c.id).sort(), ["CHEMBL25", "CHEMBL521"]);
  const rk = await run("rank", { compounds: ["aspirin", "ibuprofen", "imatinib"], by: "molecular_weight" });
  assert.deepEqual(rk.compounds.map((c: Any) => c.id), ["CHEMBL941", "CHEMBL521", "CHEMBL25"]);
});

Deno.test("intersect_targets: imatinib and nilotinib share ABL1 and KIT", async () => {
  const a = await run("targets_of_compound", { compound: "imatinib", include_activity: false });
  const b = await run("targets_of_compound", { compound: "nilotinib", include_activity: false });
  const r = await run("intersect_targets", {
    sets: [a.targets.map((t: Any) => t.id), b.targets.map((t: Any) => t.id)],
  });
  const genes = new Set(r.common.flatMap((t: Any) => t.genes));
  assert.ok(genes.has("ABL1"), [...genes].join());
});

Deno.test("depiction is an SVG and highlights a substructure", async () => {
  const svg = await agent.chem.depict("CC(=O)Oc1ccccc1C(=O)O", { highlight: "c1ccccc1" });
  assert.match(svg, /^<\?xml|<svg/);
  assert.match(svg, /<\/svg>/);
});
