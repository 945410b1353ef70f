/** Typo-tolerant names, drug classes as entities, class_members, intersect_ligands and evidence-ranked targets. */
import assert from "node:assert/strict";
import { recognise } from "../../core/intent/entities.ts";
import { correctName } from "../../core/data/typos.ts";
import { editDistance, SuggestionIndex } from "../../core/data/suggest.ts";
import { collapseIntermediate, renderOutput } from "../../core/answer/render.ts";
import { createChemEngine } from "../../core/chem/engine.ts";
import { testAgent } from "../helpers.ts";

const agent = await testAgent();
const data = agent.data;
// deno-lint-ignore no-explicit-any
type Any = any;
const run = (tool: string, args: unknown) => agent.runTool(tool, args) as Promise<Any>;
// The main-thread engine answers the recogniser's synchronous SMILES questions (the agent asks its pool).
const engine = await createChemEngine();
const rec = (q: string) => recognise(q, data, engine);
/** A dataset stand-in exposing only what correctName reads, with `idx` as its compound names. */
const namesOnly = (idx: SuggestionIndex) =>
  ({
    compoundSuggestions: idx,
    targetSuggestions: new SuggestionIndex(),
    classes: { suggestions: new SuggestionIndex() },
    targetsByText: () => [],
  }) as unknown as typeof data;

Deno.test("edit distance counts an adjacent swap as one edit", () => {
  assert.equal(editDistance("egfr", "egrf"), 1);
  assert.equal(editDistance("naproxin", "naproxen"), 1);
  assert.equal(editDistance("acetominophen", "acetaminophen"), 1);
  assert.equal(editDistance("kitten", "sitting", 1), 2, "exits early above max");
});

Deno.test("clear typos are corrected to the one closest name, with the correction reported", () => {
  const cases: [string, string, string][] = [
    ["What are the targets of naproxin?", "naproxin", "CHEMBL154"],
    ["properties of ibuprofin", "ibuprofin", "CHEMBL521"],
    ["acetominophen logP", "acetominophen", "CHEMBL112"], // a synonym of paracetamol
    ["asprin vs ibuprofen", "asprin", "CHEMBL25"],
    ["atorvastatine targets", "atorvastatine", "CHEMBL1487"],
  ];
  for (const [q, typo, id] of cases) {
    const f = rec(q).found.find((x) => x.correction);
    assert.ok(f, q);
    assert.equal(f.kind, "compound");
    assert.equal(f.id, id, q);
    assert.equal(f.correction!.from, typo);
    assert.equal(q.slice(f.start, f.end), typo, "offsets point at what was typed");
    assert.equal(data.compoundsByName(f.text)[0]?.id, id, "the corrected text resolves");
  }
});

Deno.test("a typo of a class name is corrected to the class", () => {
  const f = rec("list the benzodiazapines").found[0];
  assert.equal(f.kind, "class");
  assert.equal(f.id, "benzodiazepines");
  assert.deepEqual(f.correction, { from: "benzodiazapines", to: "benzodiazepines" });
});

Deno.test("equally close names are a tie: no correction, the options are offered", () => {
  const idx = new SuggestionIndex();
  idx.add("cefalin", "Cefalin", "A", 4000);
  idx.add("cefalon", "Cefalon", "B", 100);
  const fake = namesOnly(idx);
  const tie = correctName("cefalan", fake);
  assert.equal(tie.found, undefined);
  assert.equal(tie.ambiguous, true);
  assert.deepEqual(tie.suggestions, ["Cefalin", "Cefalon"], "better-known name first");
  const clear = correctName("cefalinn", fake);
  assert.equal(clear.found?.id, "A");
});

Deno.test("name-like words that resolve to nothing are unknown spans, not dropped", () => {
  const r = rec("compare aspirin, fooximab and ibuprofen");
  assert.deepEqual(r.found.map((f) => f.id), ["CHEMBL25", "CHEMBL521"]);
  assert.equal(r.unknown.length, 1);
  assert.equal(r.unknown[0].text, "fooximab");
  assert.ok(Array.isArray(r.unknown[0].suggestions));
});

