/** @module Follow-up resolution without an LLM: pronouns, ordinals, "what about X", "compare them", and
 * answers to a pending clarification, rewritten into a self-contained question the rules understand. */
import type { Exchange } from "./types.ts";

export interface Resolution {
  text: string;
  how: string;
}

const PRONOUN =
  /\b(its|it|their|them|they|those|these|this one|that one|the (?:first|second|third|top|other|last|same|similar) ones?|the (?:first|second|third|top) (?:hit|result|compound)s?|the other|the hits|the results)\b/i;
const ORDINAL: Record<string, number> = { first: 0, top: 0, second: 1, third: 2 };

const list = (
  xs: string[],
) => (xs.length <= 1 ? xs.join("") : `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`);

/** The latest exchange that produced something to refer to. */
function lastWithReferents(ctx: Exchange[]): Exchange | undefined {
  for (let i = ctx.length - 1; i >= 0; i--) {
    const s = ctx[i].summary;
    if (s.subjects.length || s.results.length || s.targets.length) return ctx[i];
  }
  return undefined;
}

/** Answer to a pending clarification: an option's text, its number, or an ordinal. */
export function answerClarification(
  answer: string,
  pending: NonNullable<Exchange["clarification"]>,
): Resolution | null {
  const a = answer.trim().toLowerCase().replace(/[.!?]+$/, "");
  const n = /^(\d+)$/.exec(a)?.[1] ??
    (/\b(first|1st)\b/.test(a)
      ? "1"
      : /\b(second|2nd)\b/.test(a)
      ? "2"
      : /\b(third|3rd)\b/.test(a)
      ? "3"
      : undefined);
  let idx = n ? Number(n) - 1 : pending.options.findIndex((o) => o.toLowerCase() === a);
  if (idx < 0) idx = pending.options.findIndex((o) => o.toLowerCase().includes(a) && a.length >= 3);
  if (idx < 0 || idx >= pending.rewrites.length) return null;
  return { text: pending.rewrites[idx], how: `clarification answered: ${pending.options[idx]}` };
}

/**
 * Rewrites a follow-up into a self-contained question, or returns null when the question stands alone.
 * `hasEntity(text)` tells whether the rules recognise a compound/target in a piece of text.
 */
export function resolveFollowUp(
  question: string,
  ctx: Exchange[],
  hasEntity: (text: string) => boolean,
): Resolution | null {
  const prev = lastWithReferents(ctx);
  if (!prev) return null;
  const q = question.trim();
  const s = prev.summary;
  // "what about X" repeats the last question that was about a named compound.
  const withSubject = [...ctx].reverse().find((x) => x.summary.subjects.length && !x.clarification);

  // "what about ibuprofen?", "and for ibuprofen?", "same for CHEMBL112", "how about COX-1?"
  const about = /^(?:and\s+)?(?:what|how)\s+about\s+(.+?)[\s?.!]*$/i.exec(q) ??
    /^and\s+(?:for|with)?\s*(.+?)[\s?.!]*$/i.exec(q) ??
    /^(?:the\s+)?same\s+(?:for|with)\s+(.+?)[\s?.!]*$/i.exec(q);
  if (
    about && !PRONOUN.test(about[1]) && hasEntity(about[1]) && about[1].split(/\s+/).length <= 4 &&
    withSubject
  ) {
    const base = withSubject.resolved ?? withSubject.question;
    for (const subject of withSubject.summary.subjects) {
      const re = new RegExp(`\\b${escape(subject.text)}\\b`, "i");
      if (re.test(base)) {
        return { text: base.replace(re, about[1]), how: `same question as before, for ${about[1]}` };
      }
    }
  }

  if (!PRONOUN.test(q)) return null;
  const subjects = s.subjects.map((x) => x.id);
  const results = s.results.map((x) => x.id);
  // The compounds discussed most recently, newest last (for "they"/"them" after single-compound turns).
  const recent = [...new Set([...ctx].reverse().flatMap((x) => x.summary.subjects.map((y) => y.id)))].slice(
    0,
    2,
  ).reverse();
  // After a targets answer, "what other drugs act on them / share them" asks for the ligands of those targets.
  if (
    prev.intent === "target_query" && subjects[0] && !/\btargets?\b/i.test(q) &&
    /\b(?:other|else|share|same|act on|hit|bind)\b/i.test(q) && /\b(them|those|these|they)\b/i.test(q)
  ) {
    return {
      text: `What are the targets of ${subjects[0]} and what other drugs hit them?`,
      how: "other ligands of the previous answer's targets",
    };
  }
  let text = q;
  // "compare them"
  if (/\bcompare\s+(them|these|those|the\s+(?:hits|results))\b/i.test(text)) {
    // The last results if there are several, else the compounds discussed most recently.
    const pool = results.length >= 2 ? results.slice(0, 5) : subjects.length >= 2 ? subjects : recent;
    text = text.replace(/\b(them|these|those|the\s+(?:hits|results))\b/i, list(pool));
  }
  text = text.replace(
    /\bthe (first|second|third|top) (?:ones?|hits?|results?|compounds?)\b/gi,
    (_m, o: string) => (results[ORDINAL[o.toLowerCase()]] ?? subjects[ORDINAL[o.toLowerCase()]] ?? _m),
  );
  text = text.replace(/\bthe other(?: one)?\b/gi, (m) => subjects[1] ?? results[1] ?? m);
  text = text.replace(/\b(?:this|that) one\b/gi, (m) => subjects[0] ?? results[0] ?? m);
  // "the similar ones" → similar to the previous subject
  text = text.replace(
    /\bthe similar ones\b/gi,
    (m) => (subjects[0] ? `compounds similar to ${subjects[0]}` : m),
  );
  // Plural pronouns prefer the previous results (hits, ligands…), else all subjects.
  const plural = results.length ? results.slice(0, 10) : subjects.length >= 2 ? subjects : recent;
  text = text.replace(
    /\b(their|them|they|those|these|the hits|the results)\b/gi,
    (m) => (plural.length ? (m.toLowerCase() === "their" ? `${list(plural)}'s` : list(plural)) : m),
  );
  // Singular pronouns refer to the previous subject.
  const one = subjects[0] ?? results[0];
  text = text.replace(/\bits\b/gi, one ? `${one}'s` : "its").replace(/\bit\b/gi, one ?? "it");
  if (text === q) return null;
  return { text, how: "pronouns resolved from the conversation" };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
