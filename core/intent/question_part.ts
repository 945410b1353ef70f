/** @module Multi-sentence inputs: the question is found among the preamble ("I am working on … . What are
 * its targets?"). The question sentences are kept, plus the one name a pronoun in them refers back to. */

/** Inputs shorter than this are taken whole. */
const LONG = 60;
const REQUEST =
  /^(?:(?:step\s*)?\d+\s*[:.)]\s*)?(?:(?:and|so|now|then|but|first|finally|next)\s*,?\s+)?(?:what|which|who|how|is|are|does|do|can|could|would|will|find|list|show|give|get|compare|tell|rank|sort|search|look|fetch|identify|keep|take|filter|name|i\s+(?:need|want|would\s+like)|please)\b/i;
const WANTS =
  /\b(?:i|we|she|he|they)\s+(?:also\s+|just\s+|really\s+)?(?:need|needs|want|wants|would\s+like)\b/i;
const POINTS_BACK = /\b(?:its|it|their|them|they|this|these|those|that\s+(?:compound|drug|molecule))\b/i;

export interface Span {
  start: number;
  end: number;
}

/** The pieces of `text` to parse, in order: [referent?, question sentences]. `referent` finds the last name
 * in a piece of preamble. */
export function questionPart(
  text: string,
  referent: (t: string) => Span | null,
): Span[] {
  const whole = [{ start: 0, end: text.length }];
  if (text.length <= LONG) return whole;
  const sentences: Span[] = [];
  // A sentence ends at . ! ? followed by a space and a capital (not at "1.5", "e.g. the", "CHEMBL25."),
  // or at a colon before a question ("…, sorry for the typos: what is …").
  for (
    const m of text.matchAll(
      /.+?(?:[.!?]+(?=\s+[A-Z"'(]|\s*$)|(?<!\b(?:step|part|q)\s*\d*\s*):(?=\s+(?:what|which|how|can|could|is|are|please|find|list|give|show|get|does|do)\b)|$)/gi,
    )
  ) {
    const s = m.index!, raw = m[0];
    const lead = raw.length - raw.trimStart().length;
    if (raw.trim()) sentences.push({ start: s + lead, end: s + raw.trimEnd().length });
  }
  if (sentences.length < 2) return whole;
  const body = (s: Span) => text.slice(s.start, s.end);
  const asks = (s: Span) => body(s).endsWith("?") || REQUEST.test(body(s));
  let qi = -1;
  for (let i = sentences.length - 1; i >= 0 && qi < 0; i--) if (body(sentences[i]).endsWith("?")) qi = i;
  for (let i = sentences.length - 1; i >= 0 && qi < 0; i--) if (asks(sentences[i])) qi = i;
  // No question form at all: the sentence that says what someone needs ("…, so she needs the MW of X").
  for (let i = sentences.length - 1; i >= 0 && qi < 0; i--) if (WANTS.test(body(sentences[i]))) qi = i;
  if (qi < 0) return whole;
  let first = qi, last = qi;
  // Consecutive asking sentences belong to the question ("Find X. Then rank them by MW.").
  while (first > 0 && asks(sentences[first - 1])) first--;
  while (last + 1 < sentences.length && asks(sentences[last + 1])) last++;
  // Whatever follows the question stays with it (a trailing remark is accounted for, not dropped).
  const question = { start: sentences[first].start, end: text.length };
  // "Before ordering anything, they want …": a leading time or purpose clause is context, not the ask.
  const lead = /^(?:before|after|while|when|once|since|until|to|for|in\s+order\s+to)\b[^,;?]{0,60},\s*/i.exec(
    text.slice(question.start),
  );
  if (lead && WANTS.test(text.slice(question.start + lead[0].length, sentences[qi].end))) {
    question.start += lead[0].length;
  }
  if (first === 0) return [question];
  const q = text.slice(question.start, question.end);
  if (referent(q) || !POINTS_BACK.test(q)) return [question];
  // "We use ibuprofen as reference. Could you tell me its molecular weight?": bring the name along.
  const ref = referent(text.slice(0, question.start));
  return ref ? [ref, question] : [question];
}
