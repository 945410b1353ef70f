/** @module What a finished exchange leaves behind for later turns: subjects, results, targets (ids + names). */
import type { Dataset } from "../data/dataset.ts";
import type { QueryResponse } from "../types.ts";
import type { ExchangeSummary } from "./types.ts";

/** A named record in a result (compound, hit, ligand): the summary keeps its id and name. */
interface Named {
  id?: string;
  name?: string;
}
interface TargetRef extends Named {
  primary?: boolean;
  genes?: string[];
}
/** The parts of a response's `result` (keyed by step) that later turns refer back to; every part optional,
 * since which steps ran depends on the question. */
interface ResultView {
  compounds?: { compound?: Named }[];
  properties?: { compound?: Named }[];
  ranked?: { compounds?: Named[] };
  filtered?: { compounds?: Named[] };
  similar?: { hits?: Named[] };
  substructure?: { hits?: Named[] };
  ligands?: { ligands?: Named[]; targets?: TargetRef[] }[];
  ligands_each?: { output?: { ligands?: Named[] } }[];
  targets?: { targets?: TargetRef[] }[];
  common_targets?: { common?: TargetRef[] };
}

export function summarizeResponse(r: QueryResponse, data: Dataset): ExchangeSummary {
  const named = (id: string) => ({ id, name: data.compoundById(id)?.name ?? id });
  const subjects: ExchangeSummary["subjects"] = [];
  for (const e of r.intent.entities.compounds) if (e.id) subjects.push({ ...named(e.id), text: e.text });
  const res = r.result as ResultView;
  for (const l of res.compounds ?? []) {
    const id = l?.compound?.id;
    if (id && !subjects.some((s) => s.id === id)) {
      subjects.push({ ...named(id), text: r.intent.entities.smiles[0] ?? id });
    }
  }
  for (const p of res.properties ?? []) {
    const id = p?.compound?.id;
    if (id && !subjects.some((s) => s.id === id)) subjects.push({ ...named(id), text: id });
  }
  const results: ExchangeSummary["results"] = [];
  const add = (xs: Named[] | undefined) => {
    for (const x of xs ?? []) {
      const id = x?.id;
      if (id && !results.some((y) => y.id === id)) results.push({ id, name: x.name ?? id });
    }
  };
  add(res.ranked?.compounds);
  add(res.filtered?.compounds);
  add(res.similar?.hits);
  add(res.substructure?.hits);
  for (const l of res.ligands ?? []) add(l.ligands);
  for (const e of res.ligands_each ?? []) add(e.output?.ligands);
  const targets: ExchangeSummary["targets"] = [];
  const addT = (ts: TargetRef[] | undefined, primaryOnly = true) => {
    for (const t of ts ?? []) {
      const id = t?.id;
      if ((!primaryOnly || t.primary !== false) && id && !targets.some((x) => x.id === id)) {
        targets.push({ id, name: t.name ?? id, ...(t.genes?.[0] ? { gene: t.genes[0] } : {}) });
      }
    }
  };
  for (const t of res.targets ?? []) addT(t.targets);
  for (const l of res.ligands ?? []) addT(l.targets, false);
  addT(res.common_targets?.common, false);
  // Bounded so a session's memory stays small (docs/conversations.md gives the sizes).
  return { subjects: subjects.slice(0, 10), results: results.slice(0, 20), targets: targets.slice(0, 20) };
}
