/** The committed dataset is exactly what data/scripts/build_dataset.ts produces from data/sources (byte for byte). */
import assert from "node:assert/strict";
import { buildDataset } from "../../data/scripts/build_dataset.ts";

const sha = async (bytes: Uint8Array<ArrayBuffer>) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) =>
    b.toString(16).padStart(2, "0")
  ).join("");

Deno.test("rebuilding the dataset reproduces the committed files byte for byte", async () => {
  const built = await buildDataset();
  const committedJson = await Deno.readFile(new URL("../../data/dataset.json", import.meta.url));
  const committedFp = await Deno.readFile(new URL("../../data/fingerprints.bin", import.meta.url));
  assert.equal(
    await sha(new TextEncoder().encode(built.json) as Uint8Array<ArrayBuffer>),
    await sha(committedJson),
    "dataset.json differs: run `deno task data:build`",
  );
  assert.equal(
    await sha(built.fingerprints as Uint8Array<ArrayBuffer>),
    await sha(committedFp),
    "fingerprints.bin differs",
  );
});

Deno.test("the dataset records its sources with checksums and joins ChEMBL and DrugCentral", async () => {
  const file = JSON.parse(await Deno.readTextFile(new URL("../../data/dataset.json", import.meta.url)));
  for (const s of file.sources) {
    const bytes = await Deno.readFile(new URL(`../../data/sources/${s.file}`, import.meta.url));
    assert.equal(await sha(bytes), s.sha256, s.file);
  }
  const aspirin = file.compounds.find((c: { id: string }) => c.id === "CHEMBL25");
  assert.deepEqual(aspirin.sources, ["ChEMBL 18 (2014)", "DrugCentral 2023"]);
  assert.equal(aspirin.pubchem_cid, 2244);
  assert.ok(file.stats.compounds > 10000 && file.stats.with_structure > 8000);
});
