/** @module Text normalisation for name lookup: case, punctuation, accents and salt forms. */

/** Counter-ions and hydrate words stripped when a salt name does not resolve by itself. */
const SALT_WORDS = new Set(
  ("mesylate mesilate methanesulfonate hydrochloride hcl dihydrochloride trihydrochloride hydrobromide sulfate " +
    "sulphate bisulfate hemisulfate sodium disodium potassium dipotassium calcium magnesium zinc lithium " +
    "maleate fumarate hemifumarate citrate tartrate bitartrate succinate acetate diacetate phosphate diphosphate " +
    "besylate besilate tosylate tosilate napsylate nitrate lactate gluconate mandelate oxalate malate " +
    "bromide chloride iodide monohydrate dihydrate trihydrate hydrate anhydrous hemihydrate sesquihydrate " +
    "salt free base meglumine tromethamine trometamol ethanolamine olamine edisylate esylate pamoate embonate " +
    "valerate propionate dipropionate butyrate hyclate stearate palmitate decanoate enanthate cypionate " +
    "hydrogen dimesylate monosodium")
    .split(" "),
);

/** Lowercase, accent-free, alphanumerics only: "Acetyl-Salicylic Acid!" → "acetylsalicylicacid". */
export function normalizeName(text: string): string {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "");
}

/** Words of a name with salt/hydrate words removed, normalised; "" when nothing is left. */
export function stripSaltForm(text: string): string {
  const words = text.normalize("NFKD").toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const kept = words.filter((w) => !SALT_WORDS.has(w));
  return kept.length === words.length ? "" : kept.join("");
}

/** Strips (BAN, FDA, INN …) style tags from ChEMBL synonyms. */
export function stripNameTags(text: string): string {
  return text.replace(/\s*\((?:[A-Z]{2,6}(?:,\s*)?)+\)\s*$/, "").trim();
}
