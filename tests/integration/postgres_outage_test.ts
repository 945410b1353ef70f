/**
 * The database goes away under load: the `postgres` source answers with typed 503s (`upstream_unavailable`),
 * readiness turns 503, nothing crashes, and answers come back when the database does — without a restart.
 * Runs on a throwaway PostgreSQL cluster this test starts and stops (never the shared one).
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { createAgent, postgresSource } from "../../core/mod.ts";
import { createApp } from "../../edge/app.ts";
import { createDatabase, loadDataset } from "../../data/postgres/load.ts";
import type { DatasetFile } from "../../core/mod.ts";
import { startPostgres } from "../services.ts";
import { keepServingOnConnectionErrors } from "../../edge/escaped_errors.ts";

// As main.ts does: a socket error postgres.js lets escape while the database dies concerns one connection,
// which the pool reopens (seen in CI as an unhandled `read ECONNRESET`); anything else still fails the test.
const escaped: string[] = [];
keepServingOnConnectionErrors((_msg, f) => escaped.push(String(f.error)));

Deno.test({
  name:
    "postgres source: database stopped mid-load → typed 503s and 503 readiness; answers again when it is back",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const pg = await startPostgres();
    const url = pg.urlFor("chembl");
    let server: Deno.HttpServer | undefined;
    let close = () => Promise.resolve();
    try {
      await createDatabase(url);
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      await loadDataset(
        sql,
        JSON.parse(
          await Deno.readTextFile(new URL("../../data/dataset.json", import.meta.url)),
        ) as DatasetFile,
      );
      await sql.end();
      const agent = await createAgent({ source: postgresSource({ url, max: 4, connectTimeoutS: 3 }) });
      close = async () => {
        await agent.data.source.close();
        agent.chem.close();
      };
      const app = createApp({
        agent,
        config: { CHEMAGENT_MAX_BODY_BYTES: 64 * 1024, corsOrigins: ["*"] },
        onUnexpected: (e) => {
          throw e;
        },
      });
      server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
      const base = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
      const similar = (threshold: number) =>
        fetch(`${base}/api/compounds/aspirin/similar?threshold=${threshold}&limit=3`).then(async (r) => ({
          status: r.status,
          body: await r.json(),
        }));
      const query = (q: string) =>
        fetch(`${base}/api/query`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: q, options: { cache: false } }),
        }).then(async (r) => ({ status: r.status, body: await r.json() }));

      const before = await similar(0.5);
      assert.equal(before.status, 200);
      assert.equal(before.body.result.hits[0].name, "Dipyrocetyl");
      assert.equal(await fetch(`${base}/ready`).then((r) => r.body?.cancel().then(() => r.status)), 200);

      // Requests in flight while the server is killed: each one ends as a success or a typed 503, never a 500.
      const inflight = Array.from({ length: 12 }, (_, i) => similar(0.3 + (i % 5) / 10));
      await pg.stop("immediate");
      const during = await Promise.all(inflight);
      for (const r of during) {
        assert.ok(r.status === 200 || r.status === 503, `status ${r.status}: ${JSON.stringify(r.body)}`);
        if (r.status === 503) assert.equal(r.body.error.code, "upstream_unavailable");
      }

      const down = await similar(0.5);
      assert.equal(down.status, 503);
      assert.equal(down.body.error.code, "upstream_unavailable");
      assert.match(down.body.error.message, /ChEMBL database is unavailable/);
      const q = await query("compounds similar to aspirin");
      assert.equal(q.status, 503);
      assert.equal(q.body.error.code, "upstream_unavailable");
      const sub = await query("compounds containing a sulfonamide");
      assert.equal(sub.status, 503);
      const ready = await fetch(`${base}/ready`).then(async (r) => ({
        status: r.status,
        body: await r.json(),
      }));
      assert.equal(ready.status, 503);
      assert.equal(ready.body.status, "data_source_unavailable");
      assert.equal(ready.body.dataset.source.ok, false);
      // What the catalogue answers alone (loaded at start) still works.
      assert.equal((await query("targets of imatinib")).status, 200);

      await pg.start();
      // Back without a restart: the pool reconnects on its own (a connection attempt that was already under
      // way when the server came back may still time out once; every answer meanwhile is a typed 503).
      let after = await similar(0.5);
      for (let i = 0; after.status !== 200 && i < 30; i++) {
        assert.equal(after.status, 503, JSON.stringify(after.body));
        assert.equal(after.body.error.code, "upstream_unavailable");
        await new Promise((r) => setTimeout(r, 1000));
        after = await similar(0.5);
      }
      assert.equal(after.status, 200, JSON.stringify(after.body));
      assert.deepEqual(after.body.result.hits, before.body.result.hits);
      assert.equal((await query("compounds similar to aspirin")).status, 200);
      assert.equal(await fetch(`${base}/ready`).then((r) => r.body?.cancel().then(() => r.status)), 200);
      if (escaped.length) {
        console.log(`connection errors that escaped postgres.js (survived): ${escaped.join("; ")}`);
      }
    } finally {
      await server?.shutdown();
      await close().catch(() => {});
      await pg.destroy();
    }
  },
});
