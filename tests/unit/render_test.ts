/** Each built-in renderer fed a real tool call: the text shows what the tool returned. */
import assert from "node:assert/strict";
import { renderOutput } from "../../core/answer/render.ts";
import { formatValue } from "../../core/tools/property_catalog.ts";
import { testAgent } from "../helpers.ts";

const agent = await testAgent();
const run = (tool: string, args: unknown) => agent.runTool(tool, args) as Promise<Record<string, unknown>>;

Deno.test("target_lookup: the target's other gene names are shown as 'Also called'", async () => {
  const out = await run("target_lookup", { target: "PTGS2" });
  const aliases = out.aliases as string[];
  assert.ok(aliases.includes("COX-2"), aliases.join());
  assert.match(renderOutput("target_lookup", out), /- Also called: .*COX-2/);
});

Deno.test("rank and filter_by_properties: the table shows each compound's value", async () => {
  const ranked = await run("rank", { compounds: ["ibuprofen", "aspirin"], by: "molecular_weight" });
  const top = (ranked.compounds as { name: string; value: number }[])[0];
  const md = renderOutput("rank", ranked);
  assert.ok(md.includes(`| ${top.name} |`) && md.includes(formatValue("molecular_weight", top.value)), md);
  assert.doesNotMatch(md, /—/);
  const filtered = await run("filter_by_properties", {
    compounds: ["ibuprofen", "aspirin"],
    filters: [{ property: "molecular_weight", op: "<", value: 500 }],
  });
  const row = (filtered.compounds as { values: { molecular_weight: number } }[])[0];
  const fmd = renderOutput("filter_by_properties", filtered);
  assert.ok(fmd.includes(formatValue("molecular_weight", row.values.molecular_weight)), fmd);
  assert.match(fmd, /2 of 2 compounds pass Molecular weight < 500/);
});

Deno.test("compare_properties: an equal value is read from a compound that has a structure", async () => {
  // The first compound is a biologic with no structure; the other two share their donor count.
  const out = await run("compare_properties", {
    compounds: ["trastuzumab", "aspirin", "ibuprofen"],
    properties: ["hbd"],
  });
  const md = renderOutput("compare_properties", out);
  assert.match(md, /They have the same H-bond donors \(1\)/);
});

Deno.test("lipinski asked for an InChIKey never prints 'undefined'", async () => {
  const out = await run("lipinski", { compound: "aspirin" });
  const md = renderOutput("lipinski", out, ["inchikey"]);
  assert.doesNotMatch(md, /undefined/);
  assert.match(md, /Lipinski rule of five:\*\* passes/);
});
