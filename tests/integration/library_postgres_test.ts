/** Libraries in PostgreSQL (CHEMAGENT_DATA=postgres): written in the chemagent side schema of a throwaway
 * database, seen by another running instance on refresh and loaded back after a restart with identical rows,
 * fingerprints and screening data; owners kept for per-user visibility; delete removes the rows everywhere. */
import assert from "node:assert/strict";
import postgres from "postgres";
import {
  ANYONE,
  createChemPool,
  importLibrary,
  LibraryStore,
  librarySubstructure,
  PostgresLibraryDriver,
} from "../../core/mod.ts";
import { createDatabase } from "../../data/postgres/load.ts";
import { ADMIN_URL } from "../chembl_db.ts";

const SMILES = [
  "CC(=O)Oc1ccccc1C(=O)O aspirin",
  "CS(=O)(=O)Nc1ccc(cc1)C(=O)O sulfa-acid",
  "c1ccncc1 pyridine",
  "CCN(CC)CC triethylamine",
  "Cc1ncnc2[nH]ccc12 hinge",
  "C1CC1(( broken",
].join("\n");

Deno.test({
  name: "postgres libraries: stored in chemagent tables, reloaded identically elsewhere, owner kept, deleted",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const name = `chemagent_t_lib_${crypto.randomUUID().slice(0, 8)}`;
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    await createDatabase(url.href);
    const chem = await createChemPool({ size: 2 });
    // Two instances at once: the schema is created once (idempotent, no race).
    const a = new LibraryStore(new PostgresLibraryDriver({ url: url.href }));
    const b = new LibraryStore(new PostgresLibraryDriver({ url: url.href }));
    try {
      assert.deepEqual(await Promise.all([a.load(), b.load()]), [
        { loaded: 0, skipped: [] },
        { loaded: 0, skipped: [] },
      ]);
      const alice = { sub: "alice", enforced: true };
      const { library } = await importLibrary(new Blob([SMILES]).stream(), {
        name: "pg set",
        filename: "set.smi",
        maxBytes: 1e6,
        viewer: alice,
        chem,
        store: a,
      });
      assert.equal(library.size, 5);
      assert.equal(library.meta.report.rejected, 1);

      // The other running instance picks it up on refresh (compose.ts refreshes every few seconds).
      assert.deepEqual(await b.refresh(), { added: [library.meta.id], removed: [], skipped: [] });
      assert.deepEqual(b.get(library.meta.id, alice).smiles, library.smiles);
      assert.deepEqual(await a.refresh(), { added: [], removed: [], skipped: [] });

      // A restart reads it back.
      const c = new LibraryStore(new PostgresLibraryDriver({ url: url.href }));
      try {
        assert.deepEqual(await c.load(), { loaded: 1, skipped: [] });
        const back = c.get(library.meta.id, alice);
        assert.deepEqual(back.meta, library.meta);
        assert.deepEqual(back.smiles, library.smiles);
        assert.deepEqual(back.names, library.names);
        assert.deepEqual([...back.records], [...library.records]);
        assert.deepEqual([...back.fingerprints], [...library.fingerprints]);
        assert.deepEqual([...back.descriptors], [...library.descriptors]);
        assert.deepEqual([...back.screen!.fps], [...library.screen!.fps]);
        assert.deepEqual([...back.screen!.offsets], [...library.screen!.offsets]);
        assert.deepEqual([...back.screen!.keys], [...library.screen!.keys]);
        assert.deepEqual(back.screen!.keyNames, library.screen!.keyNames);
        // Per-user visibility survives: bob does not see alice's library; with auth off everyone does.
        assert.throws(() => c.get(library.meta.id, { sub: "bob", enforced: true }), /No library/);
        assert.equal(c.list(ANYONE).length, 1);
        for (const p of ["S(=O)(=O)N", "c1ncnc2[nH]ccc12", "c1ccccc1"]) {
          assert.deepEqual(
            await librarySubstructure(chem, back, p),
            await librarySubstructure(chem, library, p),
            p,
          );
        }
        assert.deepEqual(await librarySubstructure(chem, back, "S(=O)(=O)N"), [1]);

        await a.delete(library.meta.id, alice);
        assert.deepEqual(await b.refresh(), { added: [], removed: [library.meta.id], skipped: [] });
        assert.equal(b.list(ANYONE).length, 0);
      } finally {
        await c.close();
      }
      const sql = postgres(url.href, { max: 1, onnotice: () => {} });
      try {
        const [{ libs, rows }] = await sql`select (select count(*)::int from chemagent.libraries) as libs,
          (select count(*)::int from chemagent.library_rows) as rows`;
        assert.deepEqual([libs, rows], [0, 0]);
      } finally {
        await sql.end();
      }
      const d = new LibraryStore(new PostgresLibraryDriver({ url: url.href }));
      assert.deepEqual(await d.load(), { loaded: 0, skipped: [] });
      await d.close();
    } finally {
      await a.close();
      await b.close();
      chem.close();
      const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  },
});
