/**
 * @module `deno task data:postgres`: a local ChEMBL-schema database for development and tests.
 *
 * Creates the ChEMBL tables ChemAgent reads (data/postgres/schema.sql), loads the embedded dataset
 * (data/dataset.json) into them, builds the cartridge's `rdk` tables and GiST indexes, and writes a `version`
 * row. What ChEMBL has no column for goes to the `chemagent` side schema.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/chemagent_chembl deno task data:postgres [--replace]
 *
 * The database is created when missing; an existing one is only dropped with `--replace`.
 */
import postgres from "postgres";
import type { DatasetFile } from "../../core/data/model.ts";

export const DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/chemagent_chembl";
/** The ChEMBL release the embedded dataset's ChEMBL part comes from (the `version` row). */
export const CHEMBL_RELEASE = "ChEMBL_18";

type Sql = postgres.Sql;

/** Creates (or with `replace`, recreates) the database named in `url`. */
export async function createDatabase(url: string, replace = false): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name "${name}" must be lower-case letters, digits, _`);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const sql = postgres(admin.href, { max: 1, onnotice: () => {} });
  try {
    const [{ exists }] = await sql`select exists(select 1 from pg_database where datname = ${name}) as exists`;
    if (exists && !replace) throw new Error(`database ${name} exists; pass --replace to drop and reload it`);
    if (exists) await sql.unsafe(`drop database "${name}" with (force)`);
    await sql.unsafe(`create database "${name}"`);
  } finally {
    await sql.end();
  }
}

/** Inserts rows in batches (one parameterised statement per batch). */
async function insert(sql: Sql, table: string, rows: Record<string, unknown>[]): Promise<void> {
  const [schema, name] = table.includes(".") ? table.split(".") : [undefined, table];
  const ident = schema ? sql`${sql(schema)}.${sql(name)}` : sql(name);
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = rows.slice(i, i + 1000);
    await sql`insert into ${ident} ${sql(batch as Record<string, postgres.ParameterOrJSON<never>>[])}`;
  }
}

/** Loads `file` into an empty database reached through `sql` (schema, data, rdk tables, indexes). */
export async function loadDataset(sql: Sql, file: DatasetFile): Promise<Record<string, number>> {
  const ddl = await Deno.readTextFile(new URL("./schema.sql", import.meta.url));
  await sql.unsafe(ddl);
  const molregno = new Map<string, number>();
  file.compounds.forEach((c, i) => molregno.set(c.id, i + 1));
  const salts = new Map<string, { molregno: number; parent: number }>();
  for (const c of file.compounds) {
    for (const id of c.chembl_ids.slice(1)) {
      if (!salts.has(id) && !molregno.has(id)) {
        salts.set(id, { molregno: 1_000_000 + salts.size + 1, parent: molregno.get(c.id)! });
      }
    }
  }
  const phase = (p: number | null) => p;
  await insert(sql, "molecule_dictionary", [
    ...file.compounds.map((c) => ({
      molregno: molregno.get(c.id)!,
      pref_name: c.name,
      chembl_id: c.id,
      max_phase: phase(c.phase),
      therapeutic_flag: c.phase === 4 ? 1 : 0,
      structure_type: c.smiles ? "MOL" : "NONE",
      molecule_type: c.drug_type,
      first_approval: c.first_approval,
      oral: c.routes?.includes("oral") ? 1 : 0,
      parenteral: c.routes?.includes("parenteral") ? 1 : 0,
      topical: c.routes?.includes("topical") ? 1 : 0,
      indication_class: c.indication_class,
    })),
    ...[...salts].map(([id, s]) => ({
      molregno: s.molregno,
      pref_name: null,
      chembl_id: id,
      max_phase: null,
      therapeutic_flag: 0,
      structure_type: "NONE",
      molecule_type: null,
      first_approval: null,
      oral: 0,
      parenteral: 0,
      topical: 0,
      indication_class: null,
    })),
  ]);
  await insert(sql, "molecule_hierarchy", [
    ...file.compounds.map((c) => ({
      molregno: molregno.get(c.id)!,
      parent_molregno: molregno.get(c.id)!,
      active_molregno: molregno.get(c.id)!,
    })),
    ...[...salts.values()].map((s) => ({
      molregno: s.molregno,
      parent_molregno: s.parent,
      active_molregno: s.parent,
    })),
  ]);
  const withStructure = file.compounds.filter((c) => c.smiles);
  await insert(
    sql,
    "compound_structures",
    withStructure.map((c) => ({
      molregno: molregno.get(c.id)!,
      standard_inchi_key: c.inchikey,
      canonical_smiles: c.smiles,
    })),
  );
  await insert(
    sql,
    "compound_properties",
    file.compounds.filter((c) => c.descriptors).map((c) => {
      const d = c.descriptors!;
      return {
        molregno: molregno.get(c.id)!,
        mw_freebase: d.molecular_weight,
        alogp: d.clogp,
        hba: d.hba,
        hbd: d.hbd,
        psa: d.tpsa,
        rtb: d.rotatable_bonds,
        aromatic_rings: d.aromatic_rings,
        heavy_atoms: d.heavy_atoms,
        full_mwt: d.molecular_weight,
        mw_monoisotopic: d.exact_mass,
        full_molformula: d.formula,
      };
    }),
  );
  let molsyn = 0;
  await insert(
    sql,
    "molecule_synonyms",
    file.compounds.flatMap((c) => [
      ...c.synonyms.map((s) => ({ syn_type: "OTHER", synonyms: s })),
      ...c.research_codes.map((s) => ({ syn_type: "RESEARCH_CODE", synonyms: s })),
    ].map((row) => ({ ...row, molregno: molregno.get(c.id)!, molsyn_id: ++molsyn, res_stem_id: null }))),
  );
  const atcCodes = [...new Set(file.compounds.flatMap((c) => c.atc))].sort();
  const level = (code: string) => file.atc_levels[code] ?? null;
  await insert(
    sql,
    "atc_classification",
    atcCodes.map((code) => ({
      who_name: level(code),
      level1: code.slice(0, 1),
      level2: code.slice(0, 3),
      level3: code.slice(0, 4),
      level4: code.slice(0, 5),
      level5: code,
      level1_description: level(code.slice(0, 1)),
      level2_description: level(code.slice(0, 3)),
      level3_description: level(code.slice(0, 4)),
      level4_description: level(code.slice(0, 5)),
    })),
  );
  let molAtc = 0;
  await insert(
    sql,
    "molecule_atc_classification",
    file.compounds.flatMap((c) =>
      c.atc.map((code) => ({ mol_atc_id: ++molAtc, level5: code, molregno: molregno.get(c.id)! }))
    ),
  );
  const tid = new Map<string, number>();
  file.targets.forEach((t, i) => tid.set(t.id, i + 1));
  await insert(
    sql,
    "target_dictionary",
    file.targets.map((t) => ({
      tid: tid.get(t.id)!,
      target_type: t.type,
      pref_name: t.name,
      tax_id: null,
      organism: t.organism,
      // DrugCentral complexes ("UniProt:O00217|O00483|…") exceed ChEMBL's 20 characters: their id is in target_extra.
      chembl_id: t.id.length <= 20 ? t.id : `CHEMAGENT_T${tid.get(t.id)}`,
      species_group_flag: 0,
    })),
  );
  // A few DrugCentral entries join several accessions with "|": ChEMBL has one component per accession.
  const accessions = (t: { uniprot: string[] }) => [...new Set(t.uniprot.flatMap((u) => u.split("|")))];
  const component = new Map<string, number>();
  for (const t of file.targets) {
    for (const acc of accessions(t)) if (!component.has(acc)) component.set(acc, component.size + 1);
  }
  await insert(
    sql,
    "component_sequences",
    [...component].map(([accession, id]) => ({
      component_id: id,
      component_type: "PROTEIN",
      accession,
      sequence: null,
      description: null,
      organism: null,
    })),
  );
  let targcomp = 0;
  await insert(
    sql,
    "target_components",
    file.targets.flatMap((t) =>
      accessions(t).map((acc) => ({
        tid: tid.get(t.id)!,
        component_id: component.get(acc)!,
        targcomp_id: ++targcomp,
        homologue: 0,
      }))
    ),
  );
  // ChEMBL records gene symbols per component; a single-component target's genes belong to that component.
  let compsyn = 0;
  const seenSyn = new Set<string>();
  await insert(
    sql,
    "component_synonyms",
    file.targets.filter((t) => accessions(t).length === 1).flatMap((t) =>
      t.genes.filter((g) => !seenSyn.has(`${t.uniprot[0]}\t${g}`) && seenSyn.add(`${t.uniprot[0]}\t${g}`))
        .map((g) => ({
          compsyn_id: ++compsyn,
          component_id: component.get(t.uniprot[0])!,
          component_synonym: g,
          syn_type: "GENE_SYMBOL",
        }))
    ),
  );
  // Curated mechanisms of action are ChEMBL's drug_mechanism; every link (with DrugCentral's) is in the side schema.
  await insert(
    sql,
    "drug_mechanism",
    file.mechanisms.map((m, i) => ({ m, i })).filter(({ m }) => m.primary).map(({ m, i }) => ({
      mec_id: i + 1,
      record_id: null,
      molregno: molregno.get(m.compound)!,
      mechanism_of_action: m.mechanism,
      tid: tid.get(m.target)!,
      action_type: m.action_type,
      direct_interaction: 1,
      molecular_mechanism: 1,
      mechanism_comment: null,
    })),
  );
  await insert(
    sql,
    "chemagent.compound_extra",
    file.compounds.map((c, i) => ({
      molregno: molregno.get(c.id)!,
      ord: i,
      drug_type: c.drug_type,
      chembl_ids: c.chembl_ids,
      drugcentral_ids: c.drugcentral_ids,
      pubchem_cid: c.pubchem_cid,
      cas: c.cas,
      approvals: c.approvals,
      routes: c.routes,
      rdkit_smiles: c.canonical_smiles,
      descriptors: c.descriptors as unknown as postgres.JSONValue,
      sources: c.sources,
    })),
  );
  await insert(
    sql,
    "chemagent.target_extra",
    file.targets.map((t, i) => ({
      tid: tid.get(t.id)!,
      ord: i,
      target_id: t.id,
      family: t.family,
      genes: t.genes,
      uniprot: t.uniprot,
      sources: t.sources,
    })),
  );
  await insert(
    sql,
    "chemagent.mechanism",
    file.mechanisms.map((m, i) => ({
      ord: i,
      molregno: molregno.get(m.compound)!,
      tid: tid.get(m.target)!,
      action_type: m.action_type,
      mechanism: m.mechanism,
      is_primary: m.primary,
      source: m.source,
      refs: m.refs,
    })),
  );
  const meta = {
    dataset_version: file.version,
    rdkit: file.rdkit,
    aliases: file.aliases,
    atc_levels: file.atc_levels,
    classes: file.classes,
    stats: file.stats,
  };
  await insert(
    sql,
    "chemagent.meta",
    Object.entries(meta).map(([key, value]) => ({ key, value: value as unknown as postgres.JSONValue })),
  );
  await sql`insert into version (name, creation_date, comments) values (${CHEMBL_RELEASE}, ${"2014-01-28"}, ${`ChemAgent development database: the embedded dataset ${file.version} (ChEMBL 18 drugs + DrugCentral) in ChEMBL's schema`})`;
  await buildCartridgeTables(sql);
  return {
    compounds: file.compounds.length,
    salt_forms: salts.size,
    targets: file.targets.length,
    mechanisms: file.mechanisms.length,
    structures: withStructure.length,
  };
}

/** ChEMBL's RDKit instructions: mol from each structure (unparsable ones left out), Morgan r2 fingerprints. */
export async function buildCartridgeTables(sql: Sql): Promise<void> {
  await sql.begin(async (tx) => {
    // Our fingerprints are Morgan r2 with 2048 bits; the cartridge's default size is 512.
    await tx`set local rdkit.morgan_fp_size = 2048`;
    await tx`insert into rdk.mols (molregno, m)
      select molregno, m from (select molregno, mol_from_smiles(canonical_smiles::cstring) as m
        from compound_structures) t where m is not null`;
    await tx`insert into rdk.fps (molregno, mfp2) select molregno, morganbv_fp(m) from rdk.mols`;
  });
  await sql`create index molidx on rdk.mols using gist (m)`;
  await sql`create index fps_mfp2_idx on rdk.fps using gist (mfp2)`;
  await sql`analyze`;
}

if (import.meta.main) {
  const url = Deno.env.get("DATABASE_URL") ?? DEFAULT_URL;
  const started = performance.now();
  await createDatabase(url, Deno.args.includes("--replace"));
  const file = JSON.parse(
    await Deno.readTextFile(new URL("../dataset.json", import.meta.url)),
  ) as DatasetFile;
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const counts = await loadDataset(sql, file);
    const where = new URL(url);
    where.password = "";
    console.log(
      `loaded ${JSON.stringify(counts)} into ${where.host}${where.pathname} in ${
        ((performance.now() - started) / 1000).toFixed(1)
      } s`,
    );
  } finally {
    await sql.end();
  }
}
