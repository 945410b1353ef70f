/** @module targets_of_compound and ligands_of_target: the drug–target mechanism graph. */
import { z } from "zod";
import type { Mechanism } from "../data/model.ts";
import type { ToolContext } from "./context.ts";
import { defineTool, ref } from "./define.ts";
import { resolveCompound, resolveTargets } from "./resolve.ts";
import { compoundProvenance, dedupeProvenance, summarize, targetView } from "./views.ts";

interface Grouped {
  action_types: string[];
  mechanisms: string[];
  primary: boolean;
  sources: string[];
  refs: string[];
}

function group(mechs: Mechanism[]): Grouped {
  const uniq = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => !!x))];
  return {
    action_types: uniq(mechs.map((m) => m.action_type)),
    mechanisms: uniq(mechs.map((m) => m.mechanism)),
    primary: mechs.some((m) => m.primary),
    sources: uniq(mechs.map((m) => m.source)).sort(),
    refs: uniq(mechs.flatMap((m) => m.refs)).slice(0, 5),
  };
}

function byKey<T>(list: Mechanism[], key: (m: Mechanism) => T): Map<T, Mechanism[]> {
  const out = new Map<T, Mechanism[]>();
  for (const m of list) out.set(key(m), [...(out.get(key(m)) ?? []), m]);
  return out;
}

/** Targets of one dataset compound, curated mechanisms first. */
export function targetsFor(compoundId: string, ctx: ToolContext, includeActivity = true) {
  const mechs = ctx.data.mechanismsOf(compoundId).filter((m) => includeActivity || m.primary);
  return [...byKey(mechs, (m) => m.target)].map(([id, ms]) => ({
    ...targetView(ctx.data.targetById(id)!),
    ...group(ms),
  }))
    .sort((a, b) =>
      Number(b.primary) - Number(a.primary) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id)
    );
}

export const targetsOfCompound = defineTool({
  name: "targets_of_compound",
  description: "Protein targets of a compound with action type, mechanism, gene and UniProt.",
  args: z.object({ compound: ref.compound, include_activity: z.boolean().default(true) }),
  async run({ compound, include_activity }, ctx) {
    const { compound: c } = await resolveCompound(compound, ctx);
    const targets = targetsFor(c.id, ctx, include_activity);
    return {
      compound: summarize(c),
      targets,
      curated_count: targets.filter((t) => t.primary).length,
      provenance: dedupeProvenance([
        ...compoundProvenance(c),
        ...targets.flatMap((t) => t.sources.map((source) => ({ source, id: c.id }))),
      ]),
    };
  },
});

export const ligandsOfTarget = defineTool({
  name: "ligands_of_target",
  description:
    "Compounds acting on a target given by gene symbol, name, alias (COX-2), ChEMBL target ID or UniProt.",
  args: z.object({
    target: ref.compound,
    limit: ref.limit(2000, 200),
    include_activity: z.boolean().default(true),
  }),
  run({ target, limit, include_activity }, ctx) {
    const targets = resolveTargets(target, ctx);
    const ids = new Set(targets.map((t) => t.id));
    const mechs = [...ids].flatMap((id) => ctx.data.mechanismsAt(id)).filter((m) =>
      include_activity || m.primary
    );
    const ligands = [...byKey(mechs, (m) => m.compound)].map(([cid, ms]) => ({
      ...summarize(ctx.data.compoundById(cid)!),
      ...group(ms),
      via_targets: [...new Set(ms.map((m) => m.target))].sort(),
    })).sort((a, b) =>
      Number(b.primary) - Number(a.primary) || (b.phase ?? -1) - (a.phase ?? -1) ||
      a.name.localeCompare(b.name)
    );
    return {
      query: target,
      targets: targets.map(targetView),
      total: ligands.length,
      ligands: ligands.slice(0, limit),
      provenance: dedupeProvenance(
        ligands.flatMap((l) => l.sources.map((source) => ({ source, id: [...ids][0] }))),
      ),
    };
  },
});
