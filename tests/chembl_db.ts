/**
 * Throwaway ChEMBL-schema databases for tests, on the PostgreSQL at TEST_DATABASE_URL (default: the local
 * one, user postgres). The embedded dataset is loaded once into a template database (named after a hash of
 * the loader, the DDL and the dataset version, so a change rebuilds it); each test clones it under its own
 * random name and drops the clone afterwards.
 */
import postgres from "postgres";
import { createDatabase, loadDataset } from "../data/postgres/load.ts";
import type { DatasetFile } from "../core/mod.ts";

export const ADMIN_URL = Deno.env.get("TEST_DATABASE_URL") ?? "postgres://postgres@127.0.0.1:5432/postgres";

const urlFor = (name: string, base = ADMIN_URL) => {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.href;
};

async function templateName(): Promise<string> {
  const parts = await Promise.all([
    Deno.readTextFile(new URL("../data/postgres/schema.sql", import.meta.url)),
    Deno.readTextFile(new URL("../data/postgres/load.ts", import.meta.url)),
    Deno.readFile(new URL("../data/dataset.json", import.meta.url)).then((b) => b.length.toString()),
  ]);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(parts.join("\0")));
  return `chemagent_tpl_${
    [...new Uint8Array(digest).slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("")
  }`;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh database holding the embedded dataset in ChEMBL's schema (plus the rdk and chemagent schemas). */
export async function chemblDatabase(label: string): Promise<TestDatabase> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  const template = await templateName();
  const name = `chemagent_t_${label}_${crypto.randomUUID().slice(0, 8)}`;
  try {
    // One builder at a time across parallel test files; the others wait and then clone.
    await admin`select pg_advisory_lock(4217017)`;
    try {
      const [{ exists }] =
        await admin`select exists(select 1 from pg_database where datname = ${template}) as exists`;
      if (!exists) {
        for (const r of await admin`select datname from pg_database where datname like 'chemagent\_tpl\_%'`) {
          await admin.unsafe(`drop database if exists "${r.datname}" with (force)`);
        }
        const building = `${template}_building`;
        await admin.unsafe(`drop database if exists "${building}" with (force)`);
        await createDatabase(urlFor(building));
        const sql = postgres(urlFor(building), { max: 1, onnotice: () => {} });
        try {
          const file = JSON.parse(
            await Deno.readTextFile(new URL("../data/dataset.json", import.meta.url)),
          ) as DatasetFile;
          await loadDataset(sql, file);
        } finally {
          await sql.end();
        }
        await admin.unsafe(`alter database "${building}" rename to "${template}"`);
      }
      await admin.unsafe(`create database "${name}" template "${template}"`);
    } finally {
      await admin`select pg_advisory_unlock(4217017)`;
    }
  } finally {
    await admin.end();
  }
  return {
    url: urlFor(name),
    name,
    async drop() {
      const sql = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await sql.end();
      }
    },
  };
}

/**
 * TEST FIXTURE rows, clearly labelled (assay descriptions say so; values are made up for tests, not ChEMBL's):
 * IC50 of imatinib on ABL1, Ki of three ligands on DRD2, and the trade name "Gleevec" for imatinib.
 */
export const FIXTURE_ACTIVITIES = [
  { compound: "CHEMBL941", target: "CHEMBL1862", type: "IC50", relation: "=", value: 25, pchembl: 7.6 },
  { compound: "CHEMBL941", target: "CHEMBL1862", type: "IC50", relation: "<", value: 400, pchembl: null },
  { compound: "CHEMBL54", target: "CHEMBL217", type: "Ki", relation: "=", value: 1.2, pchembl: 8.92 },
  { compound: "CHEMBL85", target: "CHEMBL217", type: "Ki", relation: "=", value: 3.3, pchembl: 8.48 },
  { compound: "CHEMBL42", target: "CHEMBL217", type: "Ki", relation: "=", value: 160, pchembl: 6.8 },
] as const;

export async function addFixtures(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.begin(async (tx) => {
      const mol = async (chembl: string) =>
        Number((await tx`select molregno from molecule_dictionary where chembl_id = ${chembl}`)[0].molregno);
      const tid = async (chembl: string) =>
        Number((await tx`select tid from target_dictionary where chembl_id = ${chembl}`)[0].tid);
      let i = 0;
      for (const a of FIXTURE_ACTIVITIES) {
        i++;
        await tx`insert into assays (assay_id, description, assay_type, tid, confidence_score, chembl_id)
          values (${900000 + i}, ${"ChemAgent TEST FIXTURE (made-up values, not ChEMBL data)"}, 'B',
            ${await tid(a.target)}, 9, ${`FIXTURE_ASSAY_${i}`})`;
        await tx`insert into activities (activity_id, assay_id, molregno, standard_relation, standard_value,
            standard_units, standard_type, pchembl_value)
          values (${900000 + i}, ${900000 + i}, ${await mol(a.compound)}, ${a.relation}, ${a.value}, 'nM',
            ${a.type}, ${a.pchembl})`;
      }
      await tx`insert into molecule_synonyms (molregno, syn_type, molsyn_id, synonyms)
        values (${await mol("CHEMBL941")}, 'TRADE_NAME', 900001, 'Gleevec')`;
    });
  } finally {
    await sql.end();
  }
}
