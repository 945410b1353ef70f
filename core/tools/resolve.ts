/** @module Turns what a user typed (ChEMBL ID, name, synonym, salt, SMILES) into dataset records. */
import { ChemAgentError } from "../errors.ts";
import type { Compound, Target } from "../data/model.ts";
import { normalizeName } from "../data/normalize.ts";
import type { ToolContext } from "./context.ts";

export type MatchKind = "chembl_id" | "name" | "salt_form" | "inchikey" | "structure";

export interface Resolved {
  compound: Compound;
  matched_by: MatchKind;
  /** Other compounds the same text could mean (shared synonyms). */
  alternatives: Compound[];
}

/** A molecule the user gave as SMILES that the dataset may or may not hold. */
export interface AdHocMolecule {
  smiles: string;
  compound: Compound | null;
}

const CHEMBL_ID = /^chembl\s*\d+$/i;
const INCHIKEY = /^[A-Z]{14}-[A-Z]{10}-[A-Z]$/;

/** Trims quotes, trailing punctuation and surrounding spaces: "ASPIRIN?" → "ASPIRIN". */
export function cleanReference(text: string): string {
  return text.trim().replace(/^["'“”‘’`]+|["'“”‘’`]+$/g, "").replace(/[?!.,;:]+$/, "").trim();
}

/** Resolves a compound reference or throws not_found with suggestions. */
export async function resolveCompound(ref: string, ctx: ToolContext): Promise<Resolved> {
  const text = cleanReference(ref);
  if (!text) {
    throw new ChemAgentError("invalid_parameter", "A compound name, ChEMBL ID or SMILES is required.");
  }
  const { data } = ctx;
  if (CHEMBL_ID.test(text) || text.startsWith("DrugCentral:")) {
    const c = data.compoundById(text.replace(/\s+/g, ""));
    if (c) return { compound: c, matched_by: "chembl_id", alternatives: [] };
    throw new ChemAgentError(
      "not_found",
      `No compound with ID ${text.toUpperCase()} in the offline dataset (ChEMBL 18 drugs + DrugCentral).`,
      {
        suggestions: ['Check the ID, or search by name, e.g. "aspirin".'],
      },
    );
  }
  if (INCHIKEY.test(text)) {
    const [c, ...rest] = data.compoundsByInChIKey(text);
    if (c) return { compound: c, matched_by: "inchikey", alternatives: rest };
  }
  const byName = data.compoundsByName(text);
  if (byName.length) {
    const exact = data.hasCompoundName(normalizeName(text));
    const ranked = rankCandidates(byName, text);
    return { compound: ranked[0], matched_by: exact ? "name" : "salt_form", alternatives: ranked.slice(1) };
  }
  const facts = looksLikeSmiles(text) ? await structureFacts(text, ctx) : null;
  if (facts) {
    const [c, ...rest] = data.compoundsByInChIKey(facts.inchikey);
    if (c) return { compound: c, matched_by: "structure", alternatives: rest };
    throw new ChemAgentError(
      "not_found",
      `The structure ${facts.canonical_smiles} is not in the offline dataset.`,
      {
        suggestions: ["Its properties can still be computed: ask for the properties of the SMILES."],
        details: { canonical_smiles: facts.canonical_smiles, inchikey: facts.inchikey },
      },
    );
  }
  throw notFoundCompound(text, ctx);
}

/** Facts of a SMILES-looking reference, or null when it is not a valid SMILES (size limits still refuse). */
async function structureFacts(text: string, ctx: ToolContext) {
  try {
    return await ctx.chem.facts(text, { signal: ctx.signal });
  } catch (e) {
    if (e instanceof ChemAgentError && e.code === "invalid_smiles") return null;
    throw e;
  }
}

export function notFoundCompound(text: string, ctx: ToolContext): ChemAgentError {
  const suggestions = ctx.data.compoundSuggestions.suggest(normalizeName(text), 5);
  return new ChemAgentError(
    "not_found",
    `No compound named "${text}" in the offline dataset.` +
      (suggestions.length ? ` Did you mean ${suggestions.slice(0, 3).join(", ")}?` : ""),
    { suggestions },
  );
}

/** Prefers approved/parent records when a synonym is shared. */
function rankCandidates(list: Compound[], text: string): Compound[] {
  const key = normalizeName(text);
  return [...list].sort((a, b) =>
    Number(normalizeName(b.name) === key) - Number(normalizeName(a.name) === key) ||
    (b.phase ?? -1) - (a.phase ?? -1) ||
    Number(!!b.canonical_smiles) - Number(!!a.canonical_smiles) ||
    a.id.localeCompare(b.id)
  );
}

/** Cheap shape test before asking RDKit: SMILES have no spaces and use SMILES characters only. */
export function looksLikeSmiles(text: string): boolean {
  if (!/^[A-Za-z0-9@+\-\[\]()=#$%\\/.:*~]+$/.test(text)) return false;
  // A bare word is a SMILES only if it splits entirely into organic-subset atoms ("CCO" yes, "Aspirin" no).
  return /[^A-Za-z]/.test(text) || /^(?:Cl|Br|[BCNOSPFI]|[cnosp])+$/.test(text);
}

/** Either a dataset compound or a raw SMILES (which need not be in the dataset). */
export async function resolveMolecule(
  ref: { compound?: string; smiles?: string },
  ctx: ToolContext,
): Promise<AdHocMolecule> {
  if (ref.smiles) {
    const facts = await ctx.chem.facts(ref.smiles, { signal: ctx.signal }); // throws invalid_smiles
    const known = ctx.data.compoundsByInChIKey(facts.inchikey)[0] ?? null;
    return { smiles: facts.canonical_smiles, compound: known };
  }
  if (!ref.compound) throw new ChemAgentError("invalid_parameter", "Give a compound (name/ID) or a SMILES.");
  const { compound } = await resolveCompound(ref.compound, ctx);
  if (!compound.canonical_smiles) {
    // The compound is known; what is missing is data (a structure), so nothing computed from one is available.
    throw new ChemAgentError(
      "not_available",
      `${compound.name} (${compound.id}) has no small-molecule structure in the dataset (${
        compound.drug_type ?? "biologic"
      }), so structure-based data (molecular weight, logP, TPSA, similarity, substructures) is not available.`,
    );
  }
  return { smiles: compound.canonical_smiles, compound };
}

/** Resolves a target reference (gene, alias, name, ChEMBL target ID, UniProt) or throws not_found. */
export function resolveTargets(ref: string, ctx: ToolContext): Target[] {
  const text = cleanReference(ref);
  if (!text) {
    throw new ChemAgentError(
      "invalid_parameter",
      "A target (gene symbol, name or ChEMBL target ID) is required.",
    );
  }
  const byId = ctx.data.targetById(text);
  if (byId) return [byId];
  const found = ctx.data.targetsByText(text);
  if (found.length) return found;
  const suggestions = ctx.data.targetSuggestions.suggest(normalizeName(text), 5);
  throw new ChemAgentError(
    "not_found",
    `No target "${text}" in the offline dataset.` +
      (suggestions.length ? ` Did you mean ${suggestions.slice(0, 3).join(", ")}?` : ""),
    {
      suggestions,
    },
  );
}