Deno.test("suggestions rank closeness, then prominence (approved drugs first), and are never far-fetched", () => {
  const idx = new SuggestionIndex();
  idx.add("tamoxifen", "Tamoxifen", "approved", 4100);
  idx.add("tamoxifan", "Tamoxifan", "obscure", 0);
  idx.add("tamoxifeno", "Tamoxifeno", "obscure2", 0);
  assert.deepEqual(idx.suggest("tamoxifem"), ["Tamoxifen", "Tamoxifan", "Tamoxifeno"]);
  // Beyond one edit a suggestion must keep the first letter; short words allow one edit only.
  assert.deepEqual(data.compoundSuggestions.suggest("tylenol"), []);
  const fix = correctName("Tylenol", data);
  assert.equal(fix.found, undefined);
});

Deno.test("ordinary questions are untouched by typo search (no corrections, nothing unknown)", () => {
  for (
    const q of ["What are the targets of imatinib?", "Find compounds similar to ibuprofen with MW < 300"]
  ) {
    const r = rec(q);
    assert.ok(r.found.every((f) => !f.correction), q);
    assert.deepEqual(r.unknown, [], q);
  }
});

Deno.test("drug classes are recognised with offsets, plurals, abbreviations and spellings", () => {
  const cases: [string, string, string][] = [
    ["list NSAIDs with MW < 300", "NSAIDs", "nsaids"],
    ["which statins are approved", "statins", "statins"],
    ["kinase inhibitors with MW < 450", "kinase inhibitors", "kinase_inhibitors"],
    ["show beta-blockers", "beta-blockers", "beta_blockers"],
    ["Which of these are SSRIs: fluoxetine, sertraline", "SSRIs", "ssris"],
    ["ACE inhibitors", "ACE inhibitors", "ace_inhibitors"],
    ["oral PPIs", "PPIs", "ppis"],
    ["sartans on the market", "sartans", "arbs"],
    ["GPCR agonists in phase 3", "GPCR agonists", "gpcr_agonists"],
    ["members of ATC C10AA", "ATC C10AA", "atc:C10AA"],
    ["list β-blockers", "β-blockers", "beta_blockers"],
    [
      "non-steroidal anti-inflammatory drugs with MW < 250",
      "non-steroidal anti-inflammatory drugs",
      "nsaids",
    ],
    ["ACE-inhibitors", "ACE-inhibitors", "ace_inhibitors"],
  ];
  for (const [q, text, id] of cases) {
    const f = rec(q).found.find((x) => x.kind === "class");
    assert.ok(f, q);
    assert.equal(f.id, id, q);
    assert.equal(q.slice(f.start, f.end), text, q);
  }
});

Deno.test("a target plus an action word stays a target, not a class (COX-2 inhibitors, EGFR inhibitors)", () => {
  for (const q of ["COX-2 inhibitors", "EGFR inhibitors"]) {
    const r = rec(q);
    assert.deepEqual(r.found.map((f) => f.kind), ["target"], q);
  }
});

Deno.test("chemistry words are not mistaken for classes", () => {
  for (
    const q of [
      "which drugs are blockers of hERG",
      "compounds containing a sulfonamide group",
      "steroid scaffold compounds",
      "Which enzymes does celecoxib inhibit",
    ]
  ) {
    assert.ok(rec(q).found.every((f) => f.kind !== "class"), q);
  }
});

Deno.test("class membership comes from the data (ATC, mechanisms, target families)", () => {
  const member = (cls: string, name: string) =>
    data.classes.members(cls).some((m) => m.compound.name.toLowerCase() === name);
  assert.ok(member("nsaids", "ibuprofen") && member("nsaids", "naproxen"));
  assert.ok(!member("nsaids", "paracetamol"), "paracetamol is not an NSAID");
  assert.ok(member("statins", "atorvastatin"));
  assert.ok(member("kinase_inhibitors", "imatinib"));
  assert.ok(member("beta_blockers", "metoprolol"));
  assert.ok(member("ssris", "fluoxetine") && !member("ssris", "aspirin"));
  assert.ok(member("ppis", "omeprazole") && !member("ppis", "digoxin"), "Na/K-ATPase is not the proton pump");
  assert.ok(member("benzodiazepines", "diazepam") && member("opioids", "fentanyl"));
  assert.ok(member("fluoroquinolones", "ciprofloxacin") && member("arbs", "losartan"));
  assert.ok(member("ccbs", "amlodipine") && member("ace_inhibitors", "captopril"));
  assert.ok(member("analgesics", "paracetamol") && member("antihypertensives", "captopril"));
  assert.ok(member("sglt2_inhibitors", "dapagliflozin") && member("proteasome_inhibitors", "bortezomib"));
  assert.match(
    data.classes.members("nsaids").find((m) => m.compound.name === "Ibuprofen")!.matched_by,
    /ATC M01AE01/,
  );
});

