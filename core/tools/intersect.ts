/** @module Intersections: targets shared by several compounds, and compounds acting on every one of several targets. */
import { z } from "zod";
import type { Mechanism, Target } from "../data/model.ts";
import { defineTool, ref } from "./define.ts";
import { collapsed, phaseLabel, table } from "./render_md.ts";
import { resolveTargets } from "./resolve.ts";
import { EVIDENCE, EVIDENCE_LABEL, evidenceOf, mergeSameName } from "./targets.ts";
import { dedupeProvenance, summarize, targetView } from "./views.ts";

export const intersectTargets = defineTool({
  name: "intersect_targets",
  description: "Targets present in every given list of target IDs.",
  args: z.object({
    sets: z.array(z.array(z.string()).max(5000)).min(2, "needs at least two sets").max(20),
    labels: z.array(z.string()).optional(),
  }),
  run({ sets, labels }, ctx) {
    const [first, ...rest] = sets.map((s) => new Set(s));
    const common = [...first].filter((id) => rest.every((s) => s.has(id))).sort();
    const union = new Set(sets.flat());
    return {
      labels: labels ?? sets.map((_, i) => `set ${i + 1}`),
      sizes: sets.map((s) => new Set(s).size),
      common: common.map((id) => ctx.data.targetById(id)).filter((t) => !!t).map((t) => targetView(t!)),
      union_size: union.size,
      jaccard: union.size ? Math.round((common.length / union.size) * 1000) / 1000 : 0,
      provenance: [],
    };
  },
  render(x) {
    const lead = `${x.labels.join(" and ")} share **${x.common.length}** curated target${
      x.common.length === 1 ? "" : "s"
    } (of ${x.sizes.join(" and ")}; Jaccard ${x.jaccard})`;
    return x.common.length
      ? `${lead}:\n\n` +
        table(["Target", "Gene", "Target ID"], x.common.map((t) => [t.name, t.genes.join(", ") || "—", t.id]))
      : lead + ".";
  },
});

/** How one compound acts on one of the queried targets. */
interface Hit {
  target: string;
  action_types: string[];
  evidence: typeof EVIDENCE[number];
}

export const intersectLigands = defineTool({
  name: "intersect_ligands",
  description:
    "Compounds acting on every one of several targets (e.g. DRD2 and HTR2A), ranked by their weakest evidence, then phase.",
  args: z.object({
    targets: z.array(ref.compound).min(2, "needs at least two targets").max(10),
    include_activity: z.boolean().default(true),
    limit: ref.limit(2000, 200),
  }),
  run({ targets, include_activity, limit }, ctx) {
    const resolved = targets.map((t) => ({ query: t, targets: resolveTargets(t, ctx) }));
    // Per query: compound → its links to any target record the query resolved to.
    const perQuery = resolved.map(({ targets: ts }) => {
      const byCompound = new Map<string, Mechanism[]>();
      for (const t of ts) {
        for (const m of ctx.data.mechanismsAt(t.id)) {
          if (!include_activity && !m.primary) continue;
          byCompound.set(m.compound, [...(byCompound.get(m.compound) ?? []), m]);
        }
      }
      return byCompound;
    });
    const [first, ...rest] = perQuery;
    const common = [...first.keys()].filter((c) => rest.every((q) => q.has(c)));
    const rank = (e: typeof EVIDENCE[number]) => EVIDENCE.indexOf(e);
    const rows = mergeSameName(
      common.map((cid) => {
        const hits: Hit[] = perQuery.map((q, i) => {
          const ms = q.get(cid)!;
          const evidence = EVIDENCE[Math.min(...ms.map((m) => rank(evidenceOf(m))))];
          return {
            target: resolved[i].query,
            action_types: [...new Set(ms.map((m) => m.action_type).filter((a): a is string => !!a))],
            evidence,
          };
        });
        const weakest = EVIDENCE[Math.max(...hits.map((h) => rank(h.evidence)))];
        return { ...summarize(ctx.data.compoundById(cid)!), evidence: weakest, hits };
      }).sort((a, b) =>
        rank(a.evidence) - rank(b.evidence) || (b.phase ?? -1) - (a.phase ?? -1) ||
        a.name.localeCompare(b.name) ||
        a.id.localeCompare(b.id)
      ),
    );
    const view = (ts: Target[]) => ts.map(targetView);
    return {
      targets: resolved.map((r) => ({ query: r.query, resolved: view(r.targets) })),
      sizes: perQuery.map((q) => q.size),
      total: rows.length,
      ligands: rows.slice(0, limit),
      provenance: dedupeProvenance(
        common.flatMap((cid) =>
          resolved.flatMap((r) =>
            r.targets.flatMap((t) =>
              ctx.data.mechanismsAt(t.id).filter((m) => m.compound === cid).map((m) => ({
                source: m.source,
                id: `${cid}→${t.id}`,
              }))
            )
          )
        ).slice(0, 50),
      ),
    };
  },
  render(x) {
    const names = x.targets.map((t) => t.resolved[0]?.genes[0] ?? t.query);
    const lead = `**${x.total}** compound${x.total === 1 ? "" : "s"} act on ${
      names.length === 2 ? "both" : "all of"
    } ${names.join(" and ")} (of ${x.sizes.join(" and ")} ligands respectively)`;
    if (!x.total) return lead + ".";
    const strong = x.ligands.filter((l) => l.evidence !== "bioactivity");
    const weak = x.ligands.filter((l) => l.evidence === "bioactivity");
    const row = (l: typeof x.ligands[number], i: number) => [
      i + 1,
      l.name,
      l.id,
      phaseLabel(l.phase),
      ...l.hits.map((h) => `${h.action_types.join(", ") || "active"} (${EVIDENCE_LABEL[h.evidence]})`),
    ];
    const head = ["#", "Compound", "ChEMBL ID", "Phase", ...names];
    return `${lead}, ranked by the weaker of their links (strongest first), then phase:\n\n` +
      (strong.length
        ? table(head, strong.slice(0, 25).map(row))
        : "None with a recorded mechanism on every target.") +
      (strong.length > 25 ? `\n\n_${strong.length - 25} more in \`result\`._` : "") +
      (weak.length
        ? "\n\n" + collapsed(
          `${weak.length} more where at least one link is bioactivity-only`,
          table(head, weak.slice(0, 50).map(row)),
        )
        : "");
  },
});
