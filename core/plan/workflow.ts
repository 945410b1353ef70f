/** @module Workflows: the question's actions in order, each consuming the subject the previous one produced
 * (a named compound, the winner of a comparison, or a list such as similarity hits or targets). */
import type { Action } from "../intent/actions.ts";
import type { StepRef } from "../types.ts";
import { ref } from "./builder.ts";
import {
  commonLigands,
  commonTargets,
  filterArgs,
  hasFilters,
  MAX_FANOUT,
  type PlanInput,
  rankStep,
  similarFrom,
  type Subject,
} from "./steps.ts";

interface State {
  /** The current list (output of the previous step) or null; `targets` when it lists targets. */
  list: { step: string; path: string; targets?: boolean } | null;
  /** The current single subject (a named compound or a reference to one). */
  single: Subject | null;
  lookup?: string;
}

const NUMERIC =
  /^(?:molecular_weight|exact_mass|clogp|molar_refractivity|hbd|hba|tpsa|rotatable_bonds|rings|aromatic_rings|heavy_atoms|fraction_sp3|stereocenters)$/;

const asCompound = (s: Subject) => (s.compound ? { compound: s.compound } : { compound: s.smiles });

export function planWorkflow(p: PlanInput) {
  const m = p.molecules[0];
  const st: State = { list: null, single: m ? { compound: m.compound, smiles: m.smiles } : null };
  // Constraints of the question apply to the first list it produces ("… containing X. Keep those with logP < 3.").
  const actions = [...p.parsed.actions];
  if (hasFilters(p) && !actions.includes("filter")) {
    const at = actions.findIndex((a) => LISTS.has(a));
    if (at >= 0) actions.splice(at + 1, 0, "filter");
  }
  for (const action of actions) STEPS[action]?.(p, st);
}

const LISTS = new Set<Action>([
  "similar",
  "substructure",
  "ligands",
  "common_ligands",
  "class_members",
  "other_ligands",
]);

const label = (p: PlanInput) => p.molecules[0]?.label ?? "the compound";

const STEPS: Partial<Record<Action, (p: PlanInput, st: State) => void>> = {
  lookup(p, st) {
    const m = p.molecules[0];
    if (m && !st.list) {
      st.lookup = p.b.add("compound_lookup", { query: m.compound ?? m.smiles }, `look up ${m.label}`);
    }
    if (st.lookup) st.single = { compound: ref(st.lookup, "compound.id") };
  },
  common_ligands(p, st) {
    st.list = { step: commonLigands(p), path: "ligands[].id" };
  },
  compare(p, st) {
    const e = p.parsed.intent.entities;
    if (st.list) {
      // "take the 5 most similar compounds and compare their logP": compare the list itself.
      const prop = e.comparison?.property ?? e.properties.find((x) => NUMERIC.test(x)) ?? "clogp";
      p.b.add(
        "compare_properties",
        { compounds: ref(st.list.step, st.list.path), properties: [prop] },
        `compare ${prop}`,
      );
      return;
    }
    const lookups = p.molecules.map((x) =>
      p.b.add("compound_lookup", { query: x.compound ?? x.smiles }, `look up ${x.label}`)
    );
    const prop = e.comparison?.property ?? "clogp";
    const cmp = p.b.add(
      "compare_properties",
      { compounds: lookups.map((s) => ref(s, "compound.id")), properties: [prop] },
      `compare ${prop}`,
      { depends_on: lookups },
    );
    // Conditional next step: continue with the winner of the comparison.
    st.single = {
      compound: ref(cmp, `extremes.${prop}.${e.comparison?.direction === "lower" ? "lowest" : "highest"}`),
    };
  },
  properties: showProperties,
  lipinski: showProperties,
  fields(p, st) {
    if (st.single) {
      p.b.add("compound_lookup", { query: st.single.compound ?? st.single.smiles }, `look up ${label(p)}`);
    }
  },
  similar(p, st) {
    if (!st.single) return;
    const r = similarFrom(p, st.single as { compound: StepRef });
    st.list = { step: r.last, path: r.path };
  },
  targets(p, st) {
    if (st.list) {
      p.b.add("targets_of_compound", { include_activity: false }, "targets of each result", {
        for_each: {
          $from: st.list.step,
          path: st.list.path,
          as: "compound",
          max: p.parsed.pick ?? MAX_FANOUT,
        },
      });
    } else if (st.single) {
      const t = p.b.add(
        "targets_of_compound",
        { ...asCompound(st.single), include_activity: false },
        `targets of ${label(p)}`,
      );
      st.list = { step: t, path: "targets[].id", targets: true };
    }
  },
  ligands: ligands,
  other_ligands: ligands,
  common_targets(p, st) {
    st.list = { step: commonTargets(p), path: "common[].id", targets: true };
  },
  rank(p, st) {
    // Applied inside similarFrom when similarity produced the list; otherwise rank the current list.
    if (st.list && !st.list.targets && !p.b.steps.some((s) => s.tool === "rank")) {
      st.list = { step: rankStep(p, st.list.step, st.list.path, p.limit ?? 10), path: "compounds[].id" };
    }
  },
  filter(p, st) {
    if (
      st.list && !st.list.targets && hasFilters(p) &&
      !p.b.steps.some((s) => s.tool === "filter_by_properties")
    ) {
      const f = p.b.add("filter_by_properties", {
        compounds: ref(st.list.step, st.list.path),
        ...filterArgs(p),
        limit: p.limit ?? 50,
      }, "filter by properties");
      st.list = { step: f, path: "compounds[].id" };
    }
  },
  substructure(p, st) {
    const s = p.parsed.substructure;
    if (!s) return;
    const step = p.b.add("substructure_search", { query: s.query, limit: 100 }, `substructure ${s.label}`);
    st.list = { step, path: "hits[].id" };
  },
};

