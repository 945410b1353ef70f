/** Library substructure search: pattern fingerprints and key masks computed at import give exactly the rows an
 * unscreened match of every structure gives; they persist; deadline and cancel stop the work. */
import assert from "node:assert/strict";
import {
  ANYONE,
  createChemPool,
  decodeLibrary,
  encodeLibrary,
  importLibrary,
  Library,
  LibraryStore,
  librarySubstructure,
} from "../../core/mod.ts";
import { newLibraryId } from "../../core/data/libraries/store.ts";
import { loadRDKit } from "../../core/chem/rdkit.ts";
import { HINGE_MOTIFS, SUBSTRUCTURE_KEYS } from "../../core/chem/substructure_keys.ts";
import { FUNCTIONAL_GROUPS } from "../../core/intent/lexicon.ts";
import { mutate, rng } from "../../tools/library/edits.ts";

/** A few thousand seeded analogues of the embedded drugs (the benchmark generator's edits), as a SMILES file. */
async function generated(n: number): Promise<string> {
  const data = JSON.parse(await Deno.readTextFile(new URL("../../data/dataset.json", import.meta.url)));
  const seeds: string[] = data.compounds.map((c: { canonical_smiles?: string }) => c.canonical_smiles)
    .filter((s: string | undefined) => s && !s.includes(".") && s.length < 80);
  const r = rng(18);
  const out = new Set<string>(seeds.slice(0, n / 4));
  while (out.size < n) out.add(mutate(seeds[Math.floor(r() * seeds.length)], r));
  return [...out].map((s, i) => `${s} G${i + 1}`).join("\n");
}

const PATTERNS = [
  ...SUBSTITUENTS_OF_NOTE(),
  "c1ncnc2[nH]ccc12", // kinase hinge motifs (keys)
  "Nc1ncccn1",
  "c1ncc2cc[nH]c2n1", // the pyrrolopyrimidine written differently: screened, same rows
  "c1ccc2[nH]ccc2c1", // [nH] queries: a JSMol query fingerprint would wrongly screen out their hits
  "[#7;R][#6;R]=O",
  "C[C@H](N)C(=O)O", // a stereo query: chirality is honoured as RDKit's search does
  "[Xe]",
];
function SUBSTITUENTS_OF_NOTE(): string[] {
  return ["c1ccccc1", "S(=O)(=O)N", "C(=O)[OX2H1,OX1-]", "n1ccccc1", "C(=O)N", "[F,Cl,Br,I]", "NC=O"];
}

Deno.test("every substructure key is a SMARTS the question parser writes for a named group, or a hinge motif", () => {
  const written = new Set([...FUNCTIONAL_GROUPS.map(([, smarts]) => smarts), ...HINGE_MOTIFS]);
  assert.ok(SUBSTRUCTURE_KEYS.length <= 32);
  for (const k of SUBSTRUCTURE_KEYS) assert.ok(written.has(k), k);
});

Deno.test({
  name: "library substructure: screened and keyed searches equal an unscreened match of every row; persisted",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const chem = await createChemPool({ size: 2, timeoutMs: 60_000, chunkSize: 200 });
    try {
      const store = new LibraryStore(dir);
      const { library } = await importLibrary(new Blob([await generated(3000)]).stream(), {
        name: "generated",
        filename: "gen.smi",
        maxBytes: 1e7,
        viewer: ANYONE,
        chem,
        store,
      });
      assert.ok(library.size > 2000, `${library.size} rows`);
      assert.ok(library.screen, "pattern fingerprints kept");
      // The reference: RDKit in this thread, every row parsed and matched, no screen.
      const rd = await loadRDKit();
      const mols = library.smiles.map((s) => rd.get_mol(s)!);
      try {
        const back = new LibraryStore(dir);
        await back.load();
        const reloaded = back.get(library.meta.id, ANYONE);
        assert.deepEqual([...reloaded.screen!.offsets], [...library.screen!.offsets]);
        assert.deepEqual([...reloaded.screen!.fps], [...library.screen!.fps]);
        for (const p of PATTERNS) {
          const q = rd.get_qmol(p)!;
          const details = JSON.stringify({ useChirality: true });
          const want = mols.flatMap((m, i) =>
            (m as unknown as { get_substruct_match(q: unknown, d: string): string })
                .get_substruct_match(q, details) === "{}"
              ? []
              : [i]
          );
          q.delete();
          const got = await librarySubstructure(chem, library, p);
          assert.deepEqual(got, want, `${p}: ${got.length} vs ${want.length} rows`);
          assert.deepEqual(await librarySubstructure(chem, reloaded, p), want, `${p} after reload`);
        }
        // The key's bits and the screened search agree on one ring system written two ways.
        assert.deepEqual(
          await librarySubstructure(chem, library, "c1ncnc2[nH]ccc12"),
          await librarySubstructure(chem, library, "c1ncc2cc[nH]c2n1"),
        );
        // A library stored before pattern fingerprints were kept: still loads, and search computes them.
        const old = new Library(
          { ...library.meta, id: newLibraryId() },
          { smiles: library.smiles, names: library.names, records: library.records },
          library.descriptors,
          library.fingerprints,
        );
        const { json, bin } = encodeLibrary(old);
        const oldBack = decodeLibrary(json, bin);
        assert.equal(oldBack.screen, undefined);
        for (const p of ["S(=O)(=O)N", "c1ccccc1"]) {
          assert.deepEqual(
            await librarySubstructure(chem, oldBack, p),
            await librarySubstructure(chem, library, p),
          );
        }
        oldBack.close();
        back.list(ANYONE).forEach((l) => l.close());
      } finally {
        for (const m of mols) m.delete();
      }
      await store.delete(library.meta.id, ANYONE);
    } finally {
      chem.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "library substructure: the deadline is a typed timeout and a cancel stops sending chunks",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const chem = await createChemPool({ size: 2, timeoutMs: 60_000, chunkSize: 25 });
    const codeOf = (p: Promise<unknown>) =>
      p.then(() => "resolved", (e: Error & { code?: string }) => e.code ?? e.message);
    try {
      const store = new LibraryStore(null);
      const { library } = await importLibrary(new Blob([await generated(1000)]).stream(), {
        name: "small",
        filename: "gen.smi",
        maxBytes: 1e7,
        viewer: ANYONE,
        chem,
        store,
      });
      const chunks = Math.ceil(library.size / 25);
      const all = await librarySubstructure(chem, library, "[#6]~[#7]");
      assert.equal(
        await codeOf(librarySubstructure(chem, library, "[#6]~[#7]", { timeoutMs: 1 })),
        "timeout",
      );
      const before = chem.stats().calls;
      const ac = new AbortController();
      const search = librarySubstructure(chem, library, "[#6]~[#7]", { signal: ac.signal });
      while (chem.stats().calls < before + 4) await new Promise((r) => setTimeout(r, 1));
      ac.abort();
      assert.equal(await codeOf(search), "cancelled");
      const sent = chem.stats().calls - before;
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(chem.stats().calls - before, sent, "no chunk is sent after the cancel");
      assert.ok(sent < chunks, `${sent} of ${chunks} chunks ran`);
      // A cancelled search leaves nothing behind: the next one answers in full.
      assert.deepEqual(await librarySubstructure(chem, library, "[#6]~[#7]"), all);
      library.close();
    } finally {
      chem.close();
    }
  },
});
