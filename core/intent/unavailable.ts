/** @module What chemists ask for that the offline data does not hold (solubility, pKa, IC50…): recognised
 * so the answer can say so by name and offer the related data that exists, instead of answering something
 * else. */

export interface UnavailableAsk {
  /** The name used in answers ("pKa"). */
  name: string;
  /** The words in the question. */
  text: string;
  start: number;
  end: number;
  /** What related data to show instead: the compound record or its targets. */
  related: "compound" | "targets";
}

const CATALOGUE: [RegExp, string, UnavailableAsk["related"]][] = [
  [
    /\b(?:aqueous\s+|water\s+)?solubilit(?:y|ies)\b|\blog\s?s\b|\bhow\s+soluble\b|\bsoluble\s+in\b|\b(?:water|aqueous)[\s-]soluble\b|\b(?:more|less|most|least)\s+soluble\b/i,
    "solubility",
    "compound",
  ],
  [
    /\bpk[ab]s?\b|\bacid\s+dissociation\s+constants?\b|\bionization\s+constants?\b|\bionisation\s+constants?\b/i,
    "pKa",
    "compound",
  ],
  [/\blog\s?d(?:\s*7\.4)?\b|\bdistribution\s+coefficients?\b/i, "logD", "compound"],
  // QED needs RDKit's QED module, which the WASM build used here does not expose.
  [/\bqed(?:\s+scores?)?\b|\bquantitative\s+estimates?\s+of\s+drug[\s-]?likeness\b/i, "QED", "compound"],
  [/\bmelting\s+points?\b|\bm\.p\.(?=\s|$)/i, "melting point", "compound"],
  [/\bboiling\s+points?\b|\bb\.p\.(?=\s|$)/i, "boiling point", "compound"],
  [/\b(?:elimination\s+|plasma\s+)?half[\s-]?li(?:fe|ves)\b|\bt\s?1\/2\b/i, "half-life", "compound"],
  [/\b(?:oral\s+|absolute\s+)?bioavailability\b/i, "bioavailability", "compound"],
  [/\bclearance\b/i, "clearance", "compound"],
  [/\bvolume\s+of\s+distribution\b|\bvd\b/i, "volume of distribution", "compound"],
  [
    /\bc\s?max\b|\bauc\b|\bpharmacokinetics?\b|\bpk\s+(?:profile|parameters|data)\b/i,
    "pharmacokinetics",
    "compound",
  ],
  [/\b(?:plasma\s+)?protein\s+binding\b/i, "plasma protein binding", "compound"],
  [
    /\bpermeabilit(?:y|ies)\b|\bcaco-?2\b|\bbbb\s+penetration\b|\bblood[\s-]brain[\s-]barrier\b|\bcns\s+penetration\b/i,
    "permeability",
    "compound",
  ],
  [/\bmetaboli[sz](?:m|ed|es)\b|\bmetabolites?\b/i, "metabolism", "compound"],
  [
    /\btoxicit(?:y|ies)\b|\bld\s?50\b|\blethal\s+dose\b|\btoxic\b|\bcarcinogenic\w*\b|\bmutagenic\w*\b|\bhepatotoxic\w*\b/i,
    "toxicity",
    "compound",
  ],
  [
    /\bside[\s-]effects?\b|\badverse\s+(?:effects?|events?|reactions?)\b|\bcontraindications?\b/i,
    "side effects",
    "compound",
  ],
  [
    /\bdrug[\s-]drug\s+interactions?\b|\bddis?\b|\bdrug\s+interactions?\b/i,
    "drug–drug interactions",
    "compound",
  ],
  [/\bdos(?:e|es|age|ages|ing)\b/i, "dosing", "compound"],
  [/\bstability\b|\bshelf[\s-]life\b/i, "stability", "compound"],
  [
    /\bsynthes[ie]s\b|\bsynthetic\s+routes?\b|\bhow\s+(?:to|do\s+you|is\s+\S+)\s+(?:make|made|synthesi[sz]e)\b/i,
    "synthesis",
    "compound",
  ],
  [/\bpatents?\b/i, "patents", "compound"],
  [/\bcrystal\s+structures?\b|\bpdb\b|\bx-ray\b/i, "crystal structures", "compound"],
  [
    /\bp?ic\s?50s?\b|\bp?ec\s?50s?\b|\bp?ki\b|\bp?kd\b|\bk[id]\s+values?\b|\bpotenc(?:y|ies)\b|\bactivity\s+values?\b/i,
    "potency (IC50/Ki/Kd/EC50)",
    "targets",
  ],
  [/\b(?:binding\s+)?affinit(?:y|ies)\b|\bdissociation\s+constants?\b/i, "binding affinity", "targets"],
  [
    /\bselectivity\b|\bselective\s+(?:for|over)\b|\boff[\s-]target\s+(?:activity|effects)\b/i,
    "selectivity",
    "targets",
  ],
  [/\befficacy\b/i, "efficacy", "targets"],
];

/** Every unavailable ask in the text, leftmost first; one per name. */
export function unavailableAsks(text: string): UnavailableAsk[] {
  const out: UnavailableAsk[] = [];
  for (const [re, name, related] of CATALOGUE) {
    const m = re.exec(text);
    if (!m || out.some((o) => o.name === name)) continue;
    out.push({ name, text: m[0], start: m.index, end: m.index + m[0].length, related });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Every span of every unavailable ask (coverage marks them as understood-but-unavailable). */
export function unavailableSpans(text: string): { name: string; start: number; end: number; text: string }[] {
  const out: { name: string; start: number; end: number; text: string }[] = [];
  for (const [re, name] of CATALOGUE) {
    for (const m of text.matchAll(new RegExp(re.source, "gi"))) {
      out.push({ name, text: m[0], start: m.index!, end: m.index! + m[0].length });
    }
  }
  return out;
}

/** The note that names what is missing. */
export function unavailableNote(asks: UnavailableAsk[]): string {
  // Named as asked, with the catalogue name when they differ ("LD50 (toxicity)").
  const names = asks.map((a) =>
    a.text.toLowerCase().replace(/\s+/g, " ") === a.name.toLowerCase() ? a.name : `${a.text} (${a.name})`
  );
  const list = names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : names[0];
  return `Not available: the offline data (ChEMBL 18 + DrugCentral) has no ${list} values` +
    (asks.some((a) => a.related === "targets")
      ? "; the targets and mechanisms it does record are shown instead."
      : "; what it does record about the compound is shown instead.");
}
