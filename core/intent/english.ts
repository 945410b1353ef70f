/** @module English-likeness of a word: context words around a question may be ignored only when they are
 * ordinary English (or chemistry nomenclature); a word that is neither is reported, never silently dropped. */
import words from "an-array-of-english-words/index.json" with { type: "json" };

let dictionary: Set<string> | undefined;
const dict = () => dictionary ??= new Set(words as string[]);

const SUFFIXES = [
  "s",
  "es",
  "ies",
  "ed",
  "d",
  "ing",
  "ly",
  "ity",
  "ities",
  "ness",
  "al",
  "ic",
  "ical",
  "ally",
];
/** Chemistry and pharmacology nomenclature endings (amines, azoles, enzymes, radicals, peptides). */
const NOMENCLATURE = /(?:ines?|oles?|ins?|ases?|yls?|ides?|ones?|ols?|ium|oids?|omics?|ogens?)$/;

/** True when the word (lowercase letters, maybe with an apostrophe) reads as English or chemistry. */
export function isEnglishLike(word: string): boolean {
  const w = word.toLowerCase().replace(/’/g, "'").replace(/n't$|'(?:s|ve|re|ll|d|m)$/, "");
  if (w.length < 3 || dict().has(w) || NOMENCLATURE.test(w)) return true;
  for (const x of SUFFIXES) {
    if (!w.endsWith(x) || w.length - x.length < 3) continue;
    const b = w.slice(0, -x.length);
    if (dict().has(b) || dict().has(b + "e") || dict().has(b + "y")) return true;
  }
  return false;
}
