/** @module targets_of_compound and ligands_of_target: the drug–target graph, strongest evidence first, with their renderers. */
import { z } from "zod";
import type { Dataset } from "../data/dataset.ts";
import type { Mechanism, Target } from "../data/model.ts";
import { normalizeName } from "../data/normalize.ts";
import type { ToolContext } from "./context.ts";
import { defineTool, ref } from "./define.ts";
import { resolveCompound, resolveTargets } from "./resolve.ts";
import { collapsed, esc, name, phaseLabel, table } from "./render_md.ts";
import { compoundProvenance, dedupeProvenance, summarize, type TargetView, targetView } from "./views.ts";

/** How well a compound–target link is supported, strongest first. */
export const EVIDENCE = ["curated_mechanism", "drugcentral_mechanism", "bioactivity"] as const;
export type Evidence = typeof EVIDENCE[number];
export const EVIDENCE_LABEL: Record<Evidence, string> = {
  curated_mechanism: "ChEMBL curated mechanism",
  drugcentral_mechanism: "DrugCentral mechanism",
  bioactivity: "bioactivity only",
};

/** ChEMBL 18 curated mechanism > DrugCentral 2016 mechanism (IUPHAR, ChEMBL, labels …) > DrugCentral 2023 activity. */
export function evidenceOf(m: Mechanism): Evidence {
  return !m.primary
    ? "bioactivity"
    : m.source.startsWith("ChEMBL")
    ? "curated_mechanism"
    : "drugcentral_mechanism";
}
const strength = (e: Evidence) => EVIDENCE.indexOf(e);
const strongest = (ms: Mechanism[]): Evidence =>
  EVIDENCE[Math.min(...ms.map((m) => strength(evidenceOf(m))))];

interface Grouped {
  action_types: string[];
  mechanisms: string[];
  primary: boolean;
  evidence: Evidence;
  sources: string[];
  refs: string[];
}

const uniq = (xs: (string | null | undefined)[]) => [...new Set(xs.filter((x): x is string => !!x))];

function group(mechs: Mechanism[]): Grouped {
  return {
    action_types: uniq(mechs.map((m) => m.action_type)),
    mechanisms: uniq(mechs.map((m) => m.mechanism)),
    primary: mechs.some((m) => m.primary),
    evidence: strongest(mechs),
    sources: uniq(mechs.map((m) => m.source)).sort(),
    refs: uniq(mechs.flatMap((m) => m.refs)).slice(0, 5),
  };
}

function byKey<T>(list: Mechanism[], key: (m: Mechanism) => T): Map<T, Mechanism[]> {
  const out = new Map<T, Mechanism[]>();
  for (const m of list) out.set(key(m), [...(out.get(key(m)) ?? []), m]);
  return out;
}

/** Common names of a target's gene ("COX-1" for PTGS1), from the dataset's alias table. */
export function aliasesOf(t: Target, data: Dataset): string[] {
  if (t.genes.length !== 1) return [];
  return data.aliasesOfGene(t.genes[0]).filter((a) => a.toUpperCase() !== t.genes[0].toUpperCase()).slice(
    0,
    4,
  );
}

/** One protein is one row: single-gene targets merge on their gene, others stay by id. */
const rowKey = (t: Target) => (t.genes.length === 1 ? `gene:${t.genes[0].toUpperCase()}` : t.id);

/**
 * Records that share a name (a parent and a salt ChEMBL names alike) are one row to a reader: the first
 * (best-ranked) keeps the row and lists the others in `merged_ids`.
 */
export function mergeSameName<T extends { id: string; name: string; merged_ids?: string[] }>(rows: T[]): T[] {
  const byName = new Map<string, T>();
  const out: T[] = [];
  for (const r of rows) {
    const key = normalizeName(r.name);
    const first = byName.get(key);
    if (first) first.merged_ids = [...(first.merged_ids ?? []), r.id];
    else {
      byName.set(key, r);
      out.push(r);
    }
  }
  return out;
}

