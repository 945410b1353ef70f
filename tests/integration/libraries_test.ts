/** /api/libraries on a real server process (main.ts) with AUTH_REQUIRED=true: streamed and gzip uploads, the
 * size limit, bad records and duplicates, SSE progress, per-user visibility (HTTP and questions), persistence
 * across a restart, delete. */
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { startServerProcess } from "../../bench/lib.ts";
import { ROOT } from "../helpers.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const SECRET = "libraries-test-secret-".padEnd(40, "x");
const key = new TextEncoder().encode(SECRET);
const sign = (sub: string) =>
  new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(sub)
    .setExpirationTime(Math.floor(Date.now() / 1000) + 3600).sign(key);

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const gzip = async (text: string) =>
  new Uint8Array(
    await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer(),
  );

const SMILES = [
  "SMILES Name",
  "CC(=O)Oc1ccccc1C(=O)O aspirin-like",
  "CC(=O)Oc1ccccc1C(=O)[O-].[Na+] aspirin-sodium",
  "CC(C)Cc1ccc(C(C)C(=O)O)cc1 ibuprofen-like",
  "C1CC1(( broken",
  "Cc1ccc(S(N)(=O)=O)cc1 tosylamide",
  "not_a_smiles!! garbage",
  "NS(=O)(=O)c1ccc(C(=O)O)cc1 carzenide",
].join("\n") + "\n";

