/** @module Markdown for each tool's output: tables for lists, units, sources. */
import {
  formatValue,
  NUMERIC_PROPERTIES,
  type NumericProperty,
  PROPERTY_INFO,
  propertyValue,
} from "../tools/property_catalog.ts";
import { type AnyTool, type ToolName, type ToolOutput, TOOLS } from "../tools/mod.ts";
import type { CompoundView } from "../tools/views.ts";
import { collapsed, name, phaseLabel as phase, table } from "../tools/render_md.ts";

/** The tool's own renderer, when it declares one (new tools render next to their code). */
const ownRenderer = (tool: string): AnyTool | undefined => (TOOLS as Record<string, AnyTool>)[tool];

type Out = Record<string, unknown>;
/** What tool `N` returns, so each renderer reads only fields the tool really produces. */
type Result<N extends ToolName> = Awaited<ReturnType<(typeof TOOLS)[N]["run"]>>;
/** One for_each item: the tool's output for one input, or the error that input met. */
interface EachItem {
  input: string;
  output: Out;
  error?: { message: string };
}

const depict = (smiles: string | null | undefined) =>
  smiles ? `\n\n![structure](/api/depict?smiles=${encodeURIComponent(smiles)})` : "";
const more = (
  shown: number,
  total: number,
  what: string,
) => (total > shown ? `\n\n_${total - shown} more ${what} not shown (${total} in all)._` : "");

const formatNumber = (v: unknown) => typeof v === "number" ? String(Math.round(v * 100) / 100) : String(v);
const phaseRange = (p: { min?: number; max?: number }) =>
  p.min === 4 ? "approved" : p.min === p.max ? `phase ${p.min}` : `phase ≥ ${p.min ?? 0}`;

const yearRange = (y: { min?: number; max?: number }) =>
  y.min && y.max
    ? y.min === y.max ? `in ${y.min}` : `${y.min}–${y.max}`
    : y.min
    ? `in ${y.min} or later`
    : `in ${y.max} or earlier`;

/** A lead sentence and a numbered table of compounds with one column per property. */
function valueTable(
  desc: string,
  props: NumericProperty[],
  rows: { id: string; name: string; values: Record<string, number | null> }[],
  total: number,
): string {
  if (!rows.length) return `${desc}: no compounds.`;
  return `${desc}:\n\n` +
    table(
      [
        "#",
        "Compound",
        rows[0].id.startsWith("lib_") ? "Record" : "ChEMBL ID",
        ...props.map((p) => PROPERTY_INFO[p]?.label ?? p),
      ],
      rows.map((c, i) => [
        i + 1,
        c.name,
        c.id,
        ...props.map((p) => {
          const v = c.values[p];
          return v === null || v === undefined ? "—" : formatValue(p, v);
        }),
      ]),
    ) + more(rows.length, total, "compounds");
}

/** Record fields a question asked for ("ATC code of aspirin"), stated first. */
const FIELD_LINES: Record<string, (c: CompoundView) => string> = {
  atc: (c) => `ATC code: **${c.atc?.length ? c.atc.join(", ") : "none recorded"}**`,
  cas: (c) => `CAS number: **${c.cas ?? "none recorded"}**`,
  pubchem_cid: (c) => `PubChem CID: **${c.pubchem_cid ?? "none recorded"}**`,
  first_approval: (c) => `First approved: **${c.first_approval ?? "no approval year recorded"}**`,
  approvals: (c) =>
    `Approved by: **${c.approvals?.length ? c.approvals.join(", ") : "no approvals recorded"}**`,
  phase: (c) => `Development phase: **${phase(c.phase) === "—" ? "not recorded" : phase(c.phase)}**`,
  indication_class: (c) => `Indication class: **${c.indication_class ?? "none recorded"}**`,
  drug_type: (c) => `Drug type: **${c.drug_type ?? "not recorded"}**`,
  synonyms: (c) =>
    `Other names: ${c.synonyms.length > 1 ? c.synonyms.slice(1, 15).join(", ") : "none recorded"}`,
  inchikey: (c) => `InChIKey: **${c.inchikey ?? "none"}**`,
  formula: (c) => `Formula: **${c.descriptors?.formula ?? "—"}**`,
};

function fieldAnswers(c: CompoundView, focus: string[]): string {
  const asked = focus.filter((f) => FIELD_LINES[f]);
  if (!asked.length || asked.every((f) => f === "formula" || f === "inchikey")) return "";
  return asked.map((f) => `${c.name}: ${FIELD_LINES[f](c)}`).join("\n\n");
}

