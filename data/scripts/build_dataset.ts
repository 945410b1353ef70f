/**
 * @module Builds the embedded dataset (data/dataset.json + data/fingerprints.bin) from data/sources/.
 * Deterministic: same inputs and RDKit version → byte-identical output (checked by a test).
 * Usage: deno task data:build [--out DIR]
 */
import { createChemEngine, FP_WORDS } from "../../core/chem/mod.ts";
import type { ClassDefinition, Compound, DatasetFile, Mechanism, Target } from "../../core/data/model.ts";
import { bareCompound, SOURCE_LABELS } from "../../core/data/model.ts";
import { normalizeName, stripNameTags, stripSaltForm } from "../../core/data/normalize.ts";

const ROOT = new URL("../", import.meta.url);
const SRC = new URL("sources/", ROOT);
const SOURCE_FILES = [
  "chembl18/chembl_drugs.txt",
  "chembl18/chembl_drugtargets.txt",
  "chembl18/chembl_uniprot_mapping.txt",
  "drugcentral/drug_target.tsv",
  "drugcentral/identifiers.tsv",
  "drugcentral/structures.smiles.tsv",
  "drugcentral/AllTargets.json",
  "drugcentral/FDA_Approved.csv",
  "drugcentral/EMA_Approved.csv",
  "drugcentral/PMDA_Approved.csv",
  "target_aliases.tsv",
  "drug_classes.tsv",
];

const ORGANISMS: Record<string, string> = {
  HUMAN: "Homo sapiens",
  MOUSE: "Mus musculus",
  RAT: "Rattus norvegicus",
  BOVIN: "Bos taurus",
  PIG: "Sus scrofa",
  ECOLI: "Escherichia coli",
  HV1H2: "Human immunodeficiency virus 1",
};

const text = (f: string) => Deno.readTextFile(new URL(f, SRC));
const unq = (s: string) => s.replace(/^"|"$/g, "");

function tsv(body: string): Record<string, string>[] {
  const lines = body.split(/\r?\n/).filter((l) => l && !l.startsWith("#"));
  const head = lines[0].split("\t");
  return lines.slice(1).map((l) => {
    const cells = l.split("\t");
    return Object.fromEntries(head.map((h, i) => [h, unq(cells[i] ?? "").trim()]));
  });
}

const uniqSorted = <T>(xs: Iterable<T>) => [...new Set(xs)].sort();
const uniq = <T>(xs: Iterable<T>) => [...new Set(xs)];
const chemblNum = (id: string) => Number(id.replace(/\D/g, "")) || 0;
const byChembl = (a: string, b: string) => chemblNum(a) - chemblNum(b) || a.localeCompare(b);