export interface TargetRow extends TargetView, Grouped {
  aliases: string[];
  /** Other target records of the same protein merged into this row. */
  merged_ids?: string[];
}

/** Targets of one dataset compound: one row per protein, strongest evidence first, then name. */
export function targetsFor(compoundId: string, ctx: ToolContext, includeActivity = true): TargetRow[] {
  const mechs = ctx.data.mechanismsOf(compoundId).filter((m) => includeActivity || m.primary);
  const rows = [...byKey(mechs, (m) => rowKey(ctx.data.targetById(m.target)!))].map(([, ms]) => {
    // The row's record is the target with the strongest evidence (then the lowest id, for stable output).
    const ids = [...new Set(ms.map((m) => m.target))].sort((a, b) =>
      strength(strongest(ms.filter((m) => m.target === a))) -
        strength(strongest(ms.filter((m) => m.target === b))) || a.localeCompare(b)
    );
    const t = ctx.data.targetById(ids[0])!;
    return {
      ...targetView(t),
      ...group(ms),
      aliases: aliasesOf(t, ctx.data),
      ...(ids.length > 1 ? { merged_ids: ids.slice(1) } : {}),
    };
  });
  return rows.sort((a, b) =>
    strength(a.evidence) - strength(b.evidence) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id)
  );
}

const geneCell = (t: { genes: string[]; aliases?: string[] }) =>
  (t.genes.join(", ") || "—") + (t.aliases?.length ? ` (${t.aliases.slice(0, 2).join(", ")})` : "");

export const targetsOfCompound = defineTool({
  name: "targets_of_compound",
  description:
    "Protein targets of a compound, one row per protein, ranked by evidence (curated mechanism > DrugCentral > bioactivity).",
  args: z.object({ compound: ref.compound, include_activity: z.boolean().default(true) }),
  run({ compound, include_activity }, ctx) {
    const { compound: c } = resolveCompound(compound, ctx);
    const targets = targetsFor(c.id, ctx, include_activity);
    return {
      compound: summarize(c),
      targets,
      curated_count: targets.filter((t) => t.primary).length,
      evidence_counts: Object.fromEntries(
        EVIDENCE.map((e) => [e, targets.filter((t) => t.evidence === e).length]),
      ),
      provenance: dedupeProvenance([
        ...compoundProvenance(c),
        ...targets.flatMap((t) => t.sources.map((source) => ({ source, id: c.id }))),
      ]),
    };
  },
  /** Rows with a mechanism as a table; bioactivity-only rows in a collapsed section. */
  render(x) {
    const ts = x.targets;
    if (!ts.length) return `No targets of ${name(x.compound)} are recorded in the offline dataset.`;
    const strong = ts.filter((t) => t.evidence !== "bioactivity");
    const weak = ts.filter((t) => t.evidence === "bioactivity");
    const row = (t: TargetRow) => [
      t.name,
      geneCell(t),
      t.action_types.join(", ") || "—",
      t.mechanisms[0] ?? "—",
      EVIDENCE_LABEL[t.evidence],
      t.id,
    ];
    const head = ["Target", "Gene (alias)", "Action", "Mechanism", "Evidence", "Target ID"];
    return `Targets of **${name(x.compound)}**` +
      (strong.length
        ? ` (${strong.length} with a recorded mechanism, strongest evidence first):\n\n` +
          table(head, strong.map(row))
        : ": none with a recorded mechanism.") +
      (weak.length
        ? "\n\n" + collapsed(
          `${weak.length} more target${
            weak.length === 1 ? "" : "s"
          } with bioactivity-only evidence (DrugCentral 2023, no mechanism)`,
          table(
            ["Target", "Gene (alias)", "Organism", "Target ID"],
            weak.map((t) => [t.name, geneCell(t), t.organism, t.id]),
          ),
        )
        : "");
  },
  renderItem: (x) => {
    const ts = x.targets.filter((t) => t.primary);
    return `**${name(x.compound)}**: ${
      ts.length
        ? ts.map((t) =>
          `${t.genes[0] ?? t.name}${t.action_types[0] ? ` (${t.action_types[0].toLowerCase()})` : ""}`
        ).join(", ")
        : "no curated targets"
    }`;
  },
});

