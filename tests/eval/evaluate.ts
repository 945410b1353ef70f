/** @module Runs the evaluation set (tests/eval/questions.jsonl) through the real agent, no LLM. */
import type { Agent } from "../../core/mod.ts";

export interface Case {
  q: string;
  intent: string;
  outcome: string;
  compounds?: string[];
  answer?: string[];
}

export interface CaseResult {
  case: Case;
  intent: string;
  outcome: string;
  intentOk: boolean;
  outcomeOk: boolean;
  why?: string;
}

/** questions.jsonl: the main set; holdout.jsonl: 40 questions written blind after the parser (see docs). */
export async function loadCases(file = "questions.jsonl"): Promise<Case[]> {
  const text = await Deno.readTextFile(new URL(`./${file}`, import.meta.url));
  return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
}

export async function evaluate(agent: Agent, cases: Case[]): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const c of cases) {
    const r = await agent.query({ query: c.q });
    const outcome = r.status === "success" || r.status === "partial" ? r.status : r.error?.code ?? r.status;
    const intentOk = r.intent.type === c.intent;
    let outcomeOk = outcome === c.outcome;
    let why = outcomeOk
      ? undefined
      : `outcome ${outcome}${r.error ? ` (${r.error.message.slice(0, 80)})` : ""}`;
    if (outcomeOk && c.compounds) {
      // Named compounds are entities; a SMILES is resolved by the lookup step (its result names the compound).
      const looked = ((r.result.compounds ?? []) as { compound: { id: string } }[]).map((x) => x.compound.id);
      const ids = [...r.intent.entities.compounds.map((e) => e.id), ...looked];
      const missing = c.compounds.filter((id) => !ids.includes(id));
      if (missing.length) {
        [outcomeOk, why] = [false, `compounds ${ids.join(",")} missing ${missing.join(",")}`];
      }
    }
    if (outcomeOk && c.answer) {
      const missing = c.answer.filter((s) => !r.answer.includes(s));
      if (missing.length) [outcomeOk, why] = [false, `answer lacks ${missing.join(", ")}`];
    }
    if (!intentOk) why = `intent ${r.intent.type}` + (why ? `; ${why}` : "");
    out.push({ case: c, intent: r.intent.type, outcome, intentOk, outcomeOk, why });
  }
  return out;
}

export function summarize(results: CaseResult[]) {
  const byIntent = new Map<string, { n: number; intent: number; outcome: number }>();
  for (const r of results) {
    const s = byIntent.get(r.case.intent) ?? { n: 0, intent: 0, outcome: 0 };
    s.n++;
    s.intent += Number(r.intentOk);
    s.outcome += Number(r.outcomeOk);
    byIntent.set(r.case.intent, s);
  }
  const n = results.length;
  return {
    n,
    intentAccuracy: results.filter((r) => r.intentOk).length / n,
    outcomeAccuracy: results.filter((r) => r.outcomeOk).length / n,
    byIntent: [...byIntent.entries()].sort(),
    failures: results.filter((r) => !r.intentOk || !r.outcomeOk),
  };
}
