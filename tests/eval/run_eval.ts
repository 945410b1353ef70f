/** `deno task eval`: accuracy per intent on our own question sets; exits 1 below 95%. */
import { createAgent } from "../../core/mod.ts";
import { evaluate, loadCases, summarize } from "./evaluate.ts";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function report(s: ReturnType<typeof summarize>): boolean {
  console.log(
    `${"intent".padEnd(24)} ${"n".padStart(4)} ${"intent acc".padStart(11)} ${"outcome acc".padStart(12)}`,
  );
  for (const [intent, v] of s.byIntent) {
    console.log(
      `${intent.padEnd(24)} ${String(v.n).padStart(4)} ${pct(v.intent / v.n).padStart(11)} ${
        pct(v.outcome / v.n).padStart(12)
      }`,
    );
  }
  console.log(
    `${"ALL".padEnd(24)} ${String(s.n).padStart(4)} ${pct(s.intentAccuracy).padStart(11)} ${
      pct(s.outcomeAccuracy).padStart(12)
    }`,
  );
  for (const f of s.failures) {
    console.log(`  ✗ [${f.case.intent} → ${f.case.outcome}] ${JSON.stringify(f.case.q)}: ${f.why}`);
  }
  return s.intentAccuracy < 0.95 || s.outcomeAccuracy < 0.95;
}

const agent = await createAgent();
let failed = false;
for (const file of ["questions.jsonl", "holdout.jsonl"]) {
  console.log(`\n== ${file}`);
  failed = report(summarize(await evaluate(agent, await loadCases(file)))) || failed;
}
agent.chem.close(); // idle chemistry workers would keep the process alive
Deno.exit(failed ? 1 : 0);