/** Properties of the current subject; of a list, the values of the properties asked (no filter). */
function showProperties(p: PlanInput, st: State) {
  const action = p.parsed.actions.includes("lipinski") && !p.parsed.actions.includes("properties")
    ? "lipinski"
    : "properties";
  if (st.list) {
    const asked = p.parsed.intent.entities.properties.filter((x) =>
      /^(?:molecular_weight|exact_mass|clogp|molar_refractivity|hbd|hba|tpsa|rotatable_bonds|rings|aromatic_rings|heavy_atoms|fraction_sp3|stereocenters)$/
        .test(x)
    );
    p.b.add("filter_by_properties", {
      compounds: ref(st.list.step, st.list.path),
      filters: [],
      properties: asked.length ? asked : ["molecular_weight", "clogp", "hbd", "hba", "tpsa"],
      limit: p.limit ?? 50,
    }, "properties of the results");
  } else if (st.single && !p.b.steps.some((s) => s.tool === action)) {
    p.b.add(action, st.single, `${action} of ${label(p)}`);
  }
}

function ligands(p: PlanInput, st: State) {
  const e = p.parsed.intent.entities;
  if (!st.list && st.single) {
    const t = p.b.add(
      "targets_of_compound",
      { ...asCompound(st.single), include_activity: false },
      `targets of ${label(p)}`,
    );
    st.list = { step: t, path: "targets[].id", targets: true };
  }
  if (st.list) {
    const pick = p.parsed.pick;
    const each = p.b.add(
      "ligands_of_target",
      { limit: 50, include_activity: false },
      pick === 1 ? "ligands of the first target" : "other ligands of each target",
      { for_each: { $from: st.list.step, path: st.list.path, as: "target", max: pick ?? MAX_FANOUT } },
    );
    // "… which approved drugs hit those targets": the ligands of every target, restricted as asked.
    if (hasFilters(p)) {
      const f = p.b.add("filter_by_properties", {
        compounds: ref(each, "items[].output.ligands[].id"),
        ...filterArgs(p),
        limit: p.limit ?? 50,
      }, "restrict the ligands");
      st.list = { step: f, path: "compounds[].id" };
    }
  } else if (e.targets[0]) {
    const l = p.b.add("ligands_of_target", {
      target: e.targets[0].id ?? e.targets[0].text,
      include_activity: false,
    }, `ligands of ${e.targets[0].text}`);
    st.list = { step: l, path: "ligands[].id" };
  }
}
