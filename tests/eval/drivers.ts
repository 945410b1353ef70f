/**
 * Same answers from both data sources: each question goes to an agent on the embedded dataset and to one on
 * PostgreSQL (the same data in ChEMBL's schema, searched with the RDKit cartridge). Compared: status, intent,
 * entities, and the whole result — every compound and target id, every string, numbers within 0.01 — leaving
 * out only what names the source (provenance, the answer's source line).
 *
 * `DATABASE_URL=… deno task eval:drivers [--set FILE] [--sample N]` runs it over the eval sets; the test
 * (tests/integration/postgres_equivalence_test.ts) runs a sample.
 */
import type { Agent } from "../../core/mod.ts";

export interface Mismatch {
  q: string;
  path: string;
  embedded: unknown;
  postgres: unknown;
}

const SOURCE_KEYS = new Set([
  "provenance",
  "ms",
  "timing_ms",
  "query_id",
  "cached",
  "request_id",
  "trace_id",
]);

/** The comparable part of a response: no timings, ids of the run, provenance or source line. */
export function comparable(r: Record<string, unknown>): Record<string, unknown> {
  return {
    status: r.status,
    intent: (r.intent as { type?: unknown })?.type,
    entities: (r.intent as { entities?: unknown })?.entities,
    error: (r.error as { code?: unknown })?.code ?? null,
    result: r.result,
    answer: typeof r.answer === "string" ? r.answer.replace(/\n_Source: [^\n]*_/g, "") : r.answer,
  };
}

/** Differences between two values: numbers within `tol`, keys naming the source skipped. */
export function differences(a: unknown, b: unknown, path = "", tol = 0.01, out: string[] = []): string[] {
  if (out.length > 5) return out;
  if (typeof a === "number" && typeof b === "number") {
    if (!(Math.abs(a - b) <= tol || (Number.isNaN(a) && Number.isNaN(b)))) out.push(path);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path}.length`);
    else a.forEach((x, i) => differences(x, b[i], `${path}[${i}]`, tol, out));
  } else if (a && b && typeof a === "object" && typeof b === "object") {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      if (SOURCE_KEYS.has(k)) continue;
      differences(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${path}.${k}`,
        tol,
        out,
      );
    }
  } else if (a !== b) out.push(path);
  return out;
}

const at = (v: unknown, path: string): unknown =>
  path.split(/\.|\[|\]/).filter(Boolean).reduce<unknown>(
    (x, k) => (x as Record<string, unknown> | undefined)?.[k === "length" ? k : k],
    v,
  );

/** Asks both agents every question (uncached) and returns what differs. */
export async function compareDrivers(
  embedded: Agent,
  postgres: Agent,
  questions: string[],
): Promise<Mismatch[]> {
  const out: Mismatch[] = [];
  for (const q of questions) {
    const req = { query: q, options: { cache: false, llm: "off" as const } };
    const [e, p] = await Promise.all([embedded.query(req), postgres.query(req)]);
    const a = comparable(e as unknown as Record<string, unknown>);
    const b = comparable(p as unknown as Record<string, unknown>);
    for (const path of differences(a, b)) out.push({ q, path, embedded: at(a, path), postgres: at(b, path) });
  }
  return out;
}

if (import.meta.main) {
  const { createAgent, createChemPool, postgresSource, embeddedSource } = await import("../../core/mod.ts");
  const { loadCases } = await import("./evaluate.ts");
  const url = Deno.env.get("DATABASE_URL");
  if (!url) throw new Error("set DATABASE_URL to a database loaded by `deno task data:postgres`");
  const args = Deno.args;
  const sets = args.flatMap((a, i) => a === "--set" && args[i + 1] ? [args[i + 1]] : []);
  const sample = Number(args[args.indexOf("--sample") + 1] || 0);
  const chem = await createChemPool();
  const [emb, pg] = await Promise.all([
    createAgent({ source: embeddedSource(), chem }),
    createAgent({ source: postgresSource({ url }), chem }),
  ]);
  await emb.warm(); // the embedded substructure library, so a cold start is not compared
  let questions: string[] = [];
  for (const s of sets.length ? sets : ["questions.jsonl", "holdout.jsonl", "blind.jsonl", "grid.jsonl"]) {
    questions.push(...(await loadCases(s)).map((c) => c.q));
  }
  if (sample) questions = questions.filter((_, i) => i % Math.ceil(questions.length / sample) === 0);
  const t0 = performance.now();
  const diffs = await compareDrivers(emb, pg, questions);
  for (const d of diffs) console.log(JSON.stringify(d));
  const bad = new Set(diffs.map((d) => d.q)).size;
  console.log(
    `${questions.length} questions, ${bad} with differences, ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s`,
  );
  await pg.data.source.close();
  chem.close();
  Deno.exit(bad ? 1 : 0);
}
