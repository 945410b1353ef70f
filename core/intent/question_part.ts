/** @module Long inputs: the question is found among the preamble ("I am working on … . What are …?"). */

/** Inputs longer than this are searched for their question part. */
const LONG = 60;
const REQUEST =
  /^(?:(?:step\s*)?\d+\s*[:.)]\s*)?(?:(?:and|so|now|then|but|first|finally|next)\s*,?\s+)?(?:what|which|who|how|is|are|does|do|can|could|would|will|find|list|show|give|get|compare|tell|rank|sort|search|look|fetch|identify|keep|take|filter|name|i\s+(?:need|want|would\s+like)|please)\b/i;

/** The span of the question in `text`: the last sentence that asks something, extended backwards until it
 * names something (so "Imatinib is … . What are its targets?" keeps imatinib). */
export function questionPart(
  text: string,
  namesSomething: (t: string) => boolean,
): { start: number; end: number } {
  if (text.length <= LONG) return { start: 0, end: text.length };
  const sentences: { start: number; end: number }[] = [];
  // A sentence ends at . ! ? followed by a space and a capital (not at "1.5", "e.g. the", "CHEMBL25.").
  for (
    const m of text.matchAll(
      /.+?(?:[.!?]+(?=\s+[A-Z"'(]|\s*$)|:(?=\s+(?:what|which|how|can|could|is|are|please|find|list|give|show|get|does|do)\b)|$)/gi,
    )
  ) {
    const s = m.index!, raw = m[0];
    const lead = raw.length - raw.trimStart().length;
    if (raw.trim()) sentences.push({ start: s + lead, end: s + raw.trimEnd().length });
  }
  if (sentences.length < 2) return { start: 0, end: text.length };
  const asks = (s: { start: number; end: number }) => {
    const t = text.slice(s.start, s.end);
    return t.endsWith("?") || REQUEST.test(t);
  };
  let qi = -1;
  for (let i = sentences.length - 1; i >= 0; i--) {
    if (text.slice(sentences[i].start, sentences[i].end).endsWith("?")) {
      qi = i;
      break;
    }
  }
  if (qi < 0) { for (let i = sentences.length - 1; i >= 0 && qi < 0; i--) if (asks(sentences[i])) qi = i; }
  if (qi < 0) return { start: 0, end: text.length };
  let first = qi;
  // Consecutive asking sentences belong to the question ("Find X. Then rank them by MW.").
  while (first > 0 && asks(sentences[first - 1])) first--;
  let last = qi;
  while (last + 1 < sentences.length && asks(sentences[last + 1])) last++;
  while (first > 0 && !namesSomething(text.slice(sentences[first].start, sentences[last].end))) first--;
  return { start: sentences[first].start, end: sentences[last].end };
}
