/**
 * @module MCP resources: the dataset description (`chemagent://dataset`) and the templates
 * `chemagent://compound/{id}`, `chemagent://target/{id}` and `chemagent://library/{id}` (ids or names), with
 * completion of ids and names. Libraries are the caller's own (the `Viewer`: everyone's when auth is off).
 */
import type { ReadResourceResult, Resource, ResourceTemplate } from "./sdk.ts";
import { type Agent, ChemAgentError, type Library, TOOLS, type Viewer } from "../../core/mod.ts";
import { base64 } from "./tools.ts";

export const DATASET_URI = "chemagent://dataset";
export const LIBRARY_TEMPLATE = "chemagent://library/{id}";
/** Rows a library resource shows (the first ones, in file order); tools search all of them. */
export const LIBRARY_ROWS = 100;
/** Libraries named in resources/list (the newest); the template and completion reach the rest. */
const LISTED_LIBRARIES = 50;

export function resourceList(agent: Agent, viewer: Viewer = agent.defaultViewer): Resource[] {
  return [
    {
      uri: DATASET_URI,
      name: "dataset",
      title: `ChemAgent dataset ${agent.data.version}`,
      description: "What the embedded dataset holds (ChEMBL 18 + DrugCentral): counts, sources, tools.",
      mimeType: "application/json",
    },
    ...(agent.libraries?.list(viewer) ?? []).slice(0, LISTED_LIBRARIES).map((l) => ({
      uri: `chemagent://library/${l.meta.id}`,
      name: `library ${l.meta.name}`,
      title: `Library ${l.meta.name}`,
      description: `Your compound library "${l.meta.name}" (${l.size} structures, ${l.meta.report.format}).`,
      mimeType: "application/json",
    })),
  ];
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
  {
    uriTemplate: LIBRARY_TEMPLATE,
    name: "library",
    title: "Compound library",
    description:
      `One of your compound libraries by id or name: its description, import counts and the first ` +
      `${LIBRARY_ROWS} rows (row id, name, canonical SMILES). Search it with a tool's \`library\` argument.`,
    mimeType: "application/json",
  },
];

/** Reads a resource by URI; an unknown or malformed URI is `not_found` / `invalid_parameter`. */
export async function readResource(
  agent: Agent,
  uri: string,
  viewer: Viewer = agent.defaultViewer,
): Promise<ReadResourceResult> {
  if (uri === DATASET_URI) return json(uri, describeDataset(agent));
  const m = /^chemagent:\/\/(compound|target|library)\/(.+)$/.exec(uri);
  if (!m) throw new ChemAgentError("not_found", `No resource ${uri}. Try chemagent://compound/{id}.`);
  const id = decodeUri(m[2]);
  if (m[1] === "library") return json(uri, describeLibrary(findLibrary(agent, id, viewer)));
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

/** A template value as typed; a malformed %-escape is a bad parameter, not a crash. */
function decodeUri(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ChemAgentError("invalid_parameter", `Malformed resource id ${text.slice(0, 100)}.`);
  }
}

/** A library of the viewer by id or name (another user's library is indistinguishable from none). */
function findLibrary(agent: Agent, text: string, viewer: Viewer): Library {
  if (!agent.libraries) throw new ChemAgentError("not_found", "Libraries are not enabled on this server.");
  return agent.libraries.resolve(text, viewer).library;
}

function describeLibrary(lib: Library) {
  const { rejected_records: _r, duplicate_records: _d, ...report } = lib.meta.report;
  const shown = Math.min(lib.size, LIBRARY_ROWS);
  return {
    id: lib.meta.id,
    name: lib.meta.name,
    size: lib.size,
    created_at: lib.meta.created_at,
    source_file: lib.meta.source_file,
    format: report.format,
    counts: {
      records: report.records,
      accepted: report.accepted,
      rejected: report.rejected,
      duplicates: report.duplicates,
      standardized: report.standardized,
    },
    import: report,
    rows_shown: shown,
    truncated: lib.size > shown,
    rows: Array.from({ length: shown }, (_, i) => ({
      id: lib.rowId(i),
      record: lib.records[i],
      name: lib.names[i] || null,
      smiles: lib.smiles[i],
    })),
  };
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

/** Completion values for a library: the caller's library ids and names starting with what was typed. */
export function completeLibrary(agent: Agent, value: string, viewer: Viewer = agent.defaultViewer): string[] {
  const v = value.trim().toLowerCase();
  const out = new Set<string>();
  for (const l of agent.libraries?.list(viewer) ?? []) {
    if (out.size >= MAX_COMPLETIONS) break;
    if (l.meta.id.startsWith(v)) out.add(l.meta.id);
    if (l.meta.name.toLowerCase().startsWith(v)) out.add(l.meta.name);
  }
  return [...out].slice(0, MAX_COMPLETIONS);
}