Deno.test("class_members filters by approval and route, and says how the class is defined", async () => {
  const r = await run("class_members", { class: "NSAIDs", approved: true, route: "oral" });
  assert.equal(r.class.id, "nsaids");
  assert.ok(r.members.every((m: Any) => m.phase === 4 && m.routes.includes("oral")));
  assert.ok(r.members.some((m: Any) => m.name === "Ibuprofen"));
  assert.ok(r.defined_by.some((d: string) => d.startsWith("ATC M01A")));
  assert.match(r.provenance[0].note, /ATC M01A/);
  assert.equal(typeof r.route_unknown, "number");
  const among = await run("class_members", { class: "SSRIs", among: ["fluoxetine", "aspirin"] });
  assert.deepEqual(among.members.map((m: Any) => m.name), ["Fluoxetine"]);
  assert.deepEqual(among.not_members.map((m: Any) => m.name), ["Aspirin"]);
  await assert.rejects(() => run("class_members", { class: "statinz" }), (e: Any) => e.code === "not_found");
  await assert.rejects(
    () => run("class_members", { class: "statins", route: "nasal" }),
    (e: Any) => e.code === "invalid_parameter",
  );
});

Deno.test("class_members reports route data it does not have instead of ignoring the filter", async () => {
  // Investigational kinase inhibitors carry no route in ChEMBL 18: the note says so.
  const r = await run("class_members", { class: "kinase inhibitors", approved: false, route: "oral" });
  assert.ok(r.notes.some((n: string) => /route/i.test(n)), r.notes.join());
});

Deno.test("intersect_ligands: drugs hitting both DRD2 and HTR2A, curated links first", async () => {
  const r = await run("intersect_ligands", { targets: ["DRD2", "HTR2A"] });
  const names = r.ligands.map((l: Any) => l.name);
  assert.ok(names.includes("Risperidone") && names.includes("Olanzapine"), names.slice(0, 20).join());
  // Every compound hitting both: each row's record (and any same-name records merged into it) is a ligand of both.
  const ids = async (target: string) =>
    new Set(
      (await run("ligands_of_target", { target, limit: 2000 })).ligands
        .flatMap((l: Any) => [l.id, ...(l.merged_ids ?? [])]),
    );
  const [drd2, htr] = [await ids("DRD2"), await ids("HTR2A")];
  const both = [...drd2].filter((id) => htr.has(id));
  const returned = r.ligands.flatMap((l: Any) => [l.id, ...(l.merged_ids ?? [])]);
  assert.ok(returned.every((id: string) => drd2.has(id) && htr.has(id)));
  assert.deepEqual(new Set(returned), new Set(both), "nothing missed");
  assert.ok(r.total < both.length, "same-name records (fluphenazine and its salt) are one row");
  assert.equal(r.ligands[0].evidence, "curated_mechanism");
  const ranks = r.ligands.map((l: Any) =>
    ["curated_mechanism", "drugcentral_mechanism", "bioactivity"].indexOf(l.evidence)
  );
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), "ranked by evidence");
  await assert.rejects(
    () => run("intersect_ligands", { targets: ["DRD2"] }),
    (e: Any) => e.code === "invalid_parameter",
  );
});

