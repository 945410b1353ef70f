/**
 * @module The ChemAgent tools as MCP tools: every entry of core/tools TOOLS (input schema generated from its zod
 * schema), plus `depict` (a structure as an SVG image). Results carry structured content and readable text.
 */
import type { CallToolResult, ContentBlock, Tool as McpTool } from "./sdk.ts";
import { type Agent, type AnyTool, ChemAgentError, TOOLS, type Viewer } from "../../core/mod.ts";
import { z } from "zod";
import { inputSchemaOf } from "./schema.ts";

/** A tool with the optional markdown renderer tools may carry. */
type RenderableTool = AnyTool & { render?(out: unknown, focus: string[]): string };

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** Arguments of `depict` (also its MCP input schema). */
export const depictArgs = z.strictObject({
  compound: z.string().trim().min(1).max(1000).optional()
    .describe("A compound name or id (aspirin, CHEMBL25)"),
  smiles: z.string().trim().min(1).max(4000).optional().describe("A SMILES string"),
  width: z.number().int().min(50).max(2000).default(300),
  height: z.number().int().min(50).max(2000).default(300),
  highlight: z.string().max(1000).optional().describe("A SMARTS pattern to highlight"),
});

let toolList: McpTool[] | undefined;

/**
 * tools/list entries for the ChemAgent tools and `depict` (`ask` is listed by ask.ts). Built once per process:
 * generating the JSON Schemas is the costly part of opening a session.
 */
export function chemToolList(): McpTool[] {
  return toolList ??= [
    ...Object.entries(TOOLS as Record<string, AnyTool>).map(([name, tool]) => ({
      name,
      title: name.replace(/_/g, " "),
      description: tool.description,
      inputSchema: inputSchemaOf(tool.args),
      annotations: READ_ONLY,
    })),
    {
      name: "depict",
      title: "depict",
      description:
        "Draws a compound or SMILES as an SVG image (RDKit), optionally highlighting a SMARTS match.",
      inputSchema: inputSchemaOf(depictArgs),
      annotations: READ_ONLY,
    },
  ];
}

export const isChemTool = (name: string): boolean => Object.hasOwn(TOOLS, name) || name === "depict";

/**
 * Runs one ChemAgent tool (validated by its own zod schema inside the agent); throws ChemAgentError. `viewer` =
 * the caller, whose libraries a `library` argument may name (undefined: the agent's default).
 */
export async function callChemTool(
  agent: Agent,
  name: string,
  args: Record<string, unknown>,
  signal?: AbortSignal,
  viewer?: Viewer,
): Promise<CallToolResult> {
  if (name === "depict") return await depict(agent, args);
  const out = await agent.runTool(name, args, signal, viewer ? { viewer } : {});
  const tool = (TOOLS as Record<string, RenderableTool>)[name];
  const content: ContentBlock[] = [{ type: "text", text: readable(tool, out) }];
  // A single compound comes with its structure drawing, so an assistant can show it.
  const compound = (out as { compound?: { smiles?: string | null } }).compound;
  if (name === "compound_lookup" && compound?.smiles) content.push(await svgImage(agent, compound.smiles));
  return { content, structuredContent: out };
}

function readable(tool: RenderableTool, out: Record<string, unknown>): string {
  if (tool.render) {
    try {
      return tool.render(out, []);
    } catch {
      // A renderer that does not fit this output shape: the JSON below still says everything.
    }
  }
  return JSON.stringify(out);
}

async function depict(agent: Agent, raw: Record<string, unknown>): Promise<CallToolResult> {
  const parsed = depictArgs.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ChemAgentError(
      "invalid_parameter",
      `depict: ${issue.path.join(".") || "arguments"} ${issue.message}`,
    );
  }
  const a = parsed.data;
  let smiles = a.smiles;
  if (!smiles && a.compound) {
    const byId = agent.data.compoundById(a.compound);
    const c = byId
      ? { smiles: byId.canonical_smiles ?? byId.smiles }
      : (await agent.searchCompounds(a.compound, 1)).compounds[0];
    if (!c) throw new ChemAgentError("not_found", `No compound named "${a.compound}".`);
    smiles = c.smiles ?? undefined;
    if (!smiles) throw new ChemAgentError("not_found", `${a.compound} has no structure in the dataset.`);
  }
  if (!smiles) throw new ChemAgentError("invalid_parameter", "depict: give smiles or compound.");
  return {
    content: [
      await svgImage(agent, smiles, a),
      { type: "text", text: `Structure of ${a.compound ?? smiles} (SVG, ${a.width}×${a.height}).` },
    ],
    structuredContent: { smiles, mime_type: "image/svg+xml" },
  };
}

/** An SVG drawing as MCP image content (base64, image/svg+xml). */
export async function svgImage(
  agent: Agent,
  smiles: string,
  o: { width?: number; height?: number; highlight?: string } = {},
): Promise<ContentBlock> {
  const svg = await agent.chem.depict(smiles, {
    width: o.width ?? 300,
    height: o.height ?? 300,
    highlight: o.highlight,
  });
  return { type: "image", data: base64(svg), mimeType: "image/svg+xml" };
}

export function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}
