/** @module Tools: typed functions with validated args; the registry the planner and REST routes use. */
import { compareProperties, filterByProperties, rank } from "./compare_filter_rank.ts";
import { compoundLookup } from "./compound_lookup.ts";
import type { AnyTool } from "./define.ts";
import { classMembers } from "./class_members.ts";
import { compareLibrary } from "./compare_library.ts";
import { intersectLigands, intersectTargets } from "./intersect.ts";
import { lipinski, properties } from "./properties.ts";
import { potency } from "./potency.ts";
import { similaritySearch } from "./similarity_search.ts";
import { substructureSearch } from "./substructure_search.ts";
import { ligandsOfTarget, targetsOfCompound } from "./targets.ts";
import { targetLookup } from "./target_lookup.ts";

export const TOOLS = {
  compound_lookup: compoundLookup,
  properties,
  lipinski,
  similarity_search: similaritySearch,
  substructure_search: substructureSearch,
  targets_of_compound: targetsOfCompound,
  ligands_of_target: ligandsOfTarget,
  compare_properties: compareProperties,
  filter_by_properties: filterByProperties,
  rank,
  intersect_targets: intersectTargets,
  target_lookup: targetLookup,
  intersect_ligands: intersectLigands,
  class_members: classMembers,
  compare_library: compareLibrary,
  potency,
} as const satisfies Record<string, AnyTool>;

export type ToolName = keyof typeof TOOLS;

/** The tool registered as `name`, own keys only: "constructor", "toString" or "__proto__" are not tools. */
export function toolByName(name: string): AnyTool | undefined {
  return Object.hasOwn(TOOLS, name) ? (TOOLS as Record<string, AnyTool>)[name] : undefined;
}
export { invokeTool } from "./define.ts";
export type { AnyTool, Tool, ToolOutput } from "./define.ts";
export type { Provenance, ToolContext } from "./context.ts";
export { SubstructureIndex } from "./substructure_index.ts";
export { libraryCompound, type SearchSpace, searchSpace } from "./search_space.ts";
export * from "./views.ts";
export * from "./resolve.ts";
export * from "./property_catalog.ts";
export { passes, type PropertyFilter } from "./compare_filter_rank.ts";
export { EVIDENCE, type Evidence, evidenceOf, targetsFor } from "./targets.ts";
export { resolveClass, ROUTES } from "./class_members.ts";
