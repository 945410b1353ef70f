import { embeddedSource, postgresSource } from "/work/wt/pg/core/data/mod.ts";
import assert from "node:assert/strict";
const assertEquals = (a: unknown, b: unknown) => assert.deepStrictEqual(a, b);
const t0 = performance.now();
const pg = await postgresSource({ url: "postgres://postgres@127.0.0.1:5432/chemagent_chembl" }).load();
console.log("pg load ms", performance.now() - t0);
const em = await embeddedSource().load();
for (const k of ["compounds", "targets", "mechanisms", "stats", "classDefinitions", "atcLevels"] as const) {
  try { assertEquals(pg[k], em[k]); console.log(k, "equal"); } catch (e) { console.log(k, "DIFF", String(e).slice(0, 1500)); }
}
const asp = em.compoundsByName("aspirin")[0];
const fp = em.fingerprintOf(asp)!;
const t1 = performance.now();
const hits = await pg.source.similar!(asp.smiles!, 0.3);
console.log("sim ms", performance.now() - t1, hits.length, hits.slice(0, 5));
const sub = await pg.source.substructure!("c1ccccc1C(=O)O");
console.log("sub", sub.length);
await pg.source.close();
