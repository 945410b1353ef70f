/**
 * `deno task eval`: accuracy per category and per intent on every eval set (questions, holdout, blind when
 * present, grid), the no-bluff violations over all of them plus seeded perturbations, and the list of failures.
 * Exits 1 when a threshold fails: existing sets ≥ 95% intent and outcome; blind ≥ 97%; grid ≥ 99% (right intent
 * and outcome with every detail); 0 no-bluff violations.
 * Flags: --json (machine-readable summary only), --set FILE (repeatable), --seed N, --no-perturb,
 * --max-failures N (per set; default all).
 */
import { createAgent } from "../../core/mod.ts";
import { type Bucket, type Case, evaluate, hasSet, loadCases, summarize } from "./evaluate.ts";
import { withEvalLibraries } from "./libraries/load.ts";
import { asProbes, findBluffs, perturb, type Violation } from "./no_bluff.ts";

interface Threshold {
  set: string;
  /** "intent+outcome": both accuracies separately; "right": both together with every detail. */
  measure: "intent+outcome" | "right";
  min: number;
}

const THRESHOLDS: Threshold[] = [
  { set: "questions.jsonl", measure: "intent+outcome", min: 0.95 },
  { set: "holdout.jsonl", measure: "intent+outcome", min: 0.95 },
  { set: "blind.jsonl", measure: "right", min: 0.97 },
  { set: "grid.jsonl", measure: "right", min: 0.99 },
  { set: "library.jsonl", measure: "right", min: 0.97 },
];

function flag(name: string): string[] {
  const out: string[] = [];
  Deno.args.forEach((a, i) => a === name && Deno.args[i + 1] && out.push(Deno.args[i + 1]));
  return out;
}

const json = Deno.args.includes("--json");
const seed = Number(flag("--seed")[0] ?? 13);
const maxFailures = Number(flag("--max-failures")[0] ?? Infinity);
const wanted = flag("--set");
const log = json ? () => {} : console.log;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function table(title: string, rows: [string, Bucket][]) {
  log(
    `${title.padEnd(26)} ${"n".padStart(5)} ${"intent".padStart(7)} ${"outcome".padStart(8)} ${
      "right".padStart(7)
    }`,
  );
  for (const [k, v] of rows) {
    log(
      `  ${k.padEnd(24)} ${String(v.n).padStart(5)} ${pct(v.intent / v.n).padStart(7)} ${
        pct(v.outcome / v.n).padStart(8)
      } ${pct(v.right / v.n).padStart(7)}`,
    );
  }
}

// Every set runs with the fixture libraries present: library.jsonl names them, the others must not be pulled in.
const agent = await withEvalLibraries(await createAgent());
const files = THRESHOLDS.map((t) => t.set).filter((f) => !wanted.length || wanted.includes(f));
const sets: Record<string, unknown> = {};
const failed: string[] = [];
const allCases: Case[] = [];
for (const file of files) {
  if (!(await hasSet(file))) {
    log(`\n== ${file}: not present, skipped`);
    continue;
  }
  const cases = await loadCases(file);
  allCases.push(...cases);
  const s = summarize(await evaluate(agent, cases));
  log(`\n== ${file} (${s.n} questions)`);
  table("category", s.byCategory);
  table("intent", s.byIntent);
  log(
    `  ${"ALL".padEnd(24)} ${String(s.n).padStart(5)} ${pct(s.intentAccuracy).padStart(7)} ${
      pct(s.outcomeAccuracy).padStart(8)
    } ${pct(s.accuracy).padStart(7)}`,
  );
  log(`failures (${s.failures.length}):`);
  for (const f of s.failures.slice(0, maxFailures)) {
    log(
      `  ✗ [${f.case.category ?? f.case.intent} → ${f.case.outcome}] ${JSON.stringify(f.case.q)}: ${f.why}`,
    );
  }
  if (s.failures.length > maxFailures) log(`  … ${s.failures.length - maxFailures} more`);
  const t = THRESHOLDS.find((x) => x.set === file)!;
  const below = t.measure === "right"
    ? (s.accuracy < t.min ? [`${file}: ${pct(s.accuracy)} right < ${pct(t.min)}`] : [])
    : [
      ...(s.intentAccuracy < t.min ? [`${file}: intent ${pct(s.intentAccuracy)} < ${pct(t.min)}`] : []),
      ...(s.outcomeAccuracy < t.min ? [`${file}: outcome ${pct(s.outcomeAccuracy)} < ${pct(t.min)}`] : []),
    ];
  failed.push(...below);
  sets[file] = {
    n: s.n,
    intent: s.intentAccuracy,
    outcome: s.outcomeAccuracy,
    right: s.accuracy,
    threshold: t,
    pass: below.length === 0,
    by_category: Object.fromEntries(s.byCategory),
    by_intent: Object.fromEntries(s.byIntent),
    failures: s.failures.map((f) => ({
      q: f.case.q,
      category: f.case.category ?? f.case.intent,
      why: f.why,
    })),
  };
}

// No-bluff: every eval question, plus seeded perturbations of those expecting a plain success.
const probes = [
  ...asProbes(allCases),
  ...(Deno.args.includes("--no-perturb") ? [] : perturb(allCases, seed)),
];
const violations: Violation[] = await findBluffs(agent, probes);
const byKind = new Map<string, number>();
for (const v of violations) {
  byKind.set(v.probe.perturbation ?? "question", (byKind.get(v.probe.perturbation ?? "question") ?? 0) + 1);
}
log(`\n== no-bluff: ${violations.length} violations over ${probes.length} probes (seed ${seed})`);
for (const [k, n] of [...byKind].sort()) log(`  ${k.padEnd(24)} ${n}`);
for (const v of violations.slice(0, maxFailures)) {
  log(
    `  ✗ ${JSON.stringify(v.probe.q)}${v.probe.inserted ? ` [+${v.probe.inserted}]` : ""}: ${v.status}${
      v.unused.length ? ` unused=${v.unused.join(",")}` : ""
    }`,
  );
}
if (violations.length > maxFailures) log(`  … ${violations.length - maxFailures} more`);
if (violations.length) failed.push(`no-bluff: ${violations.length} violations > 0`);

log(
  failed.length
    ? `\nTHRESHOLDS FAILED:\n${failed.map((f) => `  ✗ ${f}`).join("\n")}`
    : "\nall thresholds pass",
);
if (json) {
  console.log(JSON.stringify(
    {
      seed,
      sets,
      no_bluff: {
        probes: probes.length,
        violations: violations.length,
        by_kind: Object.fromEntries(byKind),
        list: violations.map((v) => ({ q: v.probe.q, inserted: v.probe.inserted, status: v.status })),
      },
      failed_thresholds: failed,
      pass: failed.length === 0,
    },
    null,
    1,
  ));
}
agent.chem.close(); // idle chemistry workers would keep the process alive
Deno.exit(failed.length ? 1 : 0);
