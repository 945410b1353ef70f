/** @module Runs multi-turn dialogues (tests/eval/dialogues.json) through an agent with session memory. */
import type { Agent } from "../../core/mod.ts";

type Turn = [question: string, intent: string, compounds?: string[]];

export async function runDialogues(
  agent: Agent,
): Promise<{ turns: number; correct: number; failures: string[] }> {
  const dialogues = JSON.parse(
    await Deno.readTextFile(new URL("./dialogues.json", import.meta.url)),
  ) as Turn[][];
  let turns = 0, correct = 0;
  const failures: string[] = [];
  for (const [i, d] of dialogues.entries()) {
    const session = `s_dialogue_${i}_${crypto.randomUUID().slice(0, 6)}`;
    for (const [q, intent, compounds] of d) {
      const r = await agent.query({ query: q, session_id: session });
      turns++;
      const okIntent = intent === "rank_or_filter"
        ? ["multi_step_workflow", "property_filter", "similarity_search"].includes(r.intent.type) ||
          r.plan.steps.some((s) => s.tool === "rank")
        : r.intent.type === intent;
      const ids = r.intent.entities.compounds.map((c) => c.id);
      const okIds = !compounds || compounds.every((c) => ids.includes(c));
      const okStatus = r.status !== "error";
      if (okIntent && okIds && okStatus) correct++;
      else {failures.push(
          `[${i}] "${q}" → ${r.intent.type} ${r.status} ${JSON.stringify(ids)} ${r.error?.message ?? ""} ${
            r.notes?.[0] ?? ""
          }`,
        );}
    }
  }
  return { turns, correct, failures };
}
