/**
 * Writes the eval's fixture libraries from data/dataset.json, deterministically (commit the output):
 * - kinase_hits.smi — "kinase hits": the approved kinase inhibitors (ATC L01E/L01XE) plus three non-kinase
 *   decoys, as `SMILES name` lines (what a team's curated reference set looks like);
 * - acme_inhouse.csv — "ACME in-house": 150 small molecules from the dataset under opaque ids ACME-0001…
 *   (`compound_id,smiles,batch`), picked by a fixed stride, as an in-house collection would arrive.
 * Run: deno run --allow-read --allow-write=tests/eval/libraries tests/eval/libraries/make.ts
 */
interface Row {
  id: string;
  name: string;
  canonical_smiles: string;
  atc?: string[];
  drug_type?: string;
  descriptors?: { mw?: number; molecular_weight?: number };
}
const dir = new URL("./", import.meta.url);
const data = JSON.parse(await Deno.readTextFile(new URL("../../../data/dataset.json", import.meta.url))) as {
  compounds: Row[];
};
const small = data.compounds.filter((c) =>
  c.canonical_smiles && !c.canonical_smiles.includes(".") && c.drug_type === "Synthetic Small Molecule"
);
const kinase = small.filter((c) => c.atc?.some((a) => a.startsWith("L01E") || a.startsWith("L01XE")));
const decoys = ["Aspirin", "Celecoxib", "Furosemide"].map((n) => small.find((c) => c.name === n)!);
await Deno.writeTextFile(
  new URL("kinase_hits.smi", dir),
  [...kinase, ...decoys].map((c) => `${c.canonical_smiles} ${c.name}`).join("\n") + "\n",
);
const stride = Math.floor(small.length / 150);
const acme = Array.from({ length: 150 }, (_, i) => small[i * stride]);
await Deno.writeTextFile(
  new URL("acme_inhouse.csv", dir),
  "compound_id,smiles,batch\n" +
    acme.map((c, i) => `ACME-${String(i + 1).padStart(4, "0")},${c.canonical_smiles},B${1 + (i % 4)}`).join(
      "\n",
    ) +
    "\n",
);
// The key the eval writer may use to check answers (id → dataset name), never loaded at run time.
await Deno.writeTextFile(
  new URL("acme_inhouse.key.tsv", dir),
  acme.map((c, i) => `ACME-${String(i + 1).padStart(4, "0")}\t${c.id}\t${c.name}`).join("\n") + "\n",
);
console.log(`kinase_hits.smi: ${kinase.length + decoys.length} rows; acme_inhouse.csv: ${acme.length} rows`);
