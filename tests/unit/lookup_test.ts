import assert from "node:assert/strict";
import { ChemAgentError } from "../../core/mod.ts";
import { testAgent } from "../helpers.ts";

const agent = await testAgent();
// deno-lint-ignore no-explicit-any
type Any = any;
const run = (tool: string, args: unknown) => agent.runTool(tool, args) as Promise<Any>;
const lookup = (q: string) => run("compound_lookup", { query: q });

Deno.test("aspirin spellings, its ID and a non-canonical SMILES all resolve to CHEMBL25", async () => {
  for (
    const q of [
      "aspirin",
      "Aspirin",
      "acetylsalicylic acid",
      "ASPIRIN?",
      "CHEMBL25",
      "chembl25",
      " aspirin. ",
      "CC(=O)OC1=CC=CC=C1C(=O)O",
      "OC(=O)c1ccccc1OC(C)=O",
    ]
  ) {
    const r = await lookup(q);
    assert.equal(r.compound.id, "CHEMBL25", q);
  }
  assert.equal((await lookup("CC(=O)OC1=CC=CC=C1C(=O)O")).matched_by, "structure");
});

Deno.test("salt forms resolve to the parent compound", async () => {
  assert.equal((await lookup("imatinib mesylate")).compound.id, "CHEMBL941");
  assert.equal((await lookup("Imatinib Mesilate")).compound.id, "CHEMBL941");
  assert.equal((await lookup("CHEMBL1642")).compound.id, "CHEMBL941", "salt's own ChEMBL ID");
  assert.equal((await lookup("ibuprofen sodium")).compound.id, "CHEMBL521");
  const r = await lookup("metformin hydrochloride");
  assert.equal(r.compound.name.toLowerCase(), "metformin");
});

Deno.test("an unknown name is not_found with did-you-mean suggestions", async () => {
  await assert.rejects(() => lookup("ibuprofin"), (e: ChemAgentError) => {
    assert.equal(e.code, "not_found");
    assert.ok(e.suggestions.map((s) => s.toLowerCase()).includes("ibuprofen"), e.suggestions.join());
    return true;
  });
  await assert.rejects(() => lookup("CHEMBL999999999"), (e: ChemAgentError) => e.code === "not_found");
});

Deno.test("targets of aspirin include PTGS1 and PTGS2 (COX-1/COX-2) with action types", async () => {
  const r = await run("targets_of_compound", { compound: "aspirin" });
  const genes = new Set(r.targets.filter((t: Any) => t.primary).flatMap((t: Any) => t.genes));
  assert.ok(genes.has("PTGS1") && genes.has("PTGS2"), [...genes].join());
  assert.ok(r.targets.filter((t: Any) => t.primary).every((t: Any) => t.action_types.includes("INHIBITOR")));
});

Deno.test("ligands of EGFR include erlotinib and gefitinib, by gene, alias, ChEMBL ID and UniProt", async () => {
  for (const q of ["EGFR", "CHEMBL203", "P00533", "HER1", "Epidermal growth factor receptor erbB1"]) {
    const r = await run("ligands_of_target", { target: q });
    const names = new Set(r.ligands.map((l: Any) => l.name.toLowerCase()));
    assert.ok(names.has("erlotinib") && names.has("gefitinib"), `${q}: ${[...names].slice(0, 10).join()}`);
  }
});

Deno.test("COX-2 alias resolves to PTGS2 and finds celecoxib", async () => {
  const r = await run("ligands_of_target", { target: "COX-2" });
  assert.deepEqual(r.targets.map((t: Any) => t.genes[0]), ["PTGS2"]);
  assert.ok(r.ligands.some((l: Any) => l.name.toLowerCase() === "celecoxib"));
});

Deno.test("REST search finds compounds by prefix and suggests for typos", async () => {
  const r = await agent.searchCompounds("imatin", 5);
  assert.ok(r.compounds.some((c) => c.id === "CHEMBL941"));
  const s = await agent.searchCompounds("paracetamoll", 5);
  assert.ok(s.compounds.length > 0 || s.suggestions.some((x) => x.toLowerCase().includes("paracetamol")));
});