/** Descriptor table rows: every numeric property except the derived ones. */
const DESCRIPTOR_ROWS = NUMERIC_PROPERTIES.filter((p) =>
  p !== "lipinski_violations" && p !== "molar_refractivity"
) as NumericProperty[];

/** One tool output → a markdown section (without heading). */
export function renderOutput(tool: string, o: Out, focus: string[] = []): string {
  const own = ownRenderer(tool);
  if (own?.render) return own.render(o as never, focus);
  switch (tool) {
    case "compound_lookup": {
      const x = o as unknown as Result<"compound_lookup">;
      const c = x.compound;
      const lines = [
        `**${c.name}** (${c.id}) — ${phase(c.phase)}${
          c.first_approval ? `, first approved ${c.first_approval}` : ""
        }${c.drug_type ? ` · ${c.drug_type}` : ""}`,
        "",
        c.smiles ? `- SMILES: \`${c.smiles}\`` : "- No small-molecule structure in the dataset",
        c.inchikey ? `- InChIKey: ${c.inchikey}` : "",
        c.descriptors
          ? `- Formula ${c.descriptors.formula}, MW ${c.descriptors.molecular_weight} g/mol, cLogP ${c.descriptors.clogp}`
          : "",
        c.synonyms.length > 1 ? `- Also known as: ${c.synonyms.slice(1, 8).join(", ")}` : "",
        c.chembl_ids.length > 1
          ? `- Other ChEMBL IDs (salts/forms): ${c.chembl_ids.slice(1).join(", ")}`
          : "",
        c.atc?.length
          ? `- ATC: ${
            c.atc.map((code: string) => x.atc_groups?.[code] ? `${code} (${x.atc_groups[code]})` : code).join(
              ", ",
            )
          }`
          : "",
        c.routes?.length ? `- Routes (ChEMBL 18): ${c.routes.join(", ")}` : "",
        c.indication_class ? `- Indication class: ${c.indication_class}` : "",
        c.cas ? `- CAS: ${c.cas}` : "",
        c.pubchem_cid ? `- PubChem CID: ${c.pubchem_cid}` : "",
        c.approvals?.length ? `- Approved by: ${c.approvals.join(", ")}` : "",
        x.targets_summary?.curated
          ? `- Targets (curated): ${
            x.targets_summary.genes.length
              ? x.targets_summary.genes.join(", ")
              : x.targets_summary.targets.map((t) => t.name).join(", ")
          }`
          : "",
        x.matched_by === "salt_form" ? `- Matched "${x.query}" as a salt form of the parent compound` : "",
        x.alternatives?.length ? `- The name also matches: ${x.alternatives.map(name).join(", ")}` : "",
      ].filter(Boolean);
      const asked = fieldAnswers(c, focus);
      return (asked ? asked + "\n\n" : "") + lines.join("\n") + depict(c.smiles);
    }
    case "properties":
    case "lipinski": {
      // lipinski returns no InChI/InChIKey; properties does.
      const x = o as unknown as
        & Result<"lipinski">
        & Partial<Pick<Result<"properties">, "inchi" | "inchikey">>;
      const d = x.properties;
      const wanted = focus.filter((f) => (DESCRIPTOR_ROWS as string[]).includes(f)) as NumericProperty[];
      const rows = tool === "lipinski"
        ? ["molecular_weight", "clogp", "hbd", "hba", "rotatable_bonds", "tpsa"] as NumericProperty[]
        : wanted.length
        ? wanted
        : DESCRIPTOR_ROWS;
      const who = x.compound ? name(x.compound) : `\`${x.smiles}\``;
      const head = focus.includes("formula")
        ? `**${who}** — formula **${d.formula}**`
        : focus.includes("smiles")
        ? `**${who}** — canonical SMILES \`${x.smiles}\``
        : focus.includes("inchikey") && x.inchikey
        ? `**${who}** — InChIKey **${x.inchikey}**`
        : focus.includes("inchi") && x.inchi
        ? `**${who}** — ${x.inchi}`
        : `**${who}** — ${d.formula}`;
      const lip = x.lipinski;
      const verdict = `**Lipinski rule of five:** ${
        lip.passes ? "passes" : "fails"
      } (${lip.violations.length} violation${lip.violations.length === 1 ? "" : "s"}${
        lip.violations.length
          ? ": " + lip.violations.map((v) =>
            `${PROPERTY_INFO[v.property as NumericProperty].label} ${v.value} (limit ${v.limit})`
          ).join("; ")
          : ""
      }). **Veber:** ${x.veber.passes ? "passes" : "fails"}.`;
      const single = wanted.length === 1 && tool === "properties"
        ? `\n\n${PROPERTY_INFO[wanted[0]].label}: **${formatValue(wanted[0], propertyValue(d, wanted[0]))}**`
        : "";
      return `${head}${single}\n\n${
        table(
          ["Property", "Value"],
          rows.map((p) => [PROPERTY_INFO[p].label, formatValue(p, propertyValue(d, p))]),
        )
      }\n\n${verdict}${depict(x.smiles)}`;
    }
    case "similarity_search": {
      const x = o as unknown as Result<"similarity_search">;
      const hits = x.hits;
      const q = "name" in x.query ? name(x.query) : `\`${x.query.smiles}\``;
      const where = x.library ? ` in library **${x.library.name}** (${x.library.size} structures)` : "";
      if (!hits.length) {
        return `No compounds${where} with Tanimoto ≥ ${x.threshold} to ${q} (${x.method}). Try a lower threshold.`;
      }
      const last = hits[hits.length - 1].similarity.toFixed(3);
      const lead = x.threshold > 0
        ? `Compounds${where} similar to ${q} (${x.method}, threshold ${x.threshold}):`
        : `The ${hits.length} compounds${where} most similar to ${q} (${x.method}), ranked; the last has similarity ${last}:`;
      return `${lead}\n\n` +
        (x.library
          ? table(
            ["#", "Compound", "Record", "Similarity", "SMILES"],
            hits.map((h, i) => [i + 1, h.name, h.id, h.similarity.toFixed(3), `\`${h.smiles}\``]),
          )
          : table(
            ["#", "Compound", "ChEMBL ID", "Similarity", "Phase"],
            hits.map((h, i) => [i + 1, h.name, h.id, h.similarity.toFixed(3), phase(h.phase)]),
          )) +
        (x.threshold > 0 ? more(hits.length, x.total_above_threshold, "compounds above the threshold") : "");
    }
    case "substructure_search": {
      const x = o as unknown as Result<"substructure_search">;
      const hits = x.hits;
      const where = x.library ? `library **${x.library.name}**` : "the dataset";
      if (!hits.length) return `No compound in ${where} contains \`${x.query}\`.`;
      return `${x.total} compounds${x.library ? ` in ${where}` : ""} contain \`${x.query}\`:\n\n` +
        (x.library
          ? table(
            ["#", "Compound", "Record", "SMILES"],
            hits.map((h, i) => [i + 1, h.name, h.id, `\`${h.smiles}\``]),
          )
          : table(
            ["#", "Compound", "ChEMBL ID", "Phase"],
            hits.map((h, i) => [i + 1, h.name, h.id, phase(h.phase)]),
          )) +
        more(hits.length, x.total, "matches");
    }
    case "compare_properties": {
      const x = o as unknown as Result<"compare_properties">;
      const props = x.properties;
      const rows = x.rows;
      const shown = (p: NumericProperty, v: number | null | undefined) =>
        v === null || v === undefined ? "—" : formatValue(p, v);
      const sentences = props.map((p) => {
        const ex = x.extremes[p];
        if (!ex) return "";
        // The shared value comes from a compound that has one: a structureless first row has none.
        if (ex.equal) {
          return `They have the same ${PROPERTY_INFO[p].label} (${
            shown(p, rows.find((r) => r.values[p] !== null)?.values[p])
          }).`;
        }
        const hi = rows.find((r) => r.id === ex.highest);
        const lo = rows.find((r) => r.id === ex.lowest);
        if (!hi || !lo) return "";
        return `**${hi.name}** has the higher ${PROPERTY_INFO[p].label} (${shown(p, hi.values[p])} vs ${
          shown(p, lo.values[p])
        } for ${lo.name}).`;
      }).filter(Boolean);
      return (props.length <= 2 ? sentences.join(" ") + "\n\n" : "") +
        table(
          ["Property", ...rows.map((r) => `${r.name} (${r.id})`)],
          props.map((p) => [
            PROPERTY_INFO[p].label,
            ...rows.map((r) => shown(p, r.values[p])),
          ]),
        );
    }
    case "rank": {
      const x = o as unknown as Result<"rank">;
      const desc = `Ranked by ${PROPERTY_INFO[x.by].label} (${
        x.order === "asc" ? "lowest" : "highest"
      } first)`;
      const rows = x.compounds.map((c) => ({ ...c, values: { [x.by]: c.value } }));
      return valueTable(desc, [x.by], rows, x.total);
    }
    case "filter_by_properties": {
      const x = o as unknown as Result<"filter_by_properties">;
      const desc = !x.filters.length && !x.phase && !x.approval_year
        ? `Values for ${x.total} compounds`
        : `${x.total} of ${x.considered} compounds pass ${
          [
            ...x.filters.map((f) =>
              `${PROPERTY_INFO[f.property].label} ${
                f.op === "between" ? `between ${f.value} and ${f.value2}` : `${f.op} ${formatNumber(f.value)}`
              }`
            ),
            ...(x.phase ? [phaseRange(x.phase)] : []),
            ...(x.approval_year ? [`first approved ${yearRange(x.approval_year)}`] : []),
          ].join(" and ")
        }`;
      const props = Object.keys(x.compounds[0]?.values ?? {}) as NumericProperty[];
      return valueTable(
        x.library ? `Library **${x.library.name}**: ${desc.replace(/^V/, "v")}` : desc,
        props,
        x.compounds,
        x.total,
      );
    }
    case "target_lookup": {
      const x = o as unknown as Result<"target_lookup">;
      const t = x.target;
      return [
        `**${t.name}** (${t.id})${t.type ? ` — ${t.type.toLowerCase()}` : ""}${
          t.organism ? `, ${t.organism}` : ""
        }`,
        "",
        `- UniProt accession: ${t.uniprot.length ? t.uniprot.join(", ") : "none recorded"}`,
        `- Gene: ${t.genes.length ? t.genes.join(", ") : "none recorded"}`,
        t.family ? `- Family: ${t.family}` : "",
        x.aliases.length ? `- Also called: ${x.aliases.join(", ")}` : "",
        `- Ligands in the dataset: ${x.ligand_count} (${x.curated_count} with a curated mechanism)`,
      ].filter(Boolean).join("\n");
    }
    default:
      return "```json\n" + JSON.stringify(o, null, 2).slice(0, 2000) + "\n```";
  }
}

