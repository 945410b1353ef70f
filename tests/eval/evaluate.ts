/**
 * @module Runs evaluation sets through the real agent (no LLM) and scores each answer against the product
 * contract (DESIGN.md §3). One format for every set (questions, holdout, blind, grid), one JSON per line:
 * {"q","category"?,"intent","outcome","compounds"?,"unsupported"?,"correction"?,"accept"?,
 *  "tools"?,"targets"?,"class"?,"intents"?,"count"?,"answer"?}.
 */
import type { Agent } from "../../core/mod.ts";

export interface Case {
  q: string;
  /** Reporting bucket; sets without it are bucketed by intent. */
  category?: string;
  intent: string;
  /** success | partial | clarification_needed | an error code. */
  outcome: string;
  /** Other acceptable outcomes. */
  accept?: string[];
  /** Other acceptable intents (only where the contract allows two readings). */
  intents?: string[];
  /** ChEMBL ids that must be among the resolved compounds. */
  compounds?: string[];
  /** ChEMBL target ids that must be among the resolved targets. */
  targets?: string[];
  /** One of these strings (class id, ATC code or label) must appear among the understood entities. */
  class?: string[];
  /** Words that must be named as not served, in `notes` or the error message. */
  unsupported?: string[];
  /** A typo the answer must report in `understanding.corrections`. */
  correction?: { from: string; to: string };
  /** Tool names that must appear among the plan's steps. */
  tools?: string[];
  /** Number of ranked hits a top-N question must return. */
  count?: number;
  /** Strings the markdown answer must contain. */
  answer?: string[];
  /** Strings the markdown answer must not contain (e.g. a compound a filter must exclude). */
  absent?: string[];
}

export interface CaseResult {
  case: Case;
  intent: string;
  outcome: string;
  intentOk: boolean;
  /** The outcome and every detail check (compounds, tools, corrections, …) passed. */
  outcomeOk: boolean;
  /** No-bluff rule broken (a plain success although something was not used or not servable). */
  bluff: boolean;
  why?: string;
}

/** The parts of a QueryResponse scoring reads; `understanding` is optional until every path carries it. */
export interface Scored {
  status: string;
  intent: { type: string; entities: Record<string, unknown> };
  plan: { steps: { tool: string }[] };
  result: Record<string, unknown>;
  answer: string;
  error?: { code: string; message: string };
  notes?: string[];
  understanding?: {
    used?: { text?: string; as?: string; value?: unknown }[];
    unused?: (string | { text?: string })[];
    corrections?: { from: string; to: string }[];
  };
}

export async function loadCases(file = "questions.jsonl"): Promise<Case[]> {
  const text = await Deno.readTextFile(new URL(`./${file}`, import.meta.url));
  return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
}

/** Whether a set exists (blind.jsonl is copied in by the lead). */
export async function hasSet(file: string): Promise<boolean> {
  try {
    await Deno.stat(new URL(`./${file}`, import.meta.url));
    return true;
  } catch {
    return false;
  }
}

/** success/partial map to themselves; otherwise the error code, else the status (clarification_needed). */
export function outcomeOf(r: Scored): string {
  if (r.status === "success" || r.status === "partial") return r.status;
  return r.error?.code ?? r.status;
}

const lower = (s: unknown) => String(s ?? "").toLowerCase();

function entityIds(list: unknown): string[] {
  return Array.isArray(list)
    ? list.map((e) => (e as { id?: string })?.id).filter((x): x is string => !!x)
    : [];
}

/** Ids the response resolved or answered with: parsed entities, `understanding.used` values, and every compound
 * id in the structured result (looked-up compounds, ligands of a target, members of a class, hits). */
function resolvedIds(r: Scored, kind: "compounds" | "targets"): Set<string> {
  const ids = new Set(entityIds(r.intent.entities[kind]));
  if (kind === "compounds") {
    for (const m of JSON.stringify(r.result ?? {}).matchAll(/"(?:id|compound_id)":"(CHEMBL\d+)"/g)) {
      ids.add(m[1]);
    }
  }
  for (const u of r.understanding?.used ?? []) if (typeof u.value === "string") ids.add(u.value);
  return ids;
}

/** The ranked list of a top-N question (a rank step's compounds), else the `hits` of a similarity step. */
function hitsOf(result: Record<string, unknown>): unknown[] | undefined {
  const ranked = (result.ranked as { compounds?: unknown })?.compounds;
  if (Array.isArray(ranked)) return ranked;
  for (const v of Object.values(result)) {
    const hits = (v as { hits?: unknown })?.hits;
    if (Array.isArray(hits)) return hits;
  }
}

/** Text where a response names what it did not serve. */
function declared(r: Scored): string {
  return lower([...(r.notes ?? []), r.error?.message ?? ""].join("\n"));
}

function unusedWords(r: Scored): string[] {
  return (r.understanding?.unused ?? []).map((u) => typeof u === "string" ? u : u?.text ?? "").filter(
    Boolean,
  );
}

/**
 * The no-bluff rule (DESIGN.md §3): a plain `success` is a bluff when the response itself reports unused words
 * or unsupported constraints, or when the question is known to hold something unservable (`mustDecline`).
 */