Deno.test("targets of imatinib: one row per protein, curated mechanisms first, aliases shown", async () => {
  const r = await run("targets_of_compound", { compound: "imatinib" });
  const genes = r.targets.filter((t: Any) => t.genes.length === 1).map((t: Any) => t.genes[0]);
  assert.equal(new Set(genes).size, genes.length, "no duplicate rows for one gene");
  assert.deepEqual(
    r.targets.slice(0, 3).map((t: Any) => t.genes[0]).sort(),
    ["ABL1", "KIT", "PDGFRB"],
    "the curated ChEMBL mechanisms lead",
  );
  const abl = r.targets.find((t: Any) => t.genes[0] === "ABL1");
  assert.equal(abl.evidence, "curated_mechanism");
  assert.deepEqual(
    abl.sources,
    ["ChEMBL 18 (2014)", "DrugCentral 2016 (CHEMBL)"],
    "sources merged into one row",
  );
  const ranks = r.targets.map((t: Any) =>
    ["curated_mechanism", "drugcentral_mechanism", "bioactivity"].indexOf(t.evidence)
  );
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
  const md = renderOutput("targets_of_compound", r);
  assert.match(md, /<details><summary>\d+ more targets with bioactivity-only evidence/);
  assert.ok(md.indexOf("ABL1") < md.indexOf("<details>"), "strong rows before the collapsed section");
});

Deno.test("aliases: COX-1/COX-2 are shown next to PTGS1/PTGS2", async () => {
  const r = await run("targets_of_compound", { compound: "aspirin" });
  const ptgs1 = r.targets.find((t: Any) => t.genes.length === 1 && t.genes[0] === "PTGS1");
  assert.ok(ptgs1.aliases.includes("COX-1"), ptgs1.aliases.join());
  const l = await run("ligands_of_target", { target: "COX-2" });
  assert.ok(l.targets[0].aliases.includes("COX-2"));
  const ranks = l.ligands.map((x: Any) =>
    ["curated_mechanism", "drugcentral_mechanism", "bioactivity"].indexOf(x.evidence)
  );
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
});

Deno.test("a long intermediate table in a workflow folds behind its lead sentence", () => {
  const rows = Array.from({ length: 14 }, (_, i) => `| ${i + 1} | x |`);
  const body = ["Compounds similar to X:", "", "| # | Name |", "| --- | --- |", ...rows, "", "_4 more._"]
    .join("\n");
  const folded = collapseIntermediate(body);
  assert.ok(folded.startsWith("Compounds similar to X:\n\n<details><summary>Show the 14 rows"), folded);
  assert.ok(folded.includes("| 14 | x |"), "the table is still there, folded");
  const short = ["Lead:", "", "| # | Name |", "| --- | --- |", "| 1 | x |"].join("\n");
  assert.equal(collapseIntermediate(short), short);
});

Deno.test("ordinary and chemistry words near a drug name are never corrected into it", () => {
  for (
    const w of [
      "area",
      "alone",
      "either",
      "approval",
      "indicate",
      "pyridine",
      "triazole",
      "lactone",
      "serum",
      "later",
    ]
  ) {
    const q = `what is the ${w} of it`;
    assert.deepEqual(rec(q).found.filter((f) => f.correction), [], w);
  }
});

Deno.test("a short or obscure near miss is suggested, not silently corrected", () => {
  const r = rec("EGRF ligands");
  assert.equal(r.found.length, 0, "four letters are too short to correct");
  assert.deepEqual(r.unknown[0].suggestions, ["EGFR"]);
  const idx = new SuggestionIndex();
  idx.add("obscurol", "Obscurol", "X", 1); // no phase, approval or mechanism
  const fake = namesOnly(idx);
  const fix = correctName("obscurel", fake);
  assert.equal(fix.found, undefined);
  assert.deepEqual(fix.suggestions, ["Obscurol"]);
});

Deno.test("the compound card shows routes and the ATC group names the data has", async () => {
  const r = await run("compound_lookup", { query: "ibuprofen" });
  assert.deepEqual(r.compound.routes, ["oral", "parenteral"]);
  assert.equal(r.atc_groups.M01AE01, "Propionic acid derivatives");
  const md = renderOutput("compound_lookup", r);
  assert.match(md, /M01AE01 \(Propionic acid derivatives\)/);
  assert.match(md, /Routes \(ChEMBL 18\): oral, parenteral/);
});