/** for_each outputs: one compact section per input. */
export function renderEach(tool: string, o: Out): string {
  const { items, total_inputs } = o as { items: EachItem[]; total_inputs: number };
  if (!items.length) return "Nothing to run this step on (the previous step returned no results).";
  return items.map((it) => {
    if (it.error) return `- **${it.input}**: ${it.error.message}`;
    const out = it.output;
    const own = ownRenderer(tool);
    if (own?.renderItem) return `- ${own.renderItem(out as Out & ToolOutput)}`;
    return `- **${it.input}**: ${renderOutput(tool, out).split("\n")[0]}`;
  }).join("\n") +
    (total_inputs > items.length ? `\n\n_Showing the first ${items.length} of ${total_inputs}._` : "");
}

/**
 * A workflow's intermediate step (its output feeds a later step): a long table is folded behind its lead
 * sentence so the answer reads as a summary; the full output stays in `result`.
 */
/**
 * A step whose rows a later filter or ranking narrows ("similar to imatinib with MW under 500"): only its lead
 * sentence, so rows the narrowing removed are not shown as if they answered the question (all stay in `result`).
 */
export function leadOnly(body: string): string {
  const lines = body.split("\n");
  const first = lines.findIndex((l) => l.startsWith("|") || l.startsWith("<details>"));
  if (first < 0) return body;
  const lead = lines.slice(0, first).join("\n").trim();
  const rows = lines.filter((l) => l.startsWith("|")).length - 2;
  return `${lead}\n\n_${
    rows > 0 ? `${rows} rows` : "The rows"
  } are in \`result\`; the next step narrows them._`;
}

export function collapseIntermediate(body: string, maxRows = 10): string {
  const lines = body.split("\n");
  const first = lines.findIndex((l) => l.startsWith("|"));
  const rows = lines.filter((l) => l.startsWith("|")).length - 2;
  if (first < 0 || rows <= maxRows) return body;
  const lead = lines.slice(0, first).join("\n").trim();
  return `${lead}\n\n` +
    collapsed(`Show the ${rows} rows (also in \`result\`)`, lines.slice(first).join("\n"));
}
