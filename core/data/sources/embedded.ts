/** @module The default data source: the committed dataset files under data/. */
import { Dataset } from "../dataset.ts";
import type { DatasetFile } from "../model.ts";
import type { DataSource } from "../source.ts";

const DEFAULT_DIR = new URL("../../../data/", import.meta.url);

/** Reads data/dataset.json + data/fingerprints.bin (or another directory holding the same pair). */
export function embeddedSource(dir: URL = DEFAULT_DIR): DataSource {
  return {
    name: "embedded",
    async load() {
      const [json, fp] = await Promise.all([
        Deno.readTextFile(new URL("dataset.json", dir)),
        Deno.readFile(new URL("fingerprints.bin", dir)),
      ]);
      const file = JSON.parse(json) as DatasetFile;
      return new Dataset(file, new Uint32Array(fp.buffer, fp.byteOffset, fp.byteLength / 4));
    },
  };
}
