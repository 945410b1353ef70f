/** `deno task library:gen [--count 1000000] [--seed 18] [--out data/generated] [--workers N]`: the benchmark
 * library. Seeded edits of the embedded drugs' SMILES (tools/library/edits.ts) are validated, canonicalised and
 * fingerprinted by RDKit WASM in parallel workers; the first `count` distinct canonical structures, in candidate
 * order (so the output does not depend on the number of workers), are written as
 *   library_<size>.smi  one "SMILES<TAB>GEN0000001" line per structure
 *   library_<size>.fp   packed Morgan r2/2048 fingerprints, 64 little-endian Uint32 words per structure
 * for the full size and the 10k and 100k prefixes, plus manifest.json (counts, mean bits set, timing). */
import { FP_WORDS, popcount } from "../core/mod.ts";
import { mutate, rng } from "./library/edits.ts";

interface Drug {
  canonical_smiles?: string;
  descriptors?: { molecular_weight: number; heavy_atoms: number };
}

function arg(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : fallback;
}

const count = Number(arg("count", "1000000"));
const seed = Number(arg("seed", "18"));
const outDir = arg("out", "data/generated");
const workers = Number(arg("workers", String(navigator.hardwareConcurrency || 2)));
const BATCH = 2000;

const dataset = JSON.parse(await Deno.readTextFile(new URL("../data/dataset.json", import.meta.url)));
// Drug-like seeds: one fragment, MW 150–500, 10–35 heavy atoms.
const seeds = (dataset.compounds as Drug[])
  .filter((c) =>
    c.canonical_smiles && !c.canonical_smiles.includes(".") && c.descriptors &&
    c.descriptors.molecular_weight >= 150 && c.descriptors.molecular_weight <= 500 &&
    c.descriptors.heavy_atoms >= 10 && c.descriptors.heavy_atoms <= 35
  )
  .map((c) => c.canonical_smiles!);
const drugFps = new Uint8Array(await Deno.readFile(new URL("../data/fingerprints.bin", import.meta.url)));
const drugWords = new Uint32Array(drugFps.buffer, 0, drugFps.byteLength / 4);
let drugBits = 0, drugRows = 0;
for (let r = 0; r < drugWords.length / FP_WORDS; r++) {
  const c = popcount(drugWords, r * FP_WORDS);
  if (c) drugBits += c, drugRows++;
}

const random = rng(seed);
let nextBatch = 0;
const proposed = new Set<string>();
/** The next batch of candidates; a text already proposed is skipped before RDKit sees it. */
function candidates(): string[] {
  const out: string[] = [];
  while (out.length < BATCH) {
    const s = mutate(seeds[Math.floor(random() * seeds.length)], random);
    if (!proposed.has(s)) proposed.add(s), out.push(s);
  }
  return out;
}

const started = performance.now();
const seen = new Set<string>();
const smilesOut: string[] = [];
const fps = new Uint32Array(count * FP_WORDS);
let bits = 0, tried = 0;
const done: Map<number, { smiles: string[]; fps: Uint32Array }> = new Map();
let accepting = 0;
let finish!: () => void;
const finished = new Promise<void>((r) => finish = r);
let version = "";

/** Takes finished batches in candidate order; stops at `count`. */
function accept() {
  while (done.has(accepting) && smilesOut.length < count) {
    const b = done.get(accepting)!;
    done.delete(accepting++);
    tried += BATCH;
    for (let i = 0; i < b.smiles.length && smilesOut.length < count; i++) {
      if (seen.has(b.smiles[i])) continue;
      seen.add(b.smiles[i]);
      fps.set(b.fps.subarray(i * FP_WORDS, (i + 1) * FP_WORDS), smilesOut.length * FP_WORDS);
      bits += popcount(b.fps, i * FP_WORDS);
      smilesOut.push(b.smiles[i]);
    }
  }
  if (smilesOut.length >= count) finish();
}

const pool = Array.from(
  { length: workers },
  () => new Worker(new URL("./library/gen_worker.ts", import.meta.url), { type: "module" }),
);
let lastLog = 0;
for (const w of pool) {
  const send = () => {
    if (smilesOut.length >= count) return;
    const batch = nextBatch++;
    w.postMessage({ batch, smiles: candidates() });
  };
  w.onmessage = (e) => {
    if (e.data.ready) {
      version = e.data.version;
      send(), send(); // two in flight keeps the worker busy
      return;
    }
    done.set(e.data.batch, e.data);
    accept();
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      console.error(`${smilesOut.length} / ${count} (${Math.round((performance.now() - started) / 1000)} s)`);
    }
    send();
  };
}
await finished;
for (const w of pool) w.terminate();
const seconds = (performance.now() - started) / 1000;

await Deno.mkdir(outDir, { recursive: true });
const sizes = [10_000, 100_000, count].filter((s, i, a) => s <= count && a.indexOf(s) === i);
const label = (n: number) => n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}m` : `${n / 1000}k`;
const files: Record<string, string> = {};
for (const n of sizes) {
  const name = `library_${label(n)}`;
  const lines = smilesOut.slice(0, n).map((s, i) => `${s}\tGEN${String(i + 1).padStart(7, "0")}`);
  await Deno.writeTextFile(`${outDir}/${name}.smi`, lines.join("\n") + "\n");
  const part = fps.subarray(0, n * FP_WORDS);
  await Deno.writeFile(`${outDir}/${name}.fp`, new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  files[label(n)] = name;
}
const manifest = {
  generator: "tools/gen_library.ts",
  seed,
  count,
  rdkit: version,
  seeds: seeds.length,
  candidates_tried: tried,
  distinct_valid: smilesOut.length,
  mean_bits_set: +(bits / smilesOut.length).toFixed(2),
  drug_set_mean_bits_set: +(drugBits / drugRows).toFixed(2),
  generation_seconds: +seconds.toFixed(1),
  workers,
  files,
};
await Deno.writeTextFile(`${outDir}/manifest.json`, JSON.stringify(manifest, null, 2) + "\n");
console.log(JSON.stringify(manifest));
