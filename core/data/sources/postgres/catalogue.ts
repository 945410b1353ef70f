/**
 * @module Reads the catalogue (compounds, targets, mechanisms, names) from the ChEMBL schema into the record
 * model the in-memory Dataset indexes.
 *
 * Why preload instead of looking names up per question: entity recognition reads every span of a question
 * synchronously against the name index (embedded does the same), and a bounded async lookup would add a
 * database round trip to every question, including the ones answered from the catalogue alone. Names, ids and
 * mechanisms are small next to structures and activities, which stay in PostgreSQL (similarity, substructure
 * and potency are queried there). With the `chemagent` side schema (written by `deno task data:postgres`) the
 * records are exactly the embedded ones; on a plain ChEMBL install they are built from ChEMBL's columns alone.
 */
import type { Descriptors } from "../../../chem/engine.ts";
import type { Compound, DatasetFile, Mechanism, Target } from "../../model.ts";
import type { Sql } from "./pool.ts";

type Row = Record<string, unknown>;

export interface Catalogue {
  file: DatasetFile;
  /** molregno → dataset index (compound order). */
  indexOf: Map<number, number>;
  /** dataset index → molregno. */
  molregnos: number[];
  /** dataset compound id → molregno. */
  molregnoOf: Map<string, number>;
  /** dataset target id → tid. */
  tids: Map<string, number>;
  /** tid → dataset target id. */
  targetIds: Map<number, string>;
  release: string;
  /** True when the chemagent side schema was read. */
  side: boolean;
}

const num = (v: unknown): number | null => v === null || v === undefined ? null : Number(v);

export async function readCatalogue(sql: Sql, label: string): Promise<Catalogue> {
  const [version] = await sql`select name from version order by creation_date desc nulls last limit 1`;
  const release = String(version?.name ?? "unknown");
  const [{ side }] = await sql`select to_regclass('chemagent.compound_extra') is not null as side`;
  const meta = new Map<string, unknown>();
  if (side) { for (const r of await sql`select key, value from chemagent.meta`) meta.set(r.key, r.value); }

  const compoundRows = side
    ? await sql`select md.molregno, md.chembl_id, md.pref_name, md.max_phase, md.first_approval,
        md.indication_class, cs.canonical_smiles, cs.standard_inchi_key, x.chembl_ids, x.drug_type,
        x.drugcentral_ids, x.pubchem_cid, x.cas, x.approvals, x.routes, x.rdkit_smiles, x.descriptors, x.sources
      from chemagent.compound_extra x join molecule_dictionary md using (molregno)
        left join compound_structures cs using (molregno)
      order by x.ord`
    : await sql`select md.molregno, md.chembl_id, md.pref_name, md.max_phase, md.first_approval,
        md.indication_class, md.molecule_type as drug_type, md.oral, md.parenteral, md.topical,
        cs.canonical_smiles, cs.standard_inchi_key, mol_to_smiles(rm.m) as rdkit_smiles,
        cp.full_mwt, cp.alogp, cp.hba, cp.hbd, cp.psa, cp.rtb, cp.aromatic_rings, cp.heavy_atoms,
        cp.mw_monoisotopic, cp.full_molformula
      from molecule_dictionary md left join molecule_hierarchy h using (molregno)
        left join compound_structures cs using (molregno) left join compound_properties cp using (molregno)
        left join rdk.mols rm using (molregno)
      where h.molregno is null or h.parent_molregno = md.molregno
      order by md.molregno`;
  const indexOf = new Map<number, number>();
  const molregnos: number[] = [];
  compoundRows.forEach((r, i) => {
    indexOf.set(Number(r.molregno), i);
    molregnos.push(Number(r.molregno));
  });

  // Synonyms in ChEMBL's order; the same string under several types (INN, USAN, BAN …) counts once.
  const names = molregnos.map(() => ({ synonyms: [] as string[], codes: [] as string[] }));
  for (
    const r of await sql`select s.molregno, s.syn_type, s.synonyms from molecule_synonyms s
      where s.synonyms is not null order by s.molsyn_id`
  ) {
    const i = indexOf.get(Number(r.molregno));
    if (i === undefined) continue;
    const list = r.syn_type === "RESEARCH_CODE" ? names[i].codes : names[i].synonyms;
    if (!list.includes(r.synonyms)) list.push(r.synonyms);
  }
  const atc = molregnos.map(() => [] as string[]);
  for (const r of await sql`select molregno, level5 from molecule_atc_classification order by mol_atc_id`) {
    const i = indexOf.get(Number(r.molregno));
    if (i !== undefined) atc[i].push(r.level5);
  }
  // Without the side schema, other forms (salts) are the hierarchy's children.
  const forms = molregnos.map(() => [] as string[]);
  if (!side) {
    for (
      const r of await sql`select h.parent_molregno, md.chembl_id from molecule_hierarchy h
        join molecule_dictionary md using (molregno) where h.parent_molregno <> h.molregno order by h.molregno`
    ) {
      const i = indexOf.get(Number(r.parent_molregno));
      if (i !== undefined) forms[i].push(r.chembl_id);
    }
  }
  const compounds: Compound[] = compoundRows.map((r, i) => ({
    id: r.chembl_id,
    chembl_ids: side ? r.chembl_ids : [r.chembl_id, ...forms[i]],
    name: r.pref_name ?? r.chembl_id,
    synonyms: names[i].synonyms,
    research_codes: names[i].codes,
    smiles: r.canonical_smiles ?? null,
    canonical_smiles: r.rdkit_smiles ?? null,
    inchikey: r.standard_inchi_key ?? null,
    phase: num(r.max_phase),
    first_approval: num(r.first_approval),
    atc: atc[i],
    drug_type: r.drug_type ?? null,
    indication_class: r.indication_class ?? null,
    drugcentral_ids: side ? r.drugcentral_ids : [],
    pubchem_cid: side ? num(r.pubchem_cid) : null,
    cas: side ? r.cas : null,
    approvals: side ? r.approvals : [],
    routes: side ? r.routes : routesOf(r),
    descriptors: side ? r.descriptors : chemblDescriptors(r),
    sources: side ? r.sources : [label],
  }));

  const targetRows = side
    ? await sql`select td.tid, x.target_id, td.pref_name, td.target_type, td.organism, x.family, x.genes,
        x.uniprot, x.sources
      from chemagent.target_extra x join target_dictionary td using (tid) order by x.ord`
    : await sql`select td.tid, td.chembl_id as target_id, td.pref_name, td.target_type, td.organism,
        coalesce(array_agg(distinct cs.accession) filter (where cs.accession is not null), '{}') as uniprot,
        coalesce(array_agg(distinct syn.component_synonym) filter (where syn.syn_type = 'GENE_SYMBOL'), '{}')
          as genes
      from target_dictionary td left join target_components tc using (tid)
        left join component_sequences cs using (component_id)
        left join component_synonyms syn on syn.component_id = tc.component_id and syn.syn_type = 'GENE_SYMBOL'
      group by td.tid order by td.tid`;
  const tids = new Map<string, number>();
  const targetIds = new Map<number, string>();
  const targets: Target[] = targetRows.map((r) => {
    tids.set(r.target_id, Number(r.tid));
    targetIds.set(Number(r.tid), r.target_id);
    return {
      id: r.target_id,
      name: r.pref_name,
      type: r.target_type ?? null,
      organism: r.organism ?? null,
      genes: r.genes,
      uniprot: r.uniprot,
      family: r.family ?? null,
      sources: r.sources ?? [label],
    };
  });

  const compoundId = (molregno: unknown) => compounds[indexOf.get(Number(molregno)) ?? -1]?.id;
  const mechanismRows = side
    ? await sql`select molregno, tid, action_type, mechanism, is_primary, source, refs
        from chemagent.mechanism order by ord`
    : await sql`select coalesce(h.parent_molregno, m.molregno) as molregno, m.tid, m.action_type,
        m.mechanism_of_action as mechanism, true as is_primary, null as source, '{}'::text[] as refs
      from drug_mechanism m left join molecule_hierarchy h using (molregno)
      where m.molregno is not null and m.tid is not null order by m.mec_id`;
  const mechanisms: Mechanism[] = [];
  for (const r of mechanismRows) {
    const compound = compoundId(r.molregno);
    const target = targetIds.get(Number(r.tid));
    if (!compound || !target) continue;
    mechanisms.push({
      compound,
      target,
      action_type: r.action_type ?? null,
      mechanism: r.mechanism ?? null,
      primary: r.is_primary,
      source: r.source ?? label,
      refs: r.refs,
    });
  }

  const atcLevels = (meta.get("atc_levels") as Record<string, string>) ?? await chemblAtcLevels(sql);
  const withStructure = compounds.filter((c) => c.canonical_smiles).length;
  const file: DatasetFile = {
    format: 1,
    version: `${String(meta.get("dataset_version") ?? "chembl")}@postgres:${release}`,
    rdkit: String(meta.get("rdkit") ?? "cartridge"),
    sources: [],
    compounds,
    targets,
    mechanisms,
    aliases: (meta.get("aliases") as DatasetFile["aliases"]) ?? [],
    atc_levels: atcLevels,
    classes: (meta.get("classes") as DatasetFile["classes"]) ?? [],
    stats: (meta.get("stats") as Record<string, number>) ?? {
      compounds: compounds.length,
      with_structure: withStructure,
      smiles_failed: 0,
      targets: targets.length,
      mechanisms: mechanisms.length,
      curated_mechanisms: mechanisms.filter((m) => m.primary).length,
    },
  };
  const molregnoOf = new Map(compounds.map((c, i) => [c.id, molregnos[i]]));
  return { file, indexOf, molregnos, molregnoOf, tids, targetIds, release, side };
}