export function isBluff(r: Scored, mustDecline: boolean): boolean {
  if (r.status !== "success") return false;
  const unsupported = r.intent.entities.unsupported;
  return mustDecline || unusedWords(r).length > 0 || (Array.isArray(unsupported) && unsupported.length > 0);
}

/** Whether a case, by its expectations, asks for something that cannot be served. */
export function mustDecline(c: Case): boolean {
  return !!c.unsupported?.length || c.outcome === "partial" || c.outcome === "not_available";
}

/** Scores one response against one case. Pure: unit-tested without an agent. */
export function scoreCase(c: Case, r: Scored): CaseResult {
  const outcome = outcomeOf(r);
  const intentOk = r.intent.type === c.intent || !!c.intents?.includes(r.intent.type);
  const why: string[] = [];
  if (!intentOk) why.push(`intent ${r.intent.type}`);
  if (outcome !== c.outcome && !c.accept?.includes(outcome)) {
    why.push(`outcome ${outcome}${r.error ? ` (${r.error.message.slice(0, 80)})` : ""}`);
  }
  if (c.compounds) {
    const ids = resolvedIds(r, "compounds");
    const missing = c.compounds.filter((id) => !ids.has(id));
    if (missing.length) why.push(`compounds [${[...ids].join(",")}] missing ${missing.join(",")}`);
  }
  if (c.targets) {
    const ids = resolvedIds(r, "targets");
    const missing = c.targets.filter((id) => !ids.has(id));
    if (missing.length) why.push(`targets [${[...ids].join(",")}] missing ${missing.join(",")}`);
  }
  if (c.class) {
    const seen = lower(JSON.stringify([r.intent.entities, r.understanding?.used ?? []]));
    if (!c.class.some((m) => seen.includes(lower(m)))) why.push(`class ${c.class[0]} not understood`);
  }
  if (c.tools) {
    const tools = r.plan.steps.map((s) => s.tool);
    const missing = c.tools.filter((t) => !tools.includes(t));
    if (missing.length) why.push(`plan [${tools.join(",")}] lacks ${missing.join(",")}`);
  }
  if (c.unsupported) {
    const text = declared(r);
    const unnamed = c.unsupported.filter((w) => !text.includes(lower(w)));
    if (unnamed.length) why.push(`not named as unserved: ${unnamed.join(", ")}`);
  }
  if (c.correction) {
    const { from, to } = c.correction;
    const ok = (r.understanding?.corrections ?? []).some((x) =>
      lower(x.from) === lower(from) && (lower(x.to).includes(lower(to)) || lower(to).includes(lower(x.to)))
    );
    if (!ok) why.push(`no correction ${from} → ${to}`);
  }
  if (c.count !== undefined) {
    const n = hitsOf(r.result)?.length;
    if (n !== c.count) why.push(`${n ?? "no"} hits, expected ${c.count}`);
  }
  if (c.answer) {
    const missing = c.answer.filter((s) => !r.answer.includes(s));
    if (missing.length) why.push(`answer lacks ${missing.join(", ")}`);
  }
  if (c.absent) {
    const present = c.absent.filter((s) => r.answer.includes(s));
    if (present.length) why.push(`answer has ${present.join(", ")}`);
  }
  const outcomeOk = why.length === (intentOk ? 0 : 1);
  // Counted apart from accuracy: the no-bluff gate is its own threshold (0 violations).
  const bluff = isBluff(r, mustDecline(c));
  if (bluff) why.push("bluff: plain success");
  return {
    case: c,
    intent: r.intent.type,
    outcome,
    intentOk,
    outcomeOk,
    bluff,
    why: why.length ? why.join("; ") : undefined,
  };
}

export async function evaluate(agent: Agent, cases: Case[]): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const c of cases) out.push(scoreCase(c, (await agent.query({ query: c.q })) as unknown as Scored));
  return out;
}

export interface Bucket {
  n: number;
  intent: number;
  outcome: number;
  right: number;
}

function bucket(results: CaseResult[], key: (r: CaseResult) => string): [string, Bucket][] {
  const m = new Map<string, Bucket>();
  for (const r of results) {
    const s = m.get(key(r)) ?? { n: 0, intent: 0, outcome: 0, right: 0 };
    s.n++;
    s.intent += Number(r.intentOk);
    s.outcome += Number(r.outcomeOk);
    s.right += Number(r.intentOk && r.outcomeOk);
    m.set(key(r), s);
  }
  return [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
}

export function summarize(results: CaseResult[]) {
  const n = results.length || 1;
  return {
    n: results.length,
    intentAccuracy: results.filter((r) => r.intentOk).length / n,
    outcomeAccuracy: results.filter((r) => r.outcomeOk).length / n,
    /** Right intent and right outcome with every detail. */
    accuracy: results.filter((r) => r.intentOk && r.outcomeOk).length / n,
    bluffs: results.filter((r) => r.bluff).length,
    byIntent: bucket(results, (r) => r.case.intent),
    byCategory: bucket(results, (r) => r.case.category ?? r.case.intent),
    failures: results.filter((r) => !r.intentOk || !r.outcomeOk),
  };
}
