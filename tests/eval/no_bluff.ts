/**
 * @module The no-bluff property (DESIGN.md §3): over eval questions and seeded perturbations of them, a response
 * with `understanding.unused` words or an unservable ask is never a plain `success`. Perturbations insert an
 * unknown content word, an unknown compound name, or an ask the data cannot serve (melting point, pKa …).
 */
import type { Agent } from "../../core/mod.ts";
import { type Case, isBluff, mustDecline, type Scored } from "./evaluate.ts";
import { rng } from "./grid.ts";
import { COMPOUNDS, UNAVAILABLE, UNKNOWN_NAMES, UNKNOWN_WORDS } from "./grid_entities.ts";

export interface Probe {
  q: string;
  /** What was done to the source question (absent for an unperturbed eval question). */
  perturbation?: "unknown_word" | "unknown_name" | "unavailable";
  /** The inserted word or ask. */
  inserted?: string;
  source?: string;
  /** The question itself holds something unservable (so a plain success is a bluff). */
  mustDecline: boolean;
}

export interface Violation {
  probe: Probe;
  status: string;
  unused: string[];
}

/** A SMILES or SMARTS token: perturbations leave such questions alone (the insert could land inside a pattern). */
const STRUCTURE = /[=#()[\]@]|\b[cC]1/;

/** Seeded perturbations of the questions that expect a plain success. */
export function perturb(cases: Case[], seed: number): Probe[] {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const out: Probe[] = [];
  const names = COMPOUNDS.map((c) => c.name);
  for (const c of cases) {
    if (c.outcome !== "success" || c.accept?.length || STRUCTURE.test(c.q) || !c.q.trim()) continue;
    const words = c.q.trim().split(/\s+/);
    // 1. an unknown content word at a random word boundary
    const word = pick(UNKNOWN_WORDS);
    const at = Math.floor(rand() * (words.length + 1));
    out.push({
      q: [...words.slice(0, at), word, ...words.slice(at)].join(" "),
      perturbation: "unknown_word",
      inserted: word,
      source: c.q,
      mustDecline: true,
    });
    // 2. an unknown name next to a compound the question names
    const named = names.find((n) => new RegExp(`\\b${n}\\b`, "i").test(c.q));
    if (named) {
      const u = pick(UNKNOWN_NAMES);
      out.push({
        q: c.q.replace(new RegExp(`\\b${named}\\b`, "i"), (m) => `${m} and ${u}`),
        perturbation: "unknown_name",
        inserted: u,
        source: c.q,
        mustDecline: true,
      });
    }
    // 3. an ask the data cannot serve, added to the question
    const u = pick(UNAVAILABLE);
    const stem = c.q.trim().replace(/[?.!]+$/, "");
    out.push({
      q: `${stem} ${pick(["and its", "and also the", "plus the", "together with the"])} ${u.phrase}?`,
      perturbation: "unavailable",
      inserted: u.phrase,
      source: c.q,
      mustDecline: true,
    });
  }
  return out;
}

/** The eval questions themselves, as probes. */
export function asProbes(cases: Case[]): Probe[] {
  return cases.map((c) => ({ q: c.q, mustDecline: mustDecline(c) }));
}

/** Seeded sample without replacement (bounded runtime in `deno test`). */
export function sampleOf<T>(xs: readonly T[], n: number, seed: number): T[] {
  const rand = rng(seed);
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, n);
}

export async function findBluffs(agent: Agent, probes: Probe[]): Promise<Violation[]> {
  const out: Violation[] = [];
  for (const p of probes) {
    const r = (await agent.query({ query: p.q })) as unknown as Scored;
    if (isBluff(r, p.mustDecline)) {
      const unused = (r.understanding?.unused ?? []).map((u) => typeof u === "string" ? u : u?.text ?? "");
      out.push({ probe: p, status: r.status, unused });
    }
  }
  return out;
}
