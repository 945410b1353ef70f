import assert from "node:assert/strict";
import { ChemAgentError } from "../../core/errors.ts";
import { checkPattern, checkSmiles, LIMITS, scanStructure } from "../../core/chem/bounds.ts";
import { createChemPool } from "../../core/chem/pool.ts";
import { smilesCandidates } from "../../core/chem/smiles_checker.ts";

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return "ok";
  } catch (e) {
    return e instanceof ChemAgentError ? e.code : `untyped ${e}`;
  }
};

Deno.test("the structure scan counts heavy atoms, ring closures and branch depth without RDKit", () => {
  const aspirin = scanStructure("CC(=O)Oc1ccccc1C(=O)O");
  assert.deepEqual(
    [aspirin.heavyAtoms, aspirin.ringClosures, aspirin.branchDepth, aspirin.wildcards],
    [13, 1, 1, 0],
  );
  const s = scanStructure("[2H]C([H])(Cl)[C@@H]1CC%12CC1%12(C(C(Br)))");
  assert.deepEqual([s.heavyAtoms, s.ringClosures, s.branchDepth], [10, 2, 3]);
  assert.equal(scanStructure("*~*~[*]~[#0]~c").wildcards, 4);
});

Deno.test("limits refuse hostile structures by name and admit large real drugs", () => {
  const refused = (f: () => unknown) => {
    try {
      f();
      return "admitted";
    } catch (e) {
      assert.ok(e instanceof ChemAgentError && e.code === "input_too_complex", String(e));
      return (e.details as { limit: string }).limit;
    }
  };
  assert.equal(refused(() => checkSmiles("C".repeat(600))), "heavyAtoms");
  assert.equal(refused(() => checkSmiles("C".repeat(5000))), "smilesLength");
  assert.equal(refused(() => checkSmiles("C1CC1".repeat(300))), "heavyAtoms");
  assert.equal(refused(() => checkSmiles("C(".repeat(40) + "C" + ")".repeat(40))), "branchDepth");
  assert.equal(refused(() => checkSmiles("C1C2C3C4C5C6C7C8C9".repeat(16))), "ringClosures");
  assert.equal(refused(() => checkPattern(Array(80).fill("*").join("~"))), "patternAtoms");
  assert.equal(refused(() => checkPattern("*~*~*~*~*~*~*~C")), "patternWildcards");
  assert.equal(refused(() => checkPattern("*~*~*~C~*")), "patternWildcardShare");
  // Vancomycin (101 heavy atoms, 10 ring closures) and cyclosporin (85) pass.
  const vancomycin =
    "CN[C@H](CC(C)C)C(=O)N[C@@H]1C(=O)N[C@@H](CC(N)=O)C(=O)N[C@H]2C(=O)N[C@H]3C(=O)N[C@H](C(=O)N[C@@H](C(=O)O)c4cc(O)cc(O)c4-c4cc3ccc4O)[C@H](O)c3ccc(c(Cl)c3)Oc3cc2cc(c3O[C@@H]2O[C@H](CO)[C@@H](O)[C@H](O)[C@H]2O[C@H]2C[C@](C)(N)[C@H](O)[C@H](C)O2)Oc2ccc(cc2Cl)[C@H]1O";
  assert.equal(refused(() => checkSmiles(vancomycin)), "admitted");
  assert.ok(scanStructure(vancomycin).heavyAtoms <= LIMITS.heavyAtoms);
});

Deno.test("SMILES candidates come only from SMILES-shaped tokens (plain questions need no worker)", () => {
  assert.deepEqual(smilesCandidates("What are the targets of imatinib?"), []);
  assert.ok(smilesCandidates("MW of CC(=O)Oc1ccccc1C(=O)O?").includes("CC(=O)Oc1ccccc1C(=O)O"));
});

Deno.test("a worker that traps, times out or is cancelled is replaced and the next call succeeds", async () => {
  const pool = await createChemPool({ size: 1, timeoutMs: 20_000 });
  try {
    // Bypasses the limits on purpose: RDKit WASM traps ("memory access out of bounds") on this chain.
    assert.equal(await codeOf(pool.run("facts", "C".repeat(1000))), "input_too_complex");
    assert.equal((await pool.descriptors("CC(=O)Oc1ccccc1C(=O)O")).molecular_weight, 180.159);
    assert.equal(await codeOf(pool.run("spin", 120_000, { timeoutMs: 200 })), "timeout");
    assert.equal((await pool.descriptors("CCO")).molecular_weight, 46.069);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    assert.equal(await codeOf(pool.run("spin", 120_000, { signal: ac.signal })), "cancelled");
    assert.equal(await pool.canonical("OCC"), "CCO");
    assert.deepEqual(pool.stats().restarts, { timeout: 1, cancelled: 1, crashed: 1 });
    // The limits answer before any worker is involved.
    const calls = pool.stats().calls;
    assert.equal(await codeOf(pool.descriptors("C".repeat(1000))), "input_too_complex");
    assert.equal(pool.stats().calls, calls);
  } finally {
    pool.close();
  }
});