export const ligandsOfTarget = defineTool({
  name: "ligands_of_target",
  description:
    "Compounds acting on a target (gene symbol, name, alias such as COX-2, ChEMBL target ID or UniProt), strongest evidence first, then phase.",
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
    const ligands = mergeSameName(
      [...byKey(mechs, (m) => m.compound)].map(([cid, ms]) => ({
        ...summarize(ctx.data.compoundById(cid)!),
        ...group(ms),
        via_targets: [...new Set(ms.map((m) => m.target))].sort(),
      })).sort((a, b) =>
        strength(a.evidence) - strength(b.evidence) || (b.phase ?? -1) - (a.phase ?? -1) ||
        a.name.localeCompare(b.name) || a.id.localeCompare(b.id)
      ),
    );
    return {
      query: target,
      targets: targets.map((t) => ({ ...targetView(t), aliases: aliasesOf(t, ctx.data) })),
      total: ligands.length,
      evidence_counts: Object.fromEntries(
        EVIDENCE.map((e) => [e, ligands.filter((l) => l.evidence === e).length]),
      ),
      ligands: ligands.slice(0, limit),
      provenance: dedupeProvenance(
        ligands.flatMap((l) => l.sources.map((source) => ({ source, id: [...ids][0] }))),
      ),
    };
  },
  render(x) {
    const ls = x.ligands;
    const tnames = x.targets.map((t) => `${t.name}${t.genes.length ? ` (${geneCell(t)})` : ""}`).join("; ");
    if (!ls.length) return `No ligands of ${tnames} in the offline dataset.`;
    const strong = ls.filter((l) => l.evidence !== "bioactivity");
    const weak = ls.filter((l) => l.evidence === "bioactivity");
    const shownStrong = strong.slice(0, 25);
    const row = (l: typeof ls[number], i: number) => [
      i + 1,
      l.name,
      l.id,
      l.action_types.join(", ") || "—",
      phaseLabel(l.phase),
      EVIDENCE_LABEL[l.evidence],
    ];
    const hidden = x.total - ls.length;
    return `Ligands of **${tnames}**` +
      (strong.length
        ? ` (${strong.length} with a recorded mechanism, strongest evidence first, then phase):\n\n` +
          table(["#", "Compound", "ChEMBL ID", "Action", "Phase", "Evidence"], shownStrong.map(row)) +
          (strong.length > shownStrong.length
            ? `\n\n_${strong.length - shownStrong.length} more with a recorded mechanism in \`result\`._`
            : "")
        : ": none with a recorded mechanism.") +
      (weak.length
        ? "\n\n" + collapsed(
          `${weak.length} more compound${weak.length === 1 ? "" : "s"} with bioactivity-only evidence`,
          table(
            ["#", "Compound", "ChEMBL ID", "Phase"],
            weak.slice(0, 50).map((l, i) => [i + 1, l.name, l.id, phaseLabel(l.phase)]),
          ) + (weak.length > 50 ? `\n\n_${weak.length - 50} more in \`result\`._` : ""),
        )
        : "") +
      (hidden > 0
        ? `\n\n_${hidden} more ligands beyond the limit of ${ls.length} (${x.total} in all)._`
        : "");
  },
  renderItem(x) {
    const t = x.targets[0];
    const strong = x.ligands.filter((l) => l.evidence !== "bioactivity");
    const names = (strong.length ? strong : x.ligands).slice(0, 12).map((l) => l.name);
    const rest = (strong.length || x.ligands.length) - names.length;
    return `**${esc(t.name)}${t.genes.length ? ` (${geneCell(t)})` : ""}**: ${
      names.join(", ") || "no ligands"
    }${rest > 0 ? ` and ${rest} more` : ""}${
      strong.length && x.total > strong.length ? ` (+${x.total - strong.length} bioactivity-only)` : ""
    }`;
  },
});
