/** @module What a finished exchange leaves behind for later turns: subjects, results, targets (ids + names). */
import type { Dataset } from "../data/dataset.ts";
import type { QueryResponse } from "../types.ts";
import type { ExchangeSummary } from "./types.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

export function summarizeResponse(r: QueryResponse, data: Dataset): ExchangeSummary {
  const named = (id: string) => ({ id, name: data.compoundById(id)?.name ?? id });
  const subjects: ExchangeSummary["subjects"] = [];
  for (const e of r.intent.entities.compounds) if (e.id) subjects.push({ ...named(e.id), text: e.text });
  const res = r.result as Any;
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
  const add = (xs: Any[] | undefined) => {
    for (const x of xs ?? []) {
      if (x?.id && !results.some((y) => y.id === x.id)) results.push({ id: x.id, name: x.name ?? x.id });
    }
  };
  add(res.ranked?.compounds);
  add(res.filtered?.compounds);
  add(res.similar?.hits);
  add(res.substructure?.hits);
  for (const l of res.ligands ?? []) add(l.ligands);
  for (const e of res.ligands_each ?? []) add(e.output?.ligands);
  const targets: ExchangeSummary["targets"] = [];
  const addT = (ts: Any[] | undefined, primaryOnly = true) => {
    for (const t of ts ?? []) {
      if ((!primaryOnly || t.primary !== false) && t?.id && !targets.some((x) => x.id === t.id)) {
        targets.push({ id: t.id, name: t.name, ...(t.genes?.[0] ? { gene: t.genes[0] } : {}) });
      }
    }
  };
  for (const t of res.targets ?? []) addT(t.targets);
  for (const l of res.ligands ?? []) addT(l.targets, false);
  addT(res.common_targets?.common, false);
  // Bounded so a session's memory stays small (docs/conversations.md gives the sizes).
  return { subjects: subjects.slice(0, 10), results: results.slice(0, 20), targets: targets.slice(0, 20) };
}
