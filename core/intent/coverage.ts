/** @module Coverage accounting: every word of a question is consumed by something (an entity, an operation
 * cue, a property, a constraint, a connector or a known filler word); what is left is reported as unused. */
import type { Understanding } from "../types.ts";

export type UseKind =
  | "compound"
  | "target"
  | "smiles"
  | "class"
  | "operation"
  | "property"
  | "field"
  | "constraint"
  | "not_available"
  | "connector"
  | "reference"
  | "structure"
  | "context"
  | "filler";

export interface Use {
  text: string;
  start: number;
  end: number;
  as: UseKind;
  value?: string;
}

/** Words that carry no request of their own: function words, politeness, question frames, generic nouns. */
export const FILLER = new Set(
  ("a an the this that these those there here it its it's they them their theirs he she we us our you your " +
    "i i'm i'd i've me my mine myself one ones some any all each every both either neither other others another " +
    "is are was were be been being am do does did doing done have has had having can could would should will " +
    "shall may might must need needs needed want wants wanted wanna like love " +
    "what which who whom whose when where why how whats what's whether " +
    "of to in on at by for from with within into onto about as than then so such also too very really just " +
    "only even still yet again already rather quite pretty much many lot lots several " +
    "and or but nor plus vs versus either if whether because since while though although however " +
    "please kindly thanks thank cheers hi hello hey ok okay sure yes no not " +
    "tell show give list find get fetch display print return retrieve provide share let know see look " +
    "lookup search query check pull bring report name identify tell me explain describe summarize " +
    "summarise help wondering wonder curious interested asking ask question questions quick quickly " +
    "interested answer answers reply want hoping hope able possible possibly maybe perhaps " +
    "compound compounds molecule molecules drug drugs chemical chemicals substance substances agent agents " +
    "medicine medicines medication medications medicinal molecular entity entities thing things stuff " +
    "info information details detail data database dataset record records entry entries result results " +
    "value values number numbers count amount figure figures level levels " +
    "known available listed recorded reported documented registered stored offline " +
    "about regarding concerning around related respect re " +
    "its' each' any' kind kinds type types sort sorts form forms " +
    "currently actually basically exactly precisely approximately roughly " +
    "good great nice interesting important relevant main key major " +
    "use using used uses structures looks look-up compute computed calculate calculated calculation determine " +
    "predict estimate evaluate assess analyse analyze run perform do get got " +
    "2 4 u r pls plz thx " +
    "violate violates violating violation violations pass passes passing obey obeys satisfy satisfies meet meets " +
    "rule rules criteria criterion limit limits over top one compliant compliance conform conforms anything anyone " +
    "something following listed below above batch keep take step steps please single primary main basic general " +
    "overall full complete whole entire usual standard typical card biological against " +
    "where reached reach reaches reaching there uniprot accession " +
    "doesn't don't didn't isn't aren't wasn't weren't hasn't haven't hadn't can't cannot won't wouldn't " +
    "shouldn't couldn't").split(" "),
);

/** Multi-word fillers ("in terms of", "small molecules", "I'd like to know"). */
export const FILLER_PHRASES =
  /\bsmall[\s-]molecules?\b|\bin\s+terms\s+of\b|\bas\s+well\s+as\b|\bi(?:'d|\s+would)\s+like\s+to\s+(?:know|see|find|get|have)\b|\bcould\s+you\b|\bcan\s+you\b|\bi\s+want\s+to\s+know\b|\bwith\s+respect\s+to\b|\bin\s+the\s+(?:data(?:set|base)?|offline\s+data)\b|\baccording\s+to\s+(?:your|the)\s+(?:sources?|data(?:set|base)?|records)\b|\bat\s+least\s+one\s+of\b|\bside\s+by\s+side\b|\bstep\s*\d+\s*[:.)]?|\bwould\s+be\s+(?:great|nice|helpful)\b/gi;

const WORD = /[A-Za-z][A-Za-z0-9'’]*(?:-[A-Za-z0-9]+)*|\d+(?:[.,]\d+)?/g;

/** Words that stand for nothing but an ordering or a list ("first", "2nd") count as filler, too. */
const ORDINAL = /^(?:first|second|third|fourth|fifth|last|next|previous|\d+(?:st|nd|rd|th))$/i;

export function isFiller(word: string): boolean {
  const w = word.toLowerCase().replace(/’/g, "'");
  return FILLER.has(w) || FILLER.has(w.replace(/'s$/, "")) || ORDINAL.test(w);
}

/** Splits a question into uses and unused words. Overlapping uses: the first (most specific) wins. */
export function accountFor(
  text: string,
  uses: Use[],
  corrections: Understanding["corrections"] = [],
): Understanding {
  const covered = new Uint8Array(text.length);
  const used: Use[] = [];
  for (const u of [...uses].sort((a, b) => a.start - b.start || b.end - a.end)) {
    if (u.end <= u.start) continue;
    let fresh = false;
    for (let i = u.start; i < u.end; i++) if (!covered[i] && /\S/.test(text[i])) fresh = true;
    if (!fresh) continue;
    covered.fill(1, u.start, u.end);
    used.push(u);
  }
  const unused: Understanding["unused"] = [];
  for (const m of text.matchAll(WORD)) {
    // A hyphenated word counts part by part ("wuzzatriptan-like": the cue is used, the name is not).
    const parts = m[0].includes("-") ? m[0].split("-") : [m[0]];
    let at = m.index!;
    for (const part of parts) {
      const start = at, end = at + part.length;
      at = end + 1;
      if (!part) continue;
      let free = true;
      for (let i = start; i < end; i++) {
        if (covered[i]) {
          free = false;
          break;
        }
      }
      if (!free || isFiller(part) || parts.length > 1 && isFiller(m[0])) continue;
      // A single letter or a list marker ("1.", "a)") is not a content word.
      if (part.length < 2 && !/\d/.test(part)) continue;
      if (parts.length > 1 && /^\d+$/.test(part)) continue;
      unused.push({ text: part, start, end });
    }
  }
  return {
    used: used.map(({ text, start, end, as, value }) => ({
      text,
      start,
      end,
      as,
      ...(value ? { value } : {}),
    })),
    unused,
    corrections,
  };
}

/** Every match of a regex as a use (global copy; the caller's regex is untouched). */
export function usesOf(text: string, re: RegExp, as: UseKind, value?: string): Use[] {
  const g = new RegExp(re.source, re.flags.includes("g") ? re.flags : re.flags + "g");
  const out: Use[] = [];
  for (const m of text.matchAll(g)) {
    if (!m[0]) continue;
    out.push({ text: m[0], start: m.index!, end: m.index! + m[0].length, as, ...(value ? { value } : {}) });
  }
  return out;
}