function routesOf(r: Row): string[] | null {
  const routes = (["oral", "parenteral", "topical"] as const).filter((k) => Number(r[k]) === 1);
  return routes.length ? routes : null;
}

/** ChEMBL's computed properties where they exist (a plain ChEMBL has no molar refractivity, Fsp3 …). */
function chemblDescriptors(r: Row): Descriptors | null {
  if (r.full_mwt === null || r.full_mwt === undefined) return null;
  return {
    formula: String(r.full_molformula ?? ""),
    molecular_weight: Number(r.full_mwt),
    exact_mass: Number(r.mw_monoisotopic),
    clogp: Number(r.alogp),
    molar_refractivity: NaN,
    hbd: Number(r.hbd),
    hba: Number(r.hba),
    tpsa: Number(r.psa),
    rotatable_bonds: Number(r.rtb),
    rings: NaN,
    aromatic_rings: Number(r.aromatic_rings),
    heavy_atoms: Number(r.heavy_atoms),
    fraction_sp3: NaN,
    stereocenters: NaN,
  };
}

/** ATC level names from ChEMBL's atc_classification (levels 1–4 descriptions and the level-5 WHO name). */
async function chemblAtcLevels(sql: Sql): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const r of await sql`select * from atc_classification`) {
    const pairs: [unknown, unknown][] = [
      [r.level1, r.level1_description],
      [r.level2, r.level2_description],
      [r.level3, r.level3_description],
      [r.level4, r.level4_description],
      [r.level5, r.who_name],
    ];
    for (const [code, name] of pairs) if (code && name) out[String(code)] = String(name);
  }
  return out;
}
