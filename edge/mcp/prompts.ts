/** @module MCP prompts: "profile a compound" and "find analogues with constraints", as guided tool use. */
import type { GetPromptResult, Prompt } from "./sdk.ts";
import { ChemAgentError } from "../../core/mod.ts";

export const PROMPTS: Prompt[] = [
  {
    name: "profile_compound",
    title: "Profile a compound",
    description:
      "A medicinal-chemistry profile of one compound: identity, properties, drug-likeness, targets.",
    arguments: [{ name: "compound", description: "Name or ChEMBL id (aspirin, CHEMBL25)", required: true }],
  },
  {
    name: "find_analogues",
    title: "Find analogues with constraints",
    description: "Structural analogues of a compound, filtered by property constraints and ranked.",
    arguments: [
      { name: "compound", description: "Name or ChEMBL id of the reference compound", required: true },
      {
        name: "constraints",
        description: 'Property constraints, e.g. "MW < 300, logP < 3"',
        required: false,
      },
      { name: "threshold", description: "Tanimoto similarity threshold 0–1 (default 0.5)", required: false },
    ],
  },
];

/** The prompt's messages for the given arguments; a missing required argument is `invalid_parameter`. */
export function getPrompt(name: string, args: Record<string, string> = {}): GetPromptResult {
  const need = (key: string) => {
    const v = args[key]?.trim();
    if (!v) throw new ChemAgentError("invalid_parameter", `Prompt ${name} needs the argument "${key}".`);
    return v;
  };
  if (name === "profile_compound") {
    const compound = need("compound");
    return {
      description: `Profile of ${compound}`,
      messages: [
        {
          role: "user",
          content: {
            type: "text",
            text: `Profile ${compound} for a medicinal chemist. Use the ChemAgent tools, not memory: ` +
              `compound_lookup for identity and approval status, properties and lipinski for computed ` +
              `descriptors and drug-likeness, targets_of_compound for its targets with evidence. ` +
              `Cite the provenance each tool returns and say what the dataset does not hold.`,
          },
        },
        {
          role: "user",
          content: {
            type: "resource_link",
            uri: `chemagent://compound/${encodeURIComponent(compound)}`,
            name: compound,
          },
        },
      ],
    };
  }
  if (name === "find_analogues") {
    const compound = need("compound");
    const constraints = args.constraints?.trim();
    const threshold = args.threshold?.trim() || "0.5";
    if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(threshold)) {
      throw new ChemAgentError("invalid_parameter", "threshold must be a number between 0 and 1.");
    }
    return {
      description: `Analogues of ${compound}${constraints ? ` with ${constraints}` : ""}`,
      messages: [{
        role: "user",
        content: {
          type: "text",
          text: `Find structural analogues of ${compound} with the ChemAgent tools: similarity_search with ` +
            `threshold ${threshold}` +
            (constraints
              ? `, then filter_by_properties with these constraints: ${constraints}, then rank the survivors`
              : ", then rank them by similarity") +
            `. Report each analogue's name, id, similarity and the constrained properties as computed by ` +
            `ChemAgent, and say how many candidates each constraint removed. You can also ask ChemAgent ` +
            `directly: ask {"query": "Find compounds similar to ${compound}${
              constraints ? ` with ${constraints}` : ""
            }"}.`,
        },
      }],
    };
  }
  throw new ChemAgentError(
    "not_found",
    `No prompt "${name}". Prompts: ${PROMPTS.map((p) => p.name).join(", ")}.`,
  );
}