Deno.test("cancel during a long substructure search stops it between chunks", async () => {
  const pool = await createChemPool({ size: 2, timeoutMs: 60_000, chunkSize: 25 });
  try {
    const data = JSON.parse(await Deno.readTextFile(new URL("../../data/dataset.json", import.meta.url)));
    const smiles: string[] = data.compounds.map((c: { canonical_smiles?: string }) => c.canonical_smiles)
      .filter(Boolean).slice(0, 1000);
    await pool.setLibrary(smiles);
    const chunks = Math.ceil(smiles.length / 25);
    const full = await pool.substructureSearch("c1ccccc1");
    assert.ok(full.length > 100, `benzene rings in ${full.length} of 1000`);
    const before = pool.stats().calls;
    const ac = new AbortController();
    const search = pool.substructureSearch("c1ccccc1", { signal: ac.signal });
    // Abort once a few chunks have gone through.
    while (pool.stats().calls < before + 4) await new Promise((r) => setTimeout(r, 1));
    ac.abort();
    assert.equal(await codeOf(search), "cancelled");
    const sent = pool.stats().calls - before;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(pool.stats().calls - before, sent, "no chunk is sent after the cancel");
    assert.ok(sent < chunks, `${sent} of ${chunks} chunks ran`);
    assert.deepEqual(await pool.substructureSearch("c1ccccc1"), full);
  } finally {
    pool.close();
  }
});

Deno.test("several libraries by id; maxResults gives the first hits in library order; drop forgets", async () => {
  const pool = await createChemPool({ size: 2, timeoutMs: 60_000, chunkSize: 50 });
  try {
    const data = JSON.parse(await Deno.readTextFile(new URL("../../data/dataset.json", import.meta.url)));
    const smiles: string[] = data.compounds.map((c: { canonical_smiles?: string }) => c.canonical_smiles)
      .filter(Boolean).slice(0, 600);
    const small = smiles.slice(300);
    await pool.setLibrary(smiles);
    // Precomputed pattern fingerprints (as a stored library would bring) are used as given.
    await pool.setLibrary(small, { id: "small", patternFps: await pool.patternFingerprints(small) });
    const all = await pool.substructureSearch("c1ccccc1");
    const inSmall = await pool.substructureSearch("c1ccccc1", { library: "small" });
    assert.deepEqual(inSmall, all.filter((r) => r >= 300).map((r) => r - 300));
    for (const max of [1, 7, 120]) {
      assert.deepEqual(await pool.substructureSearch("c1ccccc1", { maxResults: max }), all.slice(0, max));
    }
    assert.deepEqual(
      await pool.substructureSearch("S(=O)(=O)N", { library: "small", maxResults: 3 }),
      (await pool.substructureSearch("S(=O)(=O)N", { library: "small" })).slice(0, 3),
    );
    // An explicit timeoutMs is the deadline of the search.
    assert.equal(
      await codeOf(pool.substructureSearch("[#6]", { library: "small", timeoutMs: 1 })),
      "timeout",
    );
    pool.dropLibrary("small");
    assert.equal(await codeOf(pool.substructureSearch("c1ccccc1", { library: "small" })), "not_found");
    assert.deepEqual(await pool.substructureSearch("c1ccccc1"), all);
  } finally {
    pool.close();
  }
});

Deno.test("docs/limits.md states exactly the limits the code enforces", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/limits.md", import.meta.url));
  for (const [name, value] of Object.entries(LIMITS)) {
    const cell = String(value).replace(".", "\\.");
    assert.match(doc, new RegExp("\\|\\s*`" + name + "`\\s*\\|\\s*" + cell + "\\s*\\|"), name);
  }
  const rows = doc.split("\n").filter((l) => /^\|\s*`\w+`\s*\|\s*[\d.]+\s*\|/.test(l));
  assert.equal(rows.length, Object.keys(LIMITS).length, "no limit documented that the code lacks");
});

Deno.test("recursive SMARTS deeper than the limit are refused before RDKit, and their atoms count", () => {
  assert.equal(scanStructure("[$(CC(=O)O)]").recursionDepth, 1);
  assert.equal(scanStructure("[$([$(C=O)]N)]").recursionDepth, 2);
  const deep = "[$(".repeat(15) + "C" + ")]".repeat(15);
  assert.throws(() => checkPattern(deep), (e: ChemAgentError) => e.code === "input_too_complex");
  assert.throws(() => checkSmiles(deep), (e: ChemAgentError) => e.code === "input_too_complex");
  // Wildcards hidden inside a recursive SMARTS are still wildcards.
  assert.equal(scanStructure("[$(*~*~*~*)]").wildcards, 4);
  checkPattern("[$(c1ccccc1)]C(=O)O");
});

Deno.test("atoms that pin no element count as wildcards: negations, degree and ring primitives", () => {
  assert.equal(scanStructure("[!#1][!#1][!C][D3][X4][R][r5]").wildcards, 7);
  assert.equal(scanStructure("[Xe][Rb][Dy][c][nH][#6][13C]").wildcards, 0);
  assert.throws(
    () => checkPattern("[!#1]".repeat(13)),
    (e: ChemAgentError) => e.code === "input_too_complex",
  );
});
