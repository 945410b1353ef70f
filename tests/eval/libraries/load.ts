/** @module The eval's fixture libraries ("kinase hits", "ACME in-house"), imported through the product's own
 * import path into an in-memory store, so `library.jsonl` questions have libraries to name — and every other set
 * runs with them present (a question that does not name a library must not be pulled into one). */
import { Agent, ANYONE, importLibrary, LibraryStore } from "../../../core/mod.ts";

const FIXTURES = [
  { name: "kinase hits", file: "kinase_hits.smi" },
  { name: "ACME in-house", file: "acme_inhouse.csv" },
];

/** A new agent over `base`'s data and chemistry with the fixture libraries imported. */
export async function withEvalLibraries(base: Agent): Promise<Agent> {
  const libraries = new LibraryStore(null);
  for (const f of FIXTURES) {
    const bytes = await Deno.readFile(new URL(f.file, import.meta.url));
    await importLibrary(new Blob([bytes]).stream(), {
      name: f.name,
      filename: f.file,
      maxBytes: 1e7,
      viewer: ANYONE,
      chem: base.chem,
      store: libraries,
    });
  }
  return new Agent(base.data, base.chem, { libraries });
}
