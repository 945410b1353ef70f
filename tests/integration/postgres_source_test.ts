/**
 * The `postgres` data source on a throwaway ChEMBL-schema database (tests/chembl_db.ts): the catalogue equals
 * the embedded one, potency and trade names come from labelled TEST FIXTURE rows, and the embedded source keeps
 * its honest not_available for the same questions.
 */
import assert from "node:assert/strict";
import { type Agent, createAgent, createChemPool, embeddedSource, postgresSource } from "../../core/mod.ts";
import { addFixtures, chemblDatabase, type TestDatabase } from "../chembl_db.ts";

let db: TestDatabase;
let pg: Agent;
let emb: Agent;
let chem: Awaited<ReturnType<typeof createChemPool>>;

const setup = (async () => {
  db = await chemblDatabase("source");
  await addFixtures(db.url);
  chem = await createChemPool();
  [pg, emb] = await Promise.all([
    createAgent({ source: postgresSource({ url: db.url, max: 4 }), chem }),
    createAgent({ source: embeddedSource(), chem }),
  ]);
})();

const ask = async (agent: Agent, query: string) =>
  // deno-lint-ignore no-explicit-any
  await agent.query({ query, options: { cache: false, llm: "off" } }) as any;

Deno.test({
  name:
    "postgres source: catalogue read from ChEMBL's schema equals the embedded records; source and release named",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await setup;
    assert.deepEqual(pg.data.compounds.length, emb.data.compounds.length);
    assert.deepEqual(pg.data.targets, emb.data.targets);
    assert.deepEqual(pg.data.mechanisms, emb.data.mechanisms);
    // The fixture trade name is the one difference in the records.
    const imatinib = pg.data.compoundById("CHEMBL941")!;
    assert.deepEqual(
      imatinib.synonyms.filter((s) => s !== "Gleevec"),
      emb.data.compoundById("CHEMBL941")!.synonyms,
    );
    assert.deepEqual(pg.data.source.info, {
      driver: "postgres",
      label: "ChEMBL_18 (PostgreSQL)",
      release: "ChEMBL_18",
    });
    assert.deepEqual(pg.data.source.capabilities, { potency: true, tradeNames: true, structureSearch: true });
    assert.match(pg.data.version, /@postgres:ChEMBL_18$/);
    assert.notEqual(pg.data.version, emb.data.version); // cache keys of the two sources never collide
    const r = await ask(pg, "compounds similar to aspirin");
    assert.equal(r.status, "success");
    assert.match(r.answer, /_Source: ChEMBL_18 \(PostgreSQL\), catalogue .*RDKit cartridge/);
    assert.ok(
      r.provenance.some((p: { source: string; note?: string }) =>
        p.source === "ChEMBL_18 (PostgreSQL)" && /RDKit cartridge/.test(p.note ?? "")
      ),
    );
  },
});

Deno.test({
  name: "postgres source: IC50 of imatinib on ABL1 answered with values, units and sources (fixture rows)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await setup;
    const r = await ask(pg, "IC50 of imatinib on ABL1");
    assert.equal(r.status, "success", JSON.stringify(r.error));
    assert.deepEqual(r.plan.steps.map((s: { tool: string }) => s.tool), ["potency"]);
    const out = r.result.potency;
    assert.equal(out.total, 2);
    assert.deepEqual(
      out.activities.map((a: Record<string, unknown>) => [a.type, a.relation, a.value, a.units, a.pchembl]),
      [["IC50", "=", 25, "nM", 7.6], ["IC50", "<", 400, "nM", null]],
    );
    assert.ok(
      out.activities.every((a: { source: string }) =>
        /ChEMBL_18 \(PostgreSQL\) activity \d+ \(assay FIXTURE_ASSAY_\d\)/.test(a.source)
      ),
    );
    assert.match(r.answer, /25 nM/);
    assert.match(r.answer, /< 400 nM/);
    assert.doesNotMatch(r.answer, /Not available/);
    // The embedded source keeps its honest answer for the same question.
    const e = await ask(emb, "IC50 of imatinib on ABL1");
    assert.notEqual(e.status, "success");
    assert.match(e.answer, /Not available/);
  },
});

Deno.test({
  name: "postgres source: compounds with Ki below 10 nM for DRD2, and pChEMBL floors",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await setup;
    const r = await ask(pg, "compounds with Ki below 10 nM for DRD2");
    assert.equal(r.status, "success", JSON.stringify(r.error));
    assert.deepEqual(r.intent.entities.potency, { types: ["Ki"], max_nm: 10 });
    assert.deepEqual(
      r.result.potency.activities.map((a: { compound: { name: string } }) => a.compound.name),
      [
        "Haloperidol",
        "Risperidone",
      ],
    );
    assert.match(r.answer, /1\.2 nM/);
    const micro = await ask(pg, "compounds with Ki under 0.2 uM on DRD2");
    assert.equal(micro.result.potency.total, 3); // 0.2 µM = 200 nM: clozapine's 160 nM is in
    const p = await ask(pg, "ligands of DRD2 with pKi > 8.5");
    assert.deepEqual(p.result.potency.activities.map((a: { compound: { id: string } }) => a.compound.id), [
      "CHEMBL54",
    ]);
    const none = await ask(pg, "Ki of aspirin on DRD2");
    assert.equal(none.status, "success");
    assert.equal(none.result.potency.total, 0);
    assert.match(none.answer, /No Ki values recorded/);
    const e = await ask(emb, "compounds with Ki below 10 nM for DRD2");
    assert.equal(e.status, "partial");
    assert.match(e.answer, /Potency constraints \(Ki below 10 nM\) were not applied/);
    assert.equal(e.result?.potency, undefined);
  },
});

Deno.test({
  name: "postgres source: the trade name Gleevec resolves to imatinib through molecule_synonyms",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await setup;
    const r = await ask(pg, "Gleevec");
    assert.equal(r.status, "success");
    assert.equal(r.result.compounds[0].compound.id, "CHEMBL941");
    const t = await ask(pg, "what are the targets of gleevec?");
    assert.equal(t.intent.entities.compounds[0].id, "CHEMBL941");
    const e = await ask(emb, "Gleevec");
    assert.notEqual(e.status, "success"); // the embedded data has no trade names
  },
});

Deno.test({
  name: "postgres source: teardown",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await setup;
    await pg.data.source.close();
    chem.close();
    await db.drop();
  },
});