Deno.test({
  name: "libraries: upload, limits, reports, SSE progress, per-user visibility, restart persistence, delete",
  ...opts,
  async fn() {
    const dir = `.chemagent/test-libraries-${crypto.randomUUID().slice(0, 8)}`;
    const env = {
      AUTH_REQUIRED: "true",
      JWT_SECRET: SECRET,
      MEMORY_SQLITE_PATH: ":memory:",
      METRICS_DB_PATH: ":memory:",
      CACHE_WARM: "false",
      CHEMAGENT_LIBRARY_DIR: dir,
      CHEMAGENT_MAX_LIBRARY_BYTES: "20000",
      RATE_LIMIT_ENABLED: "false",
    };
    let server = await startServerProcess(env);
    const [alice, bob] = await Promise.all([sign("alice"), sign("bob")]);
    const call = async (path: string, token: string | undefined, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      if (token) headers.set("authorization", `Bearer ${token}`);
      const r = await fetch(server.url + path, { ...init, headers });
      return { status: r.status, body: await r.json() as Json };
    };
    const ask = async (token: string, query: string) =>
      (await call("/api/query", token, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query }),
      })).body;
    try {
      // Without a token: 401 like every /api route when auth is required.
      assert.equal((await call("/api/libraries", undefined)).status, 401);

      // A gzip upload (Content-Encoding), streamed, named by alice.
      const up = await call("/api/libraries?name=Test%20set&filename=mine.smi", alice, {
        method: "POST",
        headers: { "content-encoding": "gzip", "content-type": "text/plain" },
        body: await gzip(SMILES),
      });
      assert.equal(up.status, 200, JSON.stringify(up.body));
      const report = up.body.result.report;
      assert.equal(report.records, 7);
      assert.equal(report.accepted, 4);
      assert.deepEqual(report.rejected_records.map((r: Json) => [r.record, r.line]), [[4, 5], [6, 7]]);
      assert.deepEqual(report.duplicate_records.map((d: Json) => [d.record, d.duplicate_of]), [[2, 1]]);
      assert.ok(report.molecules_per_s > 0);
      const id = up.body.result.library.id;
      assert.match(id, /^lib_[0-9a-f]{16}$/);
      assert.equal(up.body.result.library.owner, "alice");

      // Over the configured limit (20,000 bytes): 413 payload_too_large, nothing stored.
      const big = "CCO\n".repeat(6000);
      const tooBig = await call("/api/libraries?name=big", alice, { method: "POST", body: big });
      assert.equal(tooBig.status, 413);
      assert.equal(tooBig.body.error.code, "payload_too_large");
      // The same as a gzip bomb: small on the wire, over the limit once decompressed.
      const bomb = await call("/api/libraries?name=bomb.smi.gz&filename=b.smi.gz", alice, {
        method: "POST",
        body: await gzip(big),
      });
      assert.equal(bomb.status, 413);
      // A CSV without a SMILES column is a 400 naming the problem; bad parameters likewise.
      const csv = await call("/api/libraries?name=csv&format=csv", alice, {
        method: "POST",
        body: "id,mw\n1,2\n",
      });
      assert.equal(csv.status, 400);
      assert.match(csv.body.error.message, /no SMILES column/);
      assert.equal(
        (await call("/api/libraries?name=x&format=pdf", alice, { method: "POST", body: "CCO" })).status,
        400,
      );
      assert.equal(
        (await call("/api/libraries?format=smiles", alice, { method: "POST", body: "CCO" })).status,
        400,
      );
      // A duplicate name for the same user is refused.
      const again = await call("/api/libraries?name=test%20SET", alice, { method: "POST", body: "CCO\n" });
      assert.equal(again.status, 400);

      // SSE: progress events in the event envelope, then the outcome.
      const sse = await fetch(`${server.url}/api/libraries?name=Second&format=csv`, {
        method: "POST",
        headers: { authorization: `Bearer ${alice}`, accept: "text/event-stream" },
        body: "name,smiles\n" +
          Array.from({ length: 300 }, (_, i) => `c${i},${"C".repeat(1 + (i % 40))}O`).join("\n"),
      });
      const events = (await sse.text()).split("\n").filter((l) => l.startsWith("data:")).map((l) =>
        JSON.parse(l.slice(5)) as Json
      );
      assert.equal(events[0].type, "accepted");
      assert.ok(events.some((e) => e.type === "library_progress" && e.data.records > 0));
      const last = events.at(-1)!;
      assert.equal(last.type, "library_imported", JSON.stringify(last));
      assert.equal(last.progress, 1);
      assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1));
      assert.equal(last.data.report.accepted, 40); // 300 rows, 40 distinct alcohols
      assert.equal(last.data.report.duplicates, 260);

      // Bob sees none of alice's libraries, by list, by id, by delete, or by naming one in a question.
      assert.deepEqual((await call("/api/libraries", bob)).body.result.libraries, []);
      assert.equal((await call(`/api/libraries/${id}`, bob)).status, 404);
      assert.equal((await call(`/api/libraries/${id}`, bob, { method: "DELETE" })).status, 404);
      const bobAsks = await ask(bob, "in my test set library, which compounds contain a sulfonamide?");
      assert.equal(bobAsks.error?.code, "not_found");
      assert.match(bobAsks.error.message, /no libraries yet/);

      // Alice's question runs over her library (typo in the name tolerated).
      const sulfa = await ask(alice, "in my tset set library, which compounds contain a sulfonamide?");
      assert.equal(sulfa.status, "success", JSON.stringify(sulfa.error));
      assert.deepEqual(sulfa.result.substructure.hits.map((h: Json) => h.name).sort(), [
        "carzenide",
        "tosylamide",
      ]);
      assert.ok(sulfa.understanding.used.some((u: Json) => u.as === "library" && u.value === id));

      // Restart: the library is read back from the state directory and still searchable.
      await server.stop();
      server = await startServerProcess(env);
      const list = (await call("/api/libraries", alice)).body.result.libraries;
      assert.deepEqual(list.map((l: Json) => l.name).sort(), ["Second", "Test set"]);
      const one = (await call(`/api/libraries/${id}`, alice)).body.result.library;
      assert.equal(one.report.rejected_records.length, 2);
      const similar = await ask(alice, "find compounds similar to aspirin in my Test set library");
      assert.equal(similar.status, "success", JSON.stringify(similar.error));
      assert.equal(similar.result.similar.hits[0].name, "aspirin-like");
      assert.equal(similar.result.similar.hits[0].similarity, 1);
      // An unknown library name is a typed not_found naming hers, never a search of the dataset.
      const unknown = await ask(alice, "find compounds similar to aspirin in my kinase library");
      assert.equal(unknown.error?.code, "not_found");
      assert.deepEqual(unknown.error.suggestions.sort(), ["Second", "Test set"]);

      // Delete: gone from the list and from disk.
      assert.equal((await call(`/api/libraries/${id}`, alice, { method: "DELETE" })).status, 200);
      assert.equal((await call(`/api/libraries/${id}`, alice)).status, 404);
      const files = [...Deno.readDirSync(`${ROOT}${dir}`)].map((e) => e.name);
      assert.ok(!files.some((f) => f.startsWith(id)), files.join(","));
    } finally {
      await server.stop();
      await Deno.remove(`${ROOT}${dir}`, { recursive: true }).catch(() => {});
    }
  },
});
