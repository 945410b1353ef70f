/** @module When to ask instead of guess: a name that is both a compound and a target, a name shared by
 * different compounds, or a vague comparative the offline data cannot measure. */
import type { Dataset } from "../data/dataset.ts";
import type { Parsed } from "./parse.ts";

export interface Clarification {
  question: string;
  options: string[];
  /** The self-contained question to run for each option. */
  rewrites: string[];
}

const VAGUE =
  /\b(stronger|weaker|better|more potent|less potent|more effective|safer|less toxic|more selective)\b/i;

export function clarificationFor(parsed: Parsed, text: string, data: Dataset): Clarification | null {
  if (parsed.error) return null;
  const t = parsed.intent.type;
  const e = parsed.intent.entities;
  const vague = VAGUE.exec(text);
  if (vague && e.compounds.length === 1 && e.compounds[0].id) {
    const c = data.compoundById(e.compounds[0].id)!;
    return {
      question: `"${
        vague[1]
      }" in what sense? The offline data has no potency values (IC50/Ki), so I can look for:`,
      options: [
        `compounds structurally similar to ${c.name}`,
        `other drugs acting on ${c.name}'s targets`,
        `similar compounds ranked by cLogP`,
      ],
      rewrites: [
        `Find compounds similar to ${c.id}`,
        `What are the targets of ${c.id} and what other drugs hit them?`,
        `Find compounds similar to ${c.id} and rank them by logP`,
      ],
    };
  }
  // Only a bare name is ambiguous; "ligands of X" or "targets of X" already say which reading is meant.
  if (t !== "compound_lookup" || !parsed.ambiguous?.length) return null;
  const a = parsed.ambiguous[0];
  if (a.targetId) {
    const target = data.targetById(a.targetId)!;
    const c = data.compoundById(a.compoundIds[0])!;
    return {
      question: `"${a.text}" is both a compound and a protein target. Which do you mean?`,
      options: [`the compound ${c.name} (${c.id})`, `the target ${target.name} (${target.id})`],
      rewrites: [`Tell me about ${c.id}`, `ligands of ${target.id}`],
    };
  }
  const cs = a.compoundIds.map((id) => data.compoundById(id)!).slice(0, 5);
  // A name that is exactly one candidate's preferred name is not ambiguous ("Ibuprofen" is CHEMBL521).
  const key = a.text.toLowerCase();
  if (cs.filter((c) => c.name.toLowerCase() === key).length === 1) return null;
  return {
    question: `"${a.text}" matches ${cs.length} different compounds. Which one?`,
    options: cs.map((c) => `${c.name} (${c.id})`),
    rewrites: cs.map((c) => `Tell me about ${c.id}`),
  };
}
