/** @module class_members: the compounds of a drug class (NSAIDs, statins, ATC C10AA …), filtered by approval, phase and route. */
import { z } from "zod";
import type { ClassMember, DrugClass } from "../data/classes.ts";
import { normalizeName } from "../data/normalize.ts";
import { ChemAgentError } from "../errors.ts";
import type { Provenance, ToolContext } from "./context.ts";
import { defineTool, ref } from "./define.ts";
import { collapsed, phaseLabel, table } from "./render_md.ts";
import { resolveCompound } from "./resolve.ts";
import { summarize } from "./views.ts";

export const ROUTES = ["oral", "parenteral", "topical"] as const;
export type Route = typeof ROUTES[number];

/** What users call a route → the three routes ChEMBL records. */
const ROUTE_WORDS: Record<string, Route> = {
  oral: "oral",
  orally: "oral",
  po: "oral",
  tablet: "oral",
  tablets: "oral",
  parenteral: "parenteral",
  injectable: "parenteral",
  injection: "parenteral",
  injected: "parenteral",
  intravenous: "parenteral",
  iv: "parenteral",
  intramuscular: "parenteral",
  subcutaneous: "parenteral",
  topical: "topical",
  topically: "topical",
  dermal: "topical",
  cutaneous: "topical",
};

/** The class named by id or text, or not_found with close class names. */
export function resolveClass(text: string, ctx: ToolContext): DrugClass {
  const found = ctx.data.classes.find(text);
  if (found) return found;
  const suggestions = ctx.data.classes.suggestions.suggest(normalizeName(text), 5);
  throw new ChemAgentError(
    "not_found",
    `No drug class "${text}" is defined from the offline data.` +
      (suggestions.length ? ` Did you mean ${suggestions.slice(0, 3).join(", ")}?` : ""),
    { suggestions },
  );
}