async function sha256(file: string): Promise<string> {
  const bytes = await Deno.readFile(new URL(file, SRC));
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function buildDataset(): Promise<{ json: string; fingerprints: Uint8Array; report: string[] }> {
  const chem = await createChemEngine();
  const report: string[] = [];

  // --- ChEMBL 18 drugs: the backbone of the compound table ---
  const compounds = new Map<string, Compound>();
  const atcLevels = new Map<string, string>();
  const chemblDrugs = tsv(await text("chembl18/chembl_drugs.txt"));
  for (const r of [...chemblDrugs, ...tsv(await text("chembl18/chembl_drugtargets.txt"))]) {
    // "M01AE01 [Musculo-Skeletal System:Anti-Inflammatory …:…:Propionic acid derivatives]" names levels 1–4.
    for (const m of (r.ATC_CODE_DESCRIPTION ?? "").matchAll(/([A-Z]\d\d[A-Z][A-Z]\d\d) \[([^\]]*)\]/g)) {
      const names = m[2].split(":");
      if (names.length !== 4) continue;
      [1, 3, 4, 5].forEach((len, i) => {
        // Some descriptions carry a footnote mark ("Beta blocking agents1)"): drop it.
        const name = names[i].trim().replace(/\d\)$/, "");
        if (!atcLevels.has(m[1].slice(0, len))) atcLevels.set(m[1].slice(0, len), name);
      });
    }
  }
  for (const r of chemblDrugs) {
    const tagged = r.SYNONYMS.split(/;\s*/).filter(Boolean);
    const names = tagged.map(stripNameTags).filter(Boolean);
    // The INN-tagged synonym is the parent's name ("Ibuprofen", not "Ibuprofen Lysine").
    // ChEMBL sometimes tags a salt as INN ("Erlotinib HCl (FDA, INN, USAN); Erlotinib (INN)"): prefer salt-free names.
    const isInn = (t: string) => /\(([^)]*\b)?INN\b/.test(t);
    const saltFree = (t: string) => !stripSaltForm(stripNameTags(t));
    const inn = tagged.find((t) => isInn(t) && saltFree(t)) ?? tagged.find(isInn);
    compounds.set(r.CHEMBL_ID, {
      id: r.CHEMBL_ID,
      chembl_ids: [r.CHEMBL_ID],
      name: (inn ? stripNameTags(inn) : names[0]) ?? r.CHEMBL_ID,
      synonyms: uniq(names),
      research_codes: uniq(r.RESEARCH_CODES.split(/;\s*/).filter(Boolean)),
      smiles: r.CANONICAL_SMILES || null,
      canonical_smiles: null,
      inchikey: null,
      inchi: null,
      phase: r.DEVELOPMENT_PHASE ? Number(r.DEVELOPMENT_PHASE) : null,
      first_approval: r.FIRST_APPROVAL ? Number(r.FIRST_APPROVAL) : null,
      atc: uniq(r.ATC_CODE.split(/;\s*/).filter(Boolean)),
      drug_type: r.DRUG_TYPE || null,
      indication_class: r.INDICATION_CLASS || null,
      drugcentral_ids: [],
      pubchem_cid: null,
      cas: null,
      approvals: [],
      routes: r.ORAL || r.PARENTERAL || r.TOPICAL
        ? [["oral", r.ORAL], ["parenteral", r.PARENTERAL], ["topical", r.TOPICAL]].filter(([, v]) => v === "Y").map(([k]) => k)
        : null,
      descriptors: null,
      sources: [SOURCE_LABELS.chembl],
    });
  }

  // --- DrugCentral: identifiers join on ChEMBL IDs ---
  const dcChembl = new Map<number, string[]>();
  const dcPubchem = new Map<number, number>();
  const dcNames = new Map<number, Set<string>>();
  const addDcName = (id: number, name: string) => {
    if (!name) return;
    if (!dcNames.has(id)) dcNames.set(id, new Set());
    dcNames.get(id)!.add(name);
  };
  for (const r of tsv(await text("drugcentral/identifiers.tsv"))) {
    const id = Number(r.DRUG_ID);
    addDcName(id, r.DRUG_NAME);
    if (r.ID_TYPE === "ChEMBL_ID") dcChembl.set(id, [...(dcChembl.get(id) ?? []), r.IDENTIFIER]);
    if (r.ID_TYPE === "PUBCHEM_CID" && !dcPubchem.has(id)) dcPubchem.set(id, Number(r.IDENTIFIER));
  }
  const dcStruct = new Map<number, { smiles: string; inn: string; cas: string }>();
  for (const r of tsv(await text("drugcentral/structures.smiles.tsv"))) {
    dcStruct.set(Number(r.ID), { smiles: r.SMILES, inn: r.INN, cas: r.CAS_RN });
    addDcName(Number(r.ID), r.INN);
  }
  const dcTargets = tsv(await text("drugcentral/drug_target.tsv"));
  const allTargets = JSON.parse(await text("drugcentral/AllTargets.json")) as {
    accession: string;
    struct_id: number;
    target_name: string;
    name: string;
  }[];
  for (const r of dcTargets) {
    addDcName(Number(r.DRUG_ID), r.DRUG_NAME);
    if (r.CHEMBL_ID) {
      const id = Number(r.DRUG_ID);
      const list = dcChembl.get(id) ?? [];
      if (!list.includes(r.CHEMBL_ID)) dcChembl.set(id, [...list, r.CHEMBL_ID]);
    }
  }
  for (const r of allTargets) addDcName(r.struct_id, r.name);

  const approvals = new Map<number, string[]>();
  for (const agency of ["FDA", "EMA", "PMDA"]) {
    for (const line of (await text(`drugcentral/${agency}_Approved.csv`)).split(/\r?\n/)) {
      const id = Number(line.split(",")[0]);
      if (id) approvals.set(id, [...(approvals.get(id) ?? []), agency]);
    }
  }

  // Resolve each DrugCentral drug to one compound: an existing ChEMBL 18 compound when any of its ChEMBL
  // IDs is one (salts thereby resolve to the parent), else a new compound keyed by its first ChEMBL ID.
  const chemblAlias = new Map<string, string>(); // any ChEMBL ID → compound id
  for (const id of compounds.keys()) chemblAlias.set(id, id);
  const dcToCompound = new Map<number, string>();
  const dcIds = uniqSorted([...dcNames.keys(), ...dcStruct.keys()].map(Number)).sort((a, b) => a - b);
  for (const dc of dcIds) {
    const chemblIds = dcChembl.get(dc) ?? [];
    const names = [...(dcNames.get(dc) ?? [])];
    const st = dcStruct.get(dc);
    // Among several ChEMBL compounds (parent, salts, enantiomers) prefer the one that carries the drug's name.
    const candidates = [...new Set(chemblIds.map((c) => chemblAlias.get(c)).filter((c): c is string => !!c))];
    const dcKeys = new Set([st?.inn ?? "", ...names].map(normalizeName).filter(Boolean));
    let target = candidates.find((id) => compounds.get(id)!.synonyms.some((n) => dcKeys.has(normalizeName(n)))) ?? candidates[0];
    if (!target) {
      if (!st && !chemblIds.length && !names.length) continue;
      target = chemblIds[0] ?? `DrugCentral:${dc}`;
      compounds.set(target, bareCompound(target, st?.inn || names[0] || target));
    }
    const c = compounds.get(target)!;
    dcToCompound.set(dc, target);
    for (const cid of chemblIds) {
      if (!c.chembl_ids.includes(cid) && (!compounds.has(cid) || cid === target)) c.chembl_ids.push(cid);
      if (!chemblAlias.has(cid)) chemblAlias.set(cid, target);
    }
    c.drugcentral_ids.push(dc);
    c.synonyms = uniq([...c.synonyms, ...(st?.inn ? [st.inn] : []), ...names]);
    c.pubchem_cid ??= dcPubchem.get(dc) ?? null;
    c.cas ??= st?.cas || null;
    c.smiles ??= st?.smiles || null;
    c.approvals = uniqSorted([...c.approvals, ...(approvals.get(dc) ?? [])]);
    if (c.phase === null && approvals.has(dc)) c.phase = 4;
    const label = st ? SOURCE_LABELS.dc2023 : SOURCE_LABELS.dc2016;
    if (!c.sources.includes(label)) c.sources.push(label);
  }
  for (const c of compounds.values()) {
    c.chembl_ids.sort((a, b) => (a === c.id ? -1 : b === c.id ? 1 : byChembl(a, b)));
    // Deduplicate names case-insensitively, keeping the first spelling seen.
    const seen = new Set<string>();
    c.synonyms = [c.name, ...c.synonyms].filter((s) => {
      const k = normalizeName(s);
      if (!k || seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }

  // --- Chemistry computed by RDKit at build time ---
  const ordered = [...compounds.values()].sort((a, b) => byChembl(a.id, b.id));
  const fps = new Uint32Array(ordered.length * FP_WORDS);
  let failed = 0;
  ordered.forEach((c, i) => {
    if (!c.smiles) return;
    try {
      const f = chem.facts(c.smiles);
      c.canonical_smiles = f.canonical_smiles;
      c.inchikey = f.inchikey || null;
      // The InChI is kept where the facts of the canonical SMILES are the same (what the properties tool would
      // compute at run time): there the stored facts answer without a worker, exactly as one would.
      const again = chem.facts(f.canonical_smiles);
      c.inchi = f.inchi && JSON.stringify(again) === JSON.stringify(f) ? f.inchi : null;
      c.descriptors = f.descriptors;
      fps.set(chem.fingerprint(c.smiles), i * FP_WORDS);
    } catch (e) {
      failed++;
      report.push(`${c.id}: SMILES not parsed by RDKit (${(e as Error).message})`);
    }
  });

  // --- Targets ---
  const uniprotToChembl = new Map<string, string[]>();
  const chemblToUniprot = new Map<string, string[]>();
  for (const line of (await text("chembl18/chembl_uniprot_mapping.txt")).split(/\r?\n/)) {
    if (!line || line.startsWith("#")) continue;
    const [acc, tid] = line.split("\t");
    uniprotToChembl.set(acc, [...(uniprotToChembl.get(acc) ?? []), tid]);
    chemblToUniprot.set(tid, [...(chemblToUniprot.get(tid) ?? []), acc]);
  }
  const geneOf = new Map<string, string>();
  const dcTargetInfo = new Map<string, { name: string; family: string; organism: string | null }>();
  for (const r of dcTargets) {
    for (const [i, acc] of r.UNIPROT.split("|").entries()) {
      const gene = r.GENE.split("|")[i];
      if (gene && !geneOf.has(acc)) geneOf.set(acc, gene);
      const swiss = r.SWISSPROT.split("|")[i] ?? "";
      if (!dcTargetInfo.has(acc)) {
        dcTargetInfo.set(acc, {
          name: r.TARGET_NAME,
          family: r.TARGET_FAMILY,
          organism: ORGANISMS[swiss.split("_")[1] ?? ""] ?? null,
        });
      }
    }
  }
  const targets = new Map<string, Target>();
  /** Single-protein ChEMBL target for a UniProt accession, else a UniProt-keyed target. */
  const targetIdForUniprot = (acc: string) => {
    const single = (uniprotToChembl.get(acc) ?? []).filter((t) => chemblToUniprot.get(t)!.length === 1).sort(byChembl);
    return single[0] ?? `UniProt:${acc}`;
  };
  const ensureTarget = (id: string, init: Omit<Target, "id" | "sources" | "genes" | "uniprot">, source: string) => {
    let t = targets.get(id);
    if (!t) {
      const accs = id.startsWith("UniProt:") ? [id.slice(8)] : uniqSorted(chemblToUniprot.get(id) ?? []);
      t = { id, ...init, genes: uniqSorted(accs.map((a) => geneOf.get(a)).filter((g): g is string => !!g)), uniprot: accs, sources: [] };
      targets.set(id, t);
    }
    t.type ??= init.type;
    t.organism ??= init.organism;
    t.family ??= init.family;
    if (!t.sources.includes(source)) t.sources.push(source);
    return t;
  };

  const mechanisms: Mechanism[] = [];
  for (const r of tsv(await text("chembl18/chembl_drugtargets.txt"))) {
    const compound = chemblAlias.get(r.MOLECULE_CHEMBL_ID);
    if (!compound || !r.TARGET_CHEMBL_ID) continue;
    ensureTarget(r.TARGET_CHEMBL_ID, {
      name: r.TARGET_NAME,
      type: r.TARGET_TYPE || null,
      organism: r.ORGANISM || null,
      family: null,
    }, SOURCE_LABELS.chembl);
    mechanisms.push({
      compound,
      target: r.TARGET_CHEMBL_ID,
      action_type: r.ACTION_TYPE || null,
      mechanism: r.MECHANISM_OF_ACTION || null,
      primary: true,
      source: SOURCE_LABELS.chembl,
      refs: uniq(r.MECHANISM_REFS.split("|").map((x) => /URL:(\S+)/.exec(x)?.[1] ?? "").filter(Boolean)),
    });
  }
  const dcTarget = (acc: string, source: string, fallbackName: string) => {
    const info = dcTargetInfo.get(acc);
    const id = targetIdForUniprot(acc);
    return ensureTarget(id, {
      name: info?.name ?? fallbackName,
      type: id.startsWith("UniProt:") || chemblToUniprot.get(id)?.length === 1 ? "SINGLE PROTEIN" : null,
      organism: info?.organism ?? null,
      family: info?.family || null,
    }, source);
  };
  for (const r of dcTargets) {
    const compound = (r.CHEMBL_ID && chemblAlias.get(r.CHEMBL_ID)) || dcToCompound.get(Number(r.DRUG_ID));
    if (!compound) continue;
    for (const acc of r.UNIPROT.split("|").filter(Boolean)) {
      const t = dcTarget(acc, SOURCE_LABELS.dc2016, r.TARGET_NAME);
      mechanisms.push({
        compound,
        target: t.id,
        action_type: r.ACTION_TYPE || null,
        mechanism: null,
        primary: true,
        source: `${SOURCE_LABELS.dc2016} (${r.SOURCE})`,
        refs: r.REFERENCE ? [r.REFERENCE] : [],
      });
    }
  }
  for (const r of allTargets) {
    const compound = dcToCompound.get(r.struct_id);
    if (!compound) continue;
    const t = dcTarget(r.accession, SOURCE_LABELS.dc2023, r.target_name);
    mechanisms.push({ compound, target: t.id, action_type: null, mechanism: null, primary: false, source: SOURCE_LABELS.dc2023, refs: [] });
  }
  // One row per (compound, target, source kind); curated rows win over activity-only rows.
  const merged = new Map<string, Mechanism>();
  for (const m of mechanisms) {
    const key = `${m.compound}|${m.target}|${m.source}`;
    const prev = merged.get(key);
    if (!prev) merged.set(key, m);
    else {
      prev.action_type ??= m.action_type;
      prev.mechanism ??= m.mechanism;
      prev.refs = uniq([...prev.refs, ...m.refs]);
    }
  }
  const hasCurated = new Set([...merged.values()].filter((m) => m.primary).map((m) => `${m.compound}|${m.target}`));
  const finalMechs = [...merged.values()]
    .filter((m) => m.primary || !hasCurated.has(`${m.compound}|${m.target}`))
    .sort((a, b) => byChembl(a.compound, b.compound) || byChembl(a.target, b.target) || a.source.localeCompare(b.source));

  const genes = new Set([...targets.values()].flatMap((t) => t.genes));
  const aliases = tsv(await text("target_aliases.tsv"))
    .filter((r) => genes.has(r.gene))
    .map((r) => ({ alias: r.alias, gene: r.gene }));
  const classes: ClassDefinition[] = tsv(await text("drug_classes.tsv")).map((r) => ({
    id: r.id,
    label: r.label,
    synonyms: r.synonyms.split("|").filter(Boolean),
    rules: r.definition.split(/;\s*/).filter(Boolean),
  }));
  for (const t of targets.values()) t.sources.sort();
  for (const c of ordered) c.sources.sort();

  const sources = [];
  for (const f of SOURCE_FILES) sources.push({ file: f, sha256: await sha256(f) });
  const versionHash = (await crypto.subtle.digest("SHA-256", new TextEncoder().encode(sources.map((s) => s.sha256).join("") + chem.version)));
  const file: DatasetFile = {
    format: 1,
    version: "chembl18+drugcentral2023-" + [...new Uint8Array(versionHash)].slice(0, 4).map((b) => b.toString(16).padStart(2, "0")).join(""),
    rdkit: chem.version,
    sources,
    compounds: ordered,
    targets: [...targets.values()].sort((a, b) => byChembl(a.id, b.id)),
    mechanisms: finalMechs,
    aliases,
    atc_levels: Object.fromEntries([...atcLevels].sort(([a], [b]) => a.localeCompare(b))),
    classes,
    stats: {
      compounds: ordered.length,
      with_structure: ordered.filter((c) => c.descriptors).length,
      smiles_failed: failed,
      targets: targets.size,
      mechanisms: finalMechs.length,
      curated_mechanisms: finalMechs.filter((m) => m.primary).length,
    },
  };
  return { json: JSON.stringify(file), fingerprints: new Uint8Array(fps.buffer), report };
}

if (import.meta.main) {
  const t0 = performance.now();
  const out = Deno.args.includes("--out") ? Deno.args[Deno.args.indexOf("--out") + 1] : new URL(".", ROOT).pathname;
  const { json, fingerprints, report } = await buildDataset();
  await Deno.writeTextFile(`${out}/dataset.json`, json);
  await Deno.writeFile(`${out}/fingerprints.bin`, fingerprints);
  await Deno.writeTextFile(`${out}/build_report.txt`, report.join("\n") + "\n");
  const stats = JSON.parse(json).stats;
  console.log(`dataset built in ${Math.round(performance.now() - t0)} ms →`, out, stats);
}
