/** @module Potency questions ("IC50 of imatinib on ABL1", "Ki below 10 nM for DRD2", "pIC50 > 7"): read into
 * a structured ask when the data source has bioactivities; otherwise they stay honest `not_available` asks. */
import type { PotencyType } from "../data/source.ts";
import type { Parsed } from "./reading.ts";

export interface PotencyAsk {
  types: PotencyType[];
  max_nm?: number;
  min_pchembl?: number;
}

/** The catalogue names (unavailable.ts) a potency source serves. */
const SERVED = new Set(["potency (IC50/Ki/Kd/EC50)", "binding affinity"]);

const TYPE_WORDS: [RegExp, PotencyType][] = [
  [/\bp?ic\s?50s?\b/i, "IC50"],
  [/\bp?ki\b|\bki\s+values?\b/i, "Ki"],
  [/\bp?kd\b|\bkd\s+values?\b/i, "Kd"],
  [/\bp?ec\s?50s?\b/i, "EC50"],
];

const UNIT_NM: Record<string, number> = { pm: 1e-3, nm: 1, um: 1e3, "µm": 1e3, "μm": 1e3, mm: 1e6, m: 1e9 };
const TYPE = String.raw`(?:p?ic\s?50|p?ec\s?50|p?ki|p?kd|potency|affinity|activity)`;
const BELOW = String
  .raw`(?:<=?|≤|below|under|less\s+than|lower\s+than|at\s+most|smaller\s+than|better\s+than)`;
const ABOVE = String.raw`(?:>=?|≥|above|over|greater\s+than|higher\s+than|at\s+least|more\s+than)`;
const VALUE_BELOW = new RegExp(
  String
    .raw`\b${TYPE}s?(?:\s+values?)?\s*(?:of\s+|is\s+)?${BELOW}\s*(\d+(?:\.\d+)?)\s*(pm|nm|um|µm|μm|mm|m)\b`,
  "i",
);
const P_ABOVE = new RegExp(
  String.raw`\bp(?:ic\s?50|ec\s?50|ki|kd|chembl)(?:\s+values?)?\s*${ABOVE}\s*(\d+(?:\.\d+)?)`,
  "i",
);

/** The potency the text asks for: types named (none named = all), a value ceiling in nM, a pChEMBL floor. */
export function potencyAsk(text: string): PotencyAsk {
  const types = TYPE_WORDS.filter(([re]) => re.test(text)).map(([, t]) => t);
  const ask: PotencyAsk = { types };
  const below = VALUE_BELOW.exec(text);
  if (below) ask.max_nm = Number(below[1]) * UNIT_NM[below[2].toLowerCase()];
  const p = P_ABOVE.exec(text);
  if (p) ask.min_pchembl = Number(p[1]);
  return ask;
}

/** With a potency-capable source, a question whose unavailable part is potency asks the potency tool. */
export function readPotency(parsed: Parsed, text: string): Parsed {
  const asks = parsed.unavailable ?? [];
  const e = parsed.intent.entities;
  const isPotency = (u: string) => new RegExp(String.raw`\b${TYPE}`, "i").test(u);
  // A potency limit ("Ki below 10 nM") is an unsupported constraint; a bare "IC50 of …" an unavailable ask.
  const asked = asks.some((a) => SERVED.has(a.name)) || (e.unsupported ?? []).some(isPotency);
  if (parsed.error || !asked) return parsed;
  if (!e.compounds.length && !e.targets.length) return parsed;
  e.potency = potencyAsk(text);
  const unsupported = (e.unsupported ?? []).filter((u) => !isPotency(u));
  if (unsupported.length) e.unsupported = unsupported;
  else delete e.unsupported;
  const rest = asks.filter((a) => !SERVED.has(a.name));
  // "targets of X and their IC50 values": the targets are asked for too, so their plan stays and potency
  // is added; "IC50 of X on Y" asks for potency alone.
  if (!e.targets.length && /\b(?:targets?|receptors?|proteins?)\b/i.test(text)) {
    return { ...parsed, unavailable: rest, onlyUnavailable: false };
  }
  return {
    ...parsed,
    intent: { ...parsed.intent, type: e.compounds.length ? "target_query" : "reverse_target_query" },
    unavailable: rest,
    onlyUnavailable: false,
    actions: [],
    potencyOnly: true,
  };
}
