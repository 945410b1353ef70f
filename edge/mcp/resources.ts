/**
 * @module MCP resources: the dataset description (`chemagent://dataset`) and the templates
 * `chemagent://compound/{id}` and `chemagent://target/{id}` (ids or names), with completion of ids and names.
 */
import type { ReadResourceResult, Resource, ResourceTemplate } from "./sdk.ts";
import { type Agent, ChemAgentError, TOOLS } from "../../core/mod.ts";
import { base64 } from "./tools.ts";

export const DATASET_URI = "chemagent://dataset";

export function resourceList(agent: Agent): Resource[] {
  return [{
    uri: DATASET_URI,
    name: "dataset",
    title: `ChemAgent dataset ${agent.data.version}`,
    description: "What the embedded dataset holds (ChEMBL 18 + DrugCentral): counts, sources, tools.",
    mimeType: "application/json",
  }];
}

export const RESOURCE_TEMPLATES: ResourceTemplate[] = [
  {
    uriTemplate: "chemagent://compound/{id}",
    name: "compound",
    title: "Compound card",
    description:
      "A compound by ChEMBL id or name: identifiers, phase, approvals, RDKit descriptors, provenance, " +
      "and its structure as SVG.",
    mimeType: "application/json",
  },
  {
    uriTemplate: "chemagent://target/{id}",
    name: "target",
    title: "Target card",
    description: "A target by ChEMBL id, gene symbol or name: the target and its best-evidenced ligands.",
    mimeType: "application/json",
  },
];

/** Reads a resource by URI; an unknown or malformed URI is `not_found` / `invalid_parameter`. */
export async function readResource(agent: Agent, uri: string): Promise<ReadResourceResult> {
  if (uri === DATASET_URI) return json(uri, describeDataset(agent));
  const m = /^chemagent:\/\/(compound|target)\/(.+)$/.exec(uri);
  if (!m) throw new ChemAgentError("not_found", `No resource ${uri}. Try chemagent://compound/{id}.`);
  const id = decodeURIComponent(m[2]);
  if (m[1] === "compound") {
    const out = await agent.runTool("compound_lookup", { query: id });
    const smiles = (out as { compound?: { smiles?: string | null } }).compound?.smiles;
    const result = json(uri, out);
    if (smiles) {
      const svg = await agent.chem.depict(smiles, { width: 300, height: 300 });
      result.contents.push({ uri: `${uri}/depiction.svg`, mimeType: "image/svg+xml", blob: base64(svg) });
    }
    return result;
  }
  return json(uri, await agent.runTool("ligands_of_target", { target: id, limit: 25 }));
}

function json(
  uri: string,
  value: unknown,
): ReadResourceResult & { contents: ReadResourceResult["contents"] } {
  return { contents: [{ uri, mimeType: "application/json", text: JSON.stringify(value, null, 1) }] };
}

function describeDataset(agent: Agent) {
  const d = agent.data;
  return {
    version: d.version,
    rdkit: d.rdkitVersion,
    sources: ["ChEMBL 18", "DrugCentral"],
    compounds: d.compounds.length,
    targets: d.targets.length,
    mechanisms: d.mechanisms.length,
    stats: d.stats,
    tools: Object.keys(TOOLS),
    resource_templates: RESOURCE_TEMPLATES.map((t) => t.uriTemplate),
  };
}

const MAX_COMPLETIONS = 100; // the MCP limit per response

/** Completion values for a compound id or name: ids for an id prefix (CHEMBL…), names otherwise. */
export async function completeCompound(agent: Agent, value: string): Promise<string[]> {
  const v = value.trim();
  if (/^chembl\d*$/i.test(v)) {
    const prefix = v.toUpperCase();
    const out: string[] = [];
    for (const c of agent.data.compounds) {
      if (c.id.startsWith(prefix)) out.push(c.id);
      if (out.length >= MAX_COMPLETIONS) break;
    }
    return out;
  }
  if (v.length < 2) return [];
  return [...new Set((await agent.searchCompounds(v, 20)).compounds.map((c) => c.name))];
}

/** Completion values for a target: ChEMBL target ids for an id prefix, else gene symbols and names. */
export function completeTarget(agent: Agent, value: string): string[] {
  const v = value.trim().toLowerCase();
  if (v.length < 2) return [];
  const out = new Set<string>();
  for (const t of agent.data.targets) {
    if (out.size >= MAX_COMPLETIONS) break;
    if (t.id.toLowerCase().startsWith(v)) out.add(t.id);
    for (const g of t.genes) if (g.toLowerCase().startsWith(v)) out.add(g);
    if (t.name.toLowerCase().startsWith(v)) out.add(t.name);
  }
  return [...out].slice(0, MAX_COMPLETIONS);
}