export const classMembers = defineTool({
  name: "class_members",
  description:
    "Compounds of a drug class (NSAIDs, statins, beta blockers, kinase inhibitors, ATC C10AA …) with how the class is defined; " +
    "optional filters: approved, phase, route (oral/parenteral/topical), among (which of these compounds are members).",
  args: z.object({
    class: z.string().trim().min(1, "must not be empty").max(200),
    approved: z.boolean().optional(),
    phase: z.number().int().min(0).max(4).optional(),
    min_phase: z.number().int().min(0).max(4).optional(),
    route: z.string().trim().toLowerCase().optional(),
    among: z.array(ref.compound).max(200).optional(),
    // High by default: a class feeding a filter must not be cut silently (the answer shows 30 rows anyway).
    limit: ref.limit(5000, 2000),
  }),
  run(args, ctx) {
    const cls = resolveClass(args.class, ctx);
    const all = ctx.data.classes.members(cls.id);
    const notes: string[] = [];
    let members: ClassMember[] = all;
    const applied: Record<string, unknown> = {};

    let notMembers: { query: string; id: string; name: string }[] | undefined;
    let unresolved: string[] | undefined;
    if (args.among) {
      const ids = new Map<string, string>();
      unresolved = [];
      for (const q of args.among) {
        try {
          ids.set(resolveCompound(q, ctx).compound.id, q);
        } catch {
          unresolved.push(q);
        }
      }
      members = members.filter((m) => ids.has(m.compound.id));
      const inClass = new Set(members.map((m) => m.compound.id));
      notMembers = [...ids].filter(([id]) => !inClass.has(id)).map(([id, query]) => ({
        query,
        id,
        name: ctx.data.compoundById(id)!.name,
      }));
      if (unresolved.length) notes.push(`Not found in the offline data: ${unresolved.join(", ")}.`);
      applied.among = args.among;
    }
    if (args.approved !== undefined) {
      members = members.filter((m) => (m.compound.phase === 4) === args.approved);
      applied.approved = args.approved;
    }
    if (args.phase !== undefined) {
      members = members.filter((m) => m.compound.phase === args.phase);
      applied.phase = args.phase;
    }
    if (args.min_phase !== undefined) {
      members = members.filter((m) => (m.compound.phase ?? 0) >= args.min_phase!);
      applied.min_phase = args.min_phase;
    }
    let routeUnknown = 0;
    if (args.route) {
      const route = ROUTE_WORDS[args.route];
      if (!route) {
        throw new ChemAgentError(
          "invalid_parameter",
          `class_members: route "${args.route}" is not one the data records (oral, parenteral or topical).`,
          { suggestions: [...ROUTES] },
        );
      }
      routeUnknown = members.filter((m) => m.compound.routes === null).length;
      const known = members.length - routeUnknown;
      members = members.filter((m) => m.compound.routes?.includes(route));
      applied.route = route;
      if (!known) {
        notes.push(
          `not_available: the offline data records no route of administration for these ${cls.label} ` +
            `(ChEMBL 18 records routes for its approved drugs only), so "${args.route}" could not be applied.`,
        );
      } else if (routeUnknown) {
        notes.push(
          `Route of administration is recorded for ${known} of ${known + routeUnknown} candidates ` +
            `(ChEMBL 18 approved drugs); ${routeUnknown} without route data are not listed.`,
        );
      }
    }
    const provenance: Provenance[] = [{
      source: cls.curated ? "ChemAgent drug classes (data/sources/drug_classes.tsv)" : "ChEMBL 18 (2014)",
      id: cls.id,
      note: `Class defined by ${cls.defined_by.join("; ")}`,
    }];
    if (args.route) provenance.push({ source: "ChEMBL 18 (2014)", note: "routes of administration" });
    return {
      class: cls,
      defined_by: cls.defined_by,
      class_size: all.length,
      total: members.length,
      filters: applied,
      ...(args.route ? { route_unknown: routeUnknown } : {}),
      ...(notMembers ? { not_members: notMembers } : {}),
      ...(unresolved?.length ? { not_found: unresolved } : {}),
      members: members.slice(0, args.limit).map((m) => ({
        ...summarize(m.compound),
        approvals: m.compound.approvals,
        routes: m.compound.routes,
        atc: m.compound.atc,
        matched_by: m.matched_by,
      })),
      notes,
      provenance,
    };
  },
  render(x) {
    const what = x.class.label;
    const adjectives = [
      x.filters.approved === true ? "approved" : x.filters.approved === false ? "not approved" : "",
      x.filters.route ? `${x.filters.route}` : "",
    ].filter(Boolean).join(", ");
    const suffix = [
      x.filters.phase !== undefined ? `in phase ${x.filters.phase}` : "",
      x.filters.min_phase !== undefined ? `at phase ${x.filters.min_phase} or later` : "",
    ].filter(Boolean).join(", ");
    const described = `${adjectives ? `${adjectives} ` : ""}${what}${suffix ? ` ${suffix}` : ""}`;
    const how = `_${what} as defined here: ${x.defined_by.join("; ")}._`;
    const notes = x.notes.length ? "\n\n" + x.notes.map((n) => `> ${n}`).join("\n") : "";
    if (x.not_members) {
      const yes = x.members.map((m) => `**${m.name}**`);
      const no = x.not_members.map((m) => m.name);
      return (yes.length
        ? `${yes.join(", ")} ${yes.length === 1 ? "is" : "are"} ${what}`
        : `None are ${what}`) +
        (no.length ? `; ${no.join(", ")} ${no.length === 1 ? "is" : "are"} not.` : ".") +
        (x.members.length
          ? "\n\n" +
            table(["Compound", "ChEMBL ID", "Why"], x.members.map((m) => [m.name, m.id, m.matched_by]))
          : "") +
        `\n\n${how}${notes}`;
    }
    if (!x.total) {
      return `No ${described} in the offline dataset.\n\n${how}${notes}`;
    }
    const rows = x.members.slice(0, 30);
    const row = (m: typeof x.members[number], i: number) => [
      i + 1,
      m.name,
      m.id,
      phaseLabel(m.phase),
      m.routes?.join(", ") || "—",
      m.matched_by,
    ];
    const head = ["#", "Compound", "ChEMBL ID", "Phase", "Routes", "Why a member"];
    const shown = table(head, rows.slice(0, 15).map(row));
    return `**${x.total}** ${described}` +
      (x.total < x.class_size ? ` (of ${x.class_size} in the class)` : "") + `:\n\n${shown}` +
      (rows.length > 15
        ? "\n\n" +
          collapsed(`${rows.length - 15} more`, table(head, rows.slice(15).map((m, i) => row(m, i + 15))))
        : "") +
      (x.total > rows.length ? `\n\n_${x.total - rows.length} more in \`result\`._` : "") +
      `\n\n${how}${notes}`;
  },
});
