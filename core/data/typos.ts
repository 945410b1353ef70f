/** @module Typo correction: a misspelt name is corrected only when one record is clearly the closest. */
import type { Dataset } from "./dataset.ts";
import { normalizeName } from "./normalize.ts";
import { type NearName, suggestionDistance } from "./suggest.ts";

export type NamedKind = "compound" | "target" | "class";

/** What a misspelt word was corrected to, or the close names to offer instead. */
export interface NameFix {
  found?: { kind: NamedKind; text: string; id: string; correction: { from: string; to: string } };
  /** Close names, closest then best known first (empty when nothing is close). */
  suggestions: string[];
  /** Several different records were equally close: ask, do not guess. */
  ambiguous: boolean;
}

/** Edits allowed for an automatic correction: none below 5 letters (too many real words), 1 up to 7, 2 from 8. */
export function correctionDistance(length: number): number {
  return length < 5 ? 0 : length <= 7 ? 1 : 2;
}

/**
 * Real words a question uses that sit one or two edits from some drug name ("pyridine" ~ pyridoxine,
 * "approval" ~ apronal, "serum" ~ SERMs): they are words, not misspelt names.
 */
const COMMON_WORDS = new Set(
  ("alone either other others serum series lactone lactones later approval approvals approve indicate indicates " +
    "indicated pyridine pyridines quinoline quinolines triazole triazoles indole indoles imidazole imidazoles " +
    "lactam lactams amide amides amine amines ester esters ether ethers ketone ketones aldehyde alcohol alcohols " +
    "phenol phenols thiol thiols nitrile nitriles halogen halide halides sulfone sulfones sulfonamide urea ureas " +
    "purine purines pyrimidine pyrimidines piperidine piperazine morpholine pyrrole pyrazole thiazole oxazole " +
    "furan thiophene benzene naphthalene steroid steroids peptide peptides protein proteins lipid lipids sugar " +
    "sugars glucose amino acids acid nucleoside nucleotide vitamin vitamins hormone hormones toxin toxins " +
    "plasma tissue tissues organ organs liver kidney brain heart blood urine tablet tablets capsule capsules " +
    "solution powder cream lotion spray inhaler patch injection infusion dosage doses dosing label labels " +
    "trial trials study studies paper papers patent patents review market markets price prices brand brands " +
    "generic generics company companies health human humans animal animals mouse mice rat rats model models " +
    "assay assays screen screens series cluster clusters analog analogs analogue analogues isomer isomers " +
    "enantiomer enantiomers racemate salt salts hydrate solvate crystal polymorph metabolite metabolites " +
    "prodrug prodrugs substrate substrates ligand ligands binder binders blocker blockers opener openers " +
    "cancer tumor tumour tumors tumours infection infections pain fever cough asthma diabetes obesity " +
    "stroke angina arrhythmia epilepsy migraine depression anxiety insomnia psychosis malaria influenza " +
    "water ethanol methanol acetone solvent solvents oxygen nitrogen carbon hydrogen sulfur sulphur chlorine " +
    "fluorine bromine iodine sodium potassium calcium magnesium lithium zinc iron copper silver gold platinum " +
    "about above after again among before below between beyond during except inside outside since through " +
    "toward towards under until upon within without whose whole wider widely while where whether which " +
    "could would should might shall since there these those their theirs being having doing going using " +
    "found known given taken shown based listed called named marked noted rated ranked sorted higher lower " +
    "larger smaller bigger closer nearer better worse fewer lesser greater level levels range ranges value " +
    "values score scores total average median count number numbers amount amounts small large major minor " +
    "first second third last early later recent latest newest oldest older newer modern novel classic")
    .split(" "),
);

/** True for a word that is a real word of questions, never a misspelt name (no correction, no "not found"). */
export function isCommonWord(word: string): boolean {
  return COMMON_WORDS.has(word.toLowerCase());
}

/** A candidate worth correcting to: a drug with a phase, an approval or a mechanism; a target with a mechanism. */
const notable = (c: Candidate) =>
  c.kind === "class" || (c.kind === "target" ? c.prominence >= 1 : c.prominence >= 2);

interface Candidate extends NearName {
  kind: NamedKind;
}

/**
 * Corrects `word` to a compound, target or class name when exactly one record is nearest within the
 * correction distance (so its margin over the runner-up is at least one edit); otherwise returns suggestions.
 * `targets` says whether the word may name a target (gene symbols are matched only when typed like one).
 */
export function correctName(word: string, data: Dataset, targets = true): NameFix {
  const key = normalizeName(word);
  const reach = suggestionDistance(key.length);
  if (!reach || isCommonWord(word)) return { suggestions: [], ambiguous: false };
  const candidates: Candidate[] = [
    ...data.compoundSuggestions.near(key, reach).map((n) => ({ ...n, kind: "compound" as const })),
    ...(targets
      ? data.targetSuggestions.near(key, reach).map((n) => ({ ...n, kind: "target" as const }))
      : []),
    // The singular of a class name ("steroid", "statin") is a word of its own, not a typo of the class.
    // Short class abbreviations ("SERM", "PPI") are too close to ordinary words to correct towards.
    ...data.classes.suggestions.near(key, reach).filter((n) => n.key !== key + "s" && n.key.length >= 6)
      .map((n) => ({ ...n, kind: "class" as const })),
  ].sort((a, b) => a.distance - b.distance || b.prominence - a.prominence || a.label.localeCompare(b.label));
  // One entry per record: its closest spelling. A gene symbol shared by several targets (the protein and
  // complexes holding it) names the one target lookup resolves it to.
  const records = new Map<string, Candidate>();
  for (const c of candidates) {
    if (c.kind === "target") c.id = data.targetsByText(c.label)[0]?.id ?? c.id;
    const id = `${c.kind}:${c.id ?? c.key}`;
    if (!records.has(id)) records.set(id, c);
  }
  const ranked = [...records.values()];
  const suggestions = [...new Set(ranked.map((c) => c.label))].slice(0, 5);
  const fixable = ranked.filter((c) => c.distance <= correctionDistance(key.length));
  if (!fixable.length) return { suggestions, ambiguous: false };
  const best = fixable.filter((c) => c.distance === fixable[0].distance);
  if (best.length > 1) {
    return { suggestions: [...new Set(best.map((c) => c.label))], ambiguous: true };
  }
  const win = best[0];
  // Typos rarely hit the first letter, and an obscure record is no basis for a silent correction: suggest.
  if (win.key[0] !== key[0] || !notable(win)) return { suggestions, ambiguous: false };
  return {
    found: { kind: win.kind, text: win.label, id: win.id!, correction: { from: word, to: win.label } },
    suggestions,
    ambiguous: false,
  };
}
