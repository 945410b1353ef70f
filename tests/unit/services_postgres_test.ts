/** The throwaway PostgreSQL cluster tests start for themselves (tests/services.ts): it starts, accepts
 * connections, has the RDKit cartridge, keeps its data across a restart and frees its port when stopped. */
import assert from "node:assert/strict";
import postgres from "postgres";
import { startPostgres } from "../services.ts";

const canConnect = async (port: number) => {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return true;
  } catch {
    return false;
  }
};

Deno.test({
  name:
    "startPostgres: a private cluster with the RDKit cartridge that survives a restart and frees its port",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const pg = await startPostgres();
    try {
      assert.notEqual(pg.port, 5432, "never the shared instance");
      const sql = postgres(pg.url, { max: 2, onnotice: () => {} });
      try {
        const [{ v }] = await sql`select current_setting('server_version_num')::int as v`;
        assert.ok(v >= 150000 && v < 160000, `PostgreSQL 15, got ${v}`);
        const [{ fsync }] = await sql`select current_setting('fsync') as fsync`;
        assert.equal(fsync, "off");
        await sql`create extension rdkit`;
        const [hit] = await sql`
          select mol_from_smiles('CC(=O)Oc1ccccc1C(=O)O') @> 'c1ccccc1'::qmol as sub,
                 round(tanimoto_sml(morganbv_fp('CC(=O)Oc1ccccc1C(=O)O'::mol),
                                    morganbv_fp('CC(=O)Oc1ccccc1C(=O)O'::mol))::numeric, 3) as self`;
        assert.deepEqual([hit.sub, Number(hit.self)], [true, 1], "substructure and similarity run in SQL");
        const [neg] = await sql`select mol_from_smiles('CCO') @> 'c1ccccc1'::qmol as sub`;
        assert.equal(neg.sub, false, "negative control: ethanol has no benzene ring");
        await sql`create table kept (id int primary key, smiles text)`;
        await sql`insert into kept values (1, 'CCO'), (2, 'c1ccccc1')`;
      } finally {
        await sql.end({ timeout: 1 });
      }

      await pg.restart();
      const again = postgres(pg.url, { max: 1 });
      try {
        const rows = await again`select id, smiles from kept order by id`;
        assert.deepEqual(rows.map((r) => [r.id, r.smiles]), [[1, "CCO"], [2, "c1ccccc1"]]);
        assert.equal(await pg.psql("select count(*) from kept"), "2", "psql helper reaches the same cluster");
      } finally {
        await again.end({ timeout: 1 });
      }

      assert.ok(await canConnect(pg.port));
      await pg.stop("immediate");
      assert.equal(await canConnect(pg.port), false, "the port is free once stopped");
      const l = Deno.listen({ hostname: "127.0.0.1", port: pg.port });
      l.close();
      await pg.start();
      assert.equal(await pg.psql("select count(*) from kept"), "2", "a crash keeps committed data");
    } finally {
      await pg.destroy();
    }
    await assert.rejects(() => Deno.stat(pg.dir), "destroy removes the cluster's directory");
  },
});
