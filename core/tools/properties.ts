/** @module properties and lipinski: descriptors computed by RDKit for a compound or any SMILES. */
import { z } from "zod";
import { lipinski as ro5, veber } from "../chem/rules.ts";
import type { MoleculeFacts } from "../chem/engine.ts";
import type { Compound } from "../data/model.ts";
import { ChemAgentError } from "../errors.ts";
import type { ToolContext } from "./context.ts";
import { defineTool, ref } from "./define.ts";
import { resolveMolecule } from "./resolve.ts";
import { compoundProvenance, summarize } from "./views.ts";

const moleculeArgs = z.object({ compound: ref.compound.optional(), smiles: ref.compound.optional() })
  .refine((a) => a.compound || a.smiles, { message: "give compound or smiles" });

/**
 * The facts RDKit computed for a dataset compound at build time, when they are what a worker would compute now
 * (same RDKit version, same canonical structure): a lookup, no worker round trip. Null otherwise (another
 * data source, a library row, a record built without an InChI).
 */
export function storedFacts(c: Compound, smiles: string, ctx: ToolContext): MoleculeFacts | null {
  if (ctx.data.rdkitVersion !== ctx.chem.version) return null;
  if (!c.inchi || !c.inchikey || !c.descriptors || c.canonical_smiles !== smiles) return null;
  return {
    canonical_smiles: c.canonical_smiles,
    inchi: c.inchi,
    inchikey: c.inchikey,
    descriptors: c.descriptors,
  };
}

async function computeFor(args: { compound?: string; smiles?: string }, ctx: ToolContext) {
  const mol = await resolveMolecule(args, ctx);
  // A dataset structure is trusted (some peptides exceed the user-input limits but are known to be safe).
  const facts = (mol.compound && storedFacts(mol.compound, mol.smiles, ctx)) ||
    await ctx.chem.facts(mol.smiles, { signal: ctx.signal, trusted: !!mol.compound });
  const provenance = [
    ...(mol.compound ? compoundProvenance(mol.compound) : []),
    { source: `RDKit ${ctx.chem.version}`, note: "descriptors computed from the structure" },
  ];
  return { mol, facts, provenance };
}

export const properties = defineTool({
  name: "properties",
  description:
    "Computed descriptors (MW, cLogP, HBD, HBA, TPSA, rotatable bonds, rings, formula, InChIKey…).",
  args: moleculeArgs,
  async run(args, ctx) {
    const { mol, facts, provenance } = await computeFor(args, ctx);
    return {
      compound: mol.compound ? summarize(mol.compound) : null,
      smiles: facts.canonical_smiles,
      inchi: facts.inchi,
      inchikey: facts.inchikey,
      properties: facts.descriptors,
      lipinski: ro5(facts.descriptors),
      veber: veber(facts.descriptors),
      provenance,
    };
  },
});

export const lipinski = defineTool({
  name: "lipinski",
  description: "Lipinski rule of five (violations listed) and Veber rule for a compound or SMILES.",
  args: moleculeArgs,
  async run(args, ctx) {
    const { mol, facts, provenance } = await computeFor(args, ctx);
    return {
      compound: mol.compound ? summarize(mol.compound) : null,
      smiles: facts.canonical_smiles,
      properties: facts.descriptors,
      lipinski: ro5(facts.descriptors),
      veber: veber(facts.descriptors),
      provenance,
    };
  },
});

/** Descriptors of a dataset compound (precomputed at build time) or a clear not_found. */
export function descriptorsOf(id: string, ctx: ToolContext) {
  const c = ctx.data.compoundById(id);
  if (!c) throw new ChemAgentError("not_found", `No compound ${id}.`);
  return c.descriptors;
}
