/**
 * Same answers from both drivers (tests/eval/drivers.ts): the README tour and a sample of the eval questions —
 * all of questions.jsonl plus every 40th question of the holdout, blind and grid sets — asked of the embedded
 * dataset and of the same data in ChEMBL's schema on PostgreSQL. Same status, intent, entities and results
 * (ids, strings, numbers within 0.01, similarity hits and their order). Questions for potency are the one
 * designed difference: the database answers them, the embedded data declines them. The full set:
 * `DATABASE_URL=… deno task eval:drivers`.
 */
import assert from "node:assert/strict";
import { type Agent, createAgent, createChemPool, embeddedSource, postgresSource } from "../../core/mod.ts";
import { chemblDatabase, type TestDatabase } from "../chembl_db.ts";
import { compareDrivers, differences } from "../eval/drivers.ts";
import { loadCases } from "../eval/evaluate.ts";

let db: TestDatabase;
let pg: Agent;
let emb: Agent;
let chem: Awaited<ReturnType<typeof createChemPool>>;

const setup = (async () => {
  db = await chemblDatabase("equiv");
  chem = await createChemPool();
  [pg, emb] = await Promise.all([
    createAgent({ source: postgresSource({ url: db.url, max: 4 }), chem }),
    createAgent({ source: embeddedSource(), chem }),
  ]);
  await emb.warm(); // the embedded substructure library: a cold start is not what is compared
})();

const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  name: "drivers: the README tour answers identically (tools and questions) on embedded and postgres",
  ...opts,
  async fn() {
    await setup;
    const calls: [string, Record<string, unknown>][] = [
      ["compound_lookup", { query: "CHEMBL25" }],
      ["similarity_search", { compound: "aspirin", threshold: 0.5, limit: 5 }],
      ["targets_of_compound", { compound: "imatinib" }],
      ["ligands_of_target", { target: "COX-2" }],
      ["properties", { smiles: "CCO" }],
      ["substructure_search", { query: "S(=O)(=O)N", limit: 50 }],
    ];
    for (const [tool, args] of calls) {
      const [a, b] = await Promise.all([
        emb.runTool(tool, args, undefined, { cache: false }),
        pg.runTool(tool, args, undefined, { cache: false }),
      ]);
      assert.deepEqual(differences(a, b), [], `${tool} ${JSON.stringify(args)}`);
    }
    const diffs = await compareDrivers(emb, pg, [
      "What are the targets of imatinib?",
      "Find compounds similar to ibuprofen with MW < 300 and rank them by logP",
      "targets of compounds similar to aspirin",
      "What is the molecular weight of aspirin?",
      "common targets of imatinib and nilotinib",
      "ligands of EGFR",
    ]);
    assert.deepEqual(diffs, []);
  },
});

Deno.test({
  name:
    "drivers: a sample of the eval questions gets the same answers; potency questions differ only by design",
  ...opts,
  async fn() {
    await setup;
    const questions = (await loadCases("questions.jsonl")).map((c) => c.q);
    for (const set of ["holdout.jsonl", "blind.jsonl", "grid.jsonl"]) {
      questions.push(...(await loadCases(set)).map((c) => c.q).filter((_, i) => i % 40 === 0));
    }
    const diffs = await compareDrivers(emb, pg, questions);
    const potency = new Set<string>();
    for (const q of new Set(diffs.map((d) => d.q))) {
      const r = await pg.query({ query: q, options: { cache: false, llm: "off" } });
      // The one designed difference: the database has activities, the embedded data says it has none.
      if (r.intent.entities.potency) potency.add(q);
    }
    assert.deepEqual(diffs.filter((d) => !potency.has(d.q)), []);
    assert.ok(questions.length - potency.size > 200, `${questions.length} questions compared`);
    for (const q of potency) {
      const e = await emb.query({ query: q, options: { cache: false, llm: "off" } });
      assert.notEqual(e.status, "success", `embedded must decline potency: ${q}`);
      assert.match(e.answer, /Not available|not applied|no potency/i, q);
    }
  },
});

Deno.test({
  name: "drivers: teardown",
  ...opts,
  async fn() {
    await setup;
    await pg.data.source.close();
    chem.close();
    await db.drop();
  },
});
