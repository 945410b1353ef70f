/** Library import end to end in core: real RDKit pool, real files in a temp state directory. */
import assert from "node:assert/strict";
import { ANYONE, createChemPool, importLibrary, LibraryStore } from "../../core/mod.ts";
import { readRecords, sniffFormat } from "../../core/data/libraries/parse.ts";
import { neutralize } from "../../core/chem/standardize.ts";

const streamOf = (text: string | Uint8Array) =>
  new Blob([typeof text === "string" ? text : text as Uint8Array<ArrayBuffer>]).stream();

const gzip = async (text: string) =>
  new Uint8Array(await new Response(streamOf(text).pipeThrough(new CompressionStream("gzip"))).arrayBuffer());

Deno.test("SMILES, CSV and SDF readers number records and lines; a broken row is reported, not fatal", async () => {
  const read = async (text: string, f: "sdf" | "smiles" | "csv") =>
    await Array.fromAsync(readRecords(
      (async function* () {
        // Split mid-line so the reader's line joining is exercised.
        for (let i = 0; i < text.length; i += 7) yield text.slice(i, i + 7);
      })(),
      f,
    ));
  const smi = await read("SMILES Name\nCCO ethanol\n\nc1ccccc1 benzene ring\r\nCC(=O)O\n", "smiles");
  assert.deepEqual(smi.map((r) => [r.record, r.line, r.smiles, r.name]), [
    [1, 2, "CCO", "ethanol"],
    [2, 4, "c1ccccc1", "benzene ring"],
    [3, 5, "CC(=O)O", undefined],
  ]);
  const csv = await read('id,"SMILES",mw\nA1,CCO,46\nA2,,0\nA3,"C(=O)O",46\n', "csv");
  assert.deepEqual(csv.map((r) => [r.record, r.line, r.smiles ?? r.error, r.name]), [
    [1, 2, "CCO", "A1"],
    [2, 3, "the SMILES cell is empty", undefined],
    [3, 4, "C(=O)O", "A3"],
  ]);
  const mol = "\n  RDKit          2D\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n" +
    "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\nM  END\n";
  const sdf = await read(`m1${mol}> <ID>\nX-1\n\n$$$$\nbroken\nno counts\n$$$$\nm3${mol}$$$$\n`, "sdf");
  assert.deepEqual(sdf.map((r) => [r.record, r.line, r.name, r.error ?? "ok"]), [
    [1, 1, "X-1", "ok"],
    [2, 11, undefined, "no molfile (M  END line missing)"],
    [3, 14, "m3", "ok"],
  ]);
  assert.equal(sniffFormat(`x${mol}`), "sdf");
  assert.equal(sniffFormat("Name;Smiles\na;CCO"), "csv");
  assert.equal(sniffFormat("CCO ethanol"), "smiles");
});

Deno.test("neutralisation takes protons on and off but keeps zwitterions (nitro, N-oxide, azide, betaines)", () => {
  assert.equal(neutralize("CC(=O)[O-]"), "CC(=O)[OH]");
  assert.equal(neutralize("C[NH3+]"), "C[NH2]");
  assert.equal(neutralize("O=[N+]([O-])c1ccc(C(=O)[O-])cc1"), "O=[N+]([O-])c1ccc(C(=O)[OH])cc1");
  assert.equal(neutralize("N=[N+]=[N-]"), "N=[N+]=[N-]");
  assert.equal(neutralize("CCOP(=O)([O-])OCC[N+](C)(C)C"), "CCOP(=O)([O-])OCC[N+](C)(C)C");
});

Deno.test({
  name:
    "import: standardised, duplicates and bad records reported by number, persisted and reloaded, deleted",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const chem = await createChemPool({ size: 2 });
    try {
      const store = new LibraryStore(dir);
      const text = [
        "SMILES Name",
        "CC(=O)Oc1ccccc1C(=O)O aspirin", // 1
        "CC(=O)Oc1ccccc1C(=O)[O-].[Na+] aspirin-sodium", // 2: salt → duplicate of 1 after standardisation
        "C1CC1(( broken-syntax", // 3
        "CC(C)(C)(C)(C)C pentavalent", // 4: valence (RDKit refuses)
        `${"C".repeat(300)} too-big`, // 5: over the heavy-atom limit, refused before RDKit
        "CC[NH3+].[Cl-] ethylammonium", // 6: largest fragment + neutralised
        "CCO ethanol", // 7
      ].join("\n");
      const progress: number[] = [];
      const { library, report } = await importLibrary(streamOf(await gzip(text)), {
        name: "Test set",
        filename: "test.smi.gz",
        maxBytes: 1e6,
        viewer: ANYONE,
        chem,
        store,
        batch: 2,
        onProgress: (p) => progress.push(p.records),
      });
      assert.equal(report.records, 7);
      assert.equal(report.accepted, 3);
      assert.deepEqual(report.rejected_records.map((r) => [r.record, r.line, r.code]), [
        [3, 4, "invalid_smiles"],
        [4, 5, "invalid_smiles"],
        [5, 6, "input_too_complex"],
      ]);
      assert.deepEqual(report.duplicate_records.map((d) => [d.record, d.line, d.duplicate_of]), [[2, 3, 1]]);
      assert.deepEqual(library.smiles, ["CC(=O)Oc1ccccc1C(=O)O", "CCN", "CCO"]);
      assert.equal(library.names[1], "ethylammonium");
      assert.ok(progress.length >= 1 && progress.at(-1) === 7);
      assert.ok(report.molecules_per_s > 0);
      const d = library.descriptorsOf(0);
      assert.ok(Math.abs(d.molecular_weight - 180.159) < 0.01, String(d.molecular_weight));

      // Restart: a new store reads the same files back, byte-identical fingerprints.
      const again = new LibraryStore(dir);
      assert.deepEqual(await again.load(), { loaded: 1, skipped: [] });
      const back = again.get(library.meta.id, ANYONE);
      assert.deepEqual(back.smiles, library.smiles);
      assert.deepEqual([...back.fingerprints], [...library.fingerprints]);
      assert.deepEqual(back.descriptorsOf(0), library.descriptorsOf(0));
      assert.equal(again.resolve("tset set", ANYONE).library.meta.id, library.meta.id); // typo tolerated
      assert.throws(
        () => again.resolve("kinase", ANYONE),
        /No library named "kinase"\. Your libraries: Test set/,
      );

      // A second library of the same name is refused; the name is free again after delete.
      await assert.rejects(
        importLibrary(streamOf("CCO\n"), { name: "test set", maxBytes: 1e6, viewer: ANYONE, chem, store }),
        /already have a library named/,
      );
      await store.delete(library.meta.id, ANYONE);
      assert.deepEqual([...Deno.readDirSync(dir)], []);
    } finally {
      chem.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "import: the size limit counts decompressed bytes (a gzip bomb stops at the limit)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const chem = await createChemPool({ size: 1 });
    try {
      const store = new LibraryStore(null);
      const bomb = await gzip("CCO\n".repeat(200_000)); // 800 kB of text, a few kB compressed
      assert.ok(bomb.byteLength < 20_000);
      await assert.rejects(
        importLibrary(streamOf(bomb), {
          name: "bomb",
          gzip: true,
          maxBytes: 100_000,
          viewer: ANYONE,
          chem,
          store,
        }),
        (e: Error & { code?: string }) => e.code === "payload_too_large",
      );
      assert.deepEqual(store.list(ANYONE), []);
    } finally {
      chem.close();
    }
  },
});
