/** Library-scale similarity (issue 18), one run, the same packed fingerprints for every engine:
 * ours (FingerprintIndex, workers) vs python RDKit BulkTanimotoSimilarity (ExplicitBitVects made with
 * CreateFromBinaryText from the same bytes) vs the PostgreSQL RDKit cartridge (bfp via bfp_from_binary_text of
 * the same bytes, GiST index), at 10k, 100k and 1M rows of the generated library (`deno task library:gen`).
 * Threshold 0.7 and 0.5 and top-10: p50/p99 ms; import throughput (rows/s) and memory.
 * Loading 1M rows into PostgreSQL takes minutes: opt in with `--pg-1m` (or BENCH_PG_1M=1).
 * Substructure over the 100k library (imported as a user library first, a minute or more): `--substructure`,
 * or `--substructure-only` without the similarity part; `--pg-library` adds saving and loading it through the
 * PostgreSQL library driver (a throwaway database).
 * Run alone: `deno run -A bench/library_search.ts [--pg-1m] [--substructure[-only]] [--dir data/generated]`. */
import {
  ANYONE,
  createChemPool,
  FingerprintIndex,
  FP_WORDS,
  importLibrary,
  type Library,
  LibraryStore,
  librarySubstructure,
  loadRDKit,
  PostgresLibraryDriver,
  SUBSTRUCTURE_KEYS,
} from "../core/mod.ts";
import postgres from "postgres";
import { createDatabase } from "../data/postgres/load.ts";
import { fmt, percentile, python } from "./lib.ts";

const QUERIES = Number(Deno.env.get("BENCH_QUERIES") ?? 20);
const PG_DB = "chemagent_bench_fp";
const PG = ["-X", "-q", "-At", "-h", Deno.env.get("PGHOST") ?? "127.0.0.1", "-U", "postgres"];

interface Timings {
  t7: number[];
  t5: number[];
  k10: number[];
  /** Hits per query at 0.7 and 0.5, and the top-10 similarities (agreement checks). */
  n7: number[];
  n5: number[];
  top: number[][];
}

const line = (name: string, x: Timings, size: string, extra = "") =>
  `  ${name.padEnd(22)} ${size.padStart(5)}: t≥0.7 p50 ${fmt(percentile(x.t7, 50))} / p99 ${
    fmt(percentile(x.t7, 99))
  } ms · t≥0.5 p50 ${fmt(percentile(x.t5, 50))} / p99 ${fmt(percentile(x.t5, 99))} ms · top-10 p50 ${
    fmt(percentile(x.k10, 50))
  } / p99 ${fmt(percentile(x.k10, 99))} ms${extra}`;

function queryRows(n: number): number[] {
  // Spread over the 10k prefix, so every size answers the same queries (all are library members).
  return Array.from({ length: QUERIES }, (_, i) => Math.floor((i * Math.min(n, 10_000)) / QUERIES) + 7);
}

async function ours(fps: Uint32Array, qs: number[]) {
  const t0 = performance.now();
  const index = FingerprintIndex.build(fps);
  const buildS = (performance.now() - t0) / 1000;
  const x: Timings = { t7: [], t5: [], k10: [], n7: [], n5: [], top: [] };
  try {
    await index.topK(index.fingerprintOf(qs[0]), 10); // workers started
    for (const r of qs) {
      const q = fps.slice(r * FP_WORDS, (r + 1) * FP_WORDS);
      let t = performance.now();
      x.n7.push((await index.threshold(q, 0.7)).length);
      x.t7.push(performance.now() - t);
      t = performance.now();
      x.n5.push((await index.threshold(q, 0.5)).length);
      x.t5.push(performance.now() - t);
      t = performance.now();
      x.top.push((await index.topK(q, 10)).map((h) => h.similarity));
      x.k10.push(performance.now() - t);
    }
    return { x, buildS, bytes: index.memoryBytes };
  } finally {
    index.close();
  }
}

const PY = `import sys, json, time
import numpy as np
from rdkit import DataStructs
path, n = sys.argv[1], int(sys.argv[2]); qs = json.loads(sys.argv[3])
raw = open(path, "rb").read(n * 256)
def rss(): return int(open("/proc/self/statm").read().split()[1]) * 4096
rss0 = rss()
t = time.perf_counter()
fps = [DataStructs.CreateFromBinaryText(raw[i * 256:(i + 1) * 256]) for i in range(n)]
build = time.perf_counter() - t
rss = rss() - rss0
out = {"build_s": build, "rss": rss, "t7": [], "t5": [], "k10": [], "n7": [], "n5": [], "top": []}
for r in qs:
  q = fps[r]
  for key, thr in (("t7", 0.7), ("t5", 0.5)):
    t = time.perf_counter(); s = np.array(DataStructs.BulkTanimotoSimilarity(q, fps)); hits = np.nonzero(s >= thr)[0]
    order = hits[np.lexsort((hits, -s[hits]))]; out[key].append((time.perf_counter() - t) * 1000)
    out["n" + key[1]].append(int(len(order)))
  t = time.perf_counter(); s = np.array(DataStructs.BulkTanimotoSimilarity(q, fps))
  top = np.lexsort((np.arange(len(s)), -s))[:10]; out["k10"].append((time.perf_counter() - t) * 1000)
  out["top"].append([float(s[i]) for i in top])
print(json.dumps(out))`;

async function psql(args: string[], stdin?: string): Promise<string> {
  const p = new Deno.Command("psql", {
    args: [...PG, ...args],
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = p.stdin.getWriter();
    const enc = new TextEncoder();
    for (let i = 0; i < stdin.length; i += 1 << 20) await w.write(enc.encode(stdin.slice(i, i + (1 << 20))));
    await w.close();
  }
  const out = await p.output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr).slice(0, 400));
  return new TextDecoder().decode(out.stdout);
}

const hex = (fps: Uint32Array, r: number) =>
  Array.from(new Uint8Array(fps.buffer, fps.byteOffset + r * FP_WORDS * 4, FP_WORDS * 4))
    .map((b) => b.toString(16).padStart(2, "0")).join("");

/** Loads the rows as bfp (from the same bytes), builds the GiST index, then times the three searches. */
async function cartridge(fps: Uint32Array, n: number, qs: number[]) {
  const table = `lib_${n}`;
  await psql(["-d", "postgres", "-c", `create database ${PG_DB}`]).catch(() => {}); // exists already
  await psql(["-d", PG_DB, "-c", "create extension if not exists rdkit"]);
  await psql(["-d", PG_DB, "-c", `drop table if exists ${table}; drop table if exists ${table}_raw`]);
  const t0 = performance.now();
  const rows: string[] = [];
  for (let r = 0; r < n; r++) rows.push(`${r}\t\\\\x${hex(fps, r)}`);
  await psql(
    ["-d", PG_DB],
    `create table ${table}_raw (id int, raw bytea);\n\\copy ${table}_raw from stdin\n${
      rows.join("\n")
    }\n\\.\n` +
      `create table ${table} as select id, bfp_from_binary_text(raw) fp from ${table}_raw;\n` +
      `drop table ${table}_raw;\ncreate index on ${table} using gist (fp);\nanalyze ${table};\n`,
  );
  const loadS = (performance.now() - t0) / 1000;
  const bytes = Number(await psql(["-d", PG_DB, "-c", `select pg_total_relation_size('${table}')`]));
  const x: Timings = { t7: [], t5: [], k10: [], n7: [], n5: [], top: [] };
  const q = (r: number) => `bfp_from_binary_text('\\x${hex(fps, r)}'::bytea)`;
  const script = ["\\timing on"];
  for (const r of qs) {
    script.push(
      `set rdkit.tanimoto_threshold = 0.7;`,
      `select count(*) from (select id, tanimoto_sml(fp, ${q(r)}) s from ${table} where fp % ${
        q(r)
      } order by s desc, id) h;`,
      `set rdkit.tanimoto_threshold = 0.5;`,
      `select count(*) from (select id, tanimoto_sml(fp, ${q(r)}) s from ${table} where fp % ${
        q(r)
      } order by s desc, id) h;`,
      `select string_agg(round(s::numeric, 6)::text, ',') from (select tanimoto_sml(fp, ${
        q(r)
      }) s from ${table} order by fp <%> ${q(r)} limit 10) h;`,
    );
  }
  const out = (await psql(["-d", PG_DB], script.join("\n") + "\n")).split("\n").filter(Boolean);
  // Per query: SET, Time, count, Time, SET, Time, count, Time, top, Time.
  const times = out.filter((l) => l.startsWith("Time:")).map((l) => Number(/Time: ([\d.]+)/.exec(l)![1]));
  const values = out.filter((l) => !l.startsWith("Time:"));
  for (let i = 0; i < qs.length; i++) {
    x.t7.push(times[i * 5 + 1]), x.t5.push(times[i * 5 + 3]), x.k10.push(times[i * 5 + 4]);
    x.n7.push(Number(values[i * 3])), x.n5.push(Number(values[i * 3 + 1]));
    x.top.push(values[i * 3 + 2].split(",").map(Number));
  }
  await psql(["-d", PG_DB, "-c", `drop table ${table}`]);
  return { x, loadS, bytes };
}

const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
const sameTop = (a: number[][], b: number[][], eps: number) =>
  a.every((row, i) => {
    const ok = row.length === b[i].length && row.every((v, j) => Math.abs(v - b[i][j]) <= eps);
    if (!ok && Deno.env.get("BENCH_DEBUG")) console.error("top-10 differs:", row, b[i]);
    return ok;
  });

export async function benchLibrarySearch(opts: { pg1m?: boolean; dir?: string } = {}): Promise<string[]> {
  const dir = opts.dir ?? "data/generated";
  const lines: string[] = [];
  let manifest: Record<string, unknown> | null = null;
  try {
    manifest = JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`));
  } catch {
    return [`no generated library in ${dir}: run \`deno task library:gen\` first (≈ 1 h on 2 loaded cores)`];
  }
  lines.push(
    `library: ${manifest!.count} generated structures (seed ${manifest!.seed}, RDKit ${
      manifest!.rdkit
    }), mean bits set ${manifest!.mean_bits_set} vs the drug set's ${
      manifest!.drug_set_mean_bits_set
    }; generated in ${manifest!.generation_seconds} s`,
    `machine load (1/5/15 min): ${
      Deno.loadavg().map((l) => l.toFixed(1)).join(" ")
    } on ${navigator.hardwareConcurrency} cores`,
  );
  const hasPython = (await python("import rdkit, numpy")) !== null;
  const hasPg = await psql(["-d", "postgres", "-c", "select 1"]).then(() => true, () => false);
  for (const [label, file] of [["10k", "library_10k"], ["100k", "library_100k"], ["1M", "library_1m"]]) {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(`${dir}/${file}.fp`);
    } catch {
      lines.push(`  ${label}: ${dir}/${file}.fp missing (generate with --count ≥ 1000000)`);
      continue;
    }
    const fps = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const n = fps.length / FP_WORDS;
    const qs = queryRows(n);
    const raw = n * FP_WORDS * 4;
    const o = await ours(fps, qs);
    lines.push(
      line(
        "ours (FingerprintIndex)",
        o.x,
        label,
        ` · build ${fmt(n / o.buildS / 1e6)} M rows/s, memory ${fmt(o.bytes / 2 ** 20, 1)} MiB = ${
          fmt(o.bytes / raw, 3)
        }× raw bits`,
      ),
    );
    if (hasPython) {
      const py = await pythonFile(`${dir}/${file}.fp`, n, qs);
      if (py) {
        lines.push(
          line(
            "python BulkTanimoto",
            py,
            label,
            ` · import ${fmt(n / py.build_s / 1e3, 0)} k rows/s, memory +${fmt(py.rss / 2 ** 20, 1)} MiB RSS`,
          ),
          `    ours vs python p50: t≥0.7 ${fmt(percentile(py.t7, 50) / percentile(o.x.t7, 50), 1)}× · t≥0.5 ${
            fmt(percentile(py.t5, 50) / percentile(o.x.t5, 50), 1)
          }× · top-10 ${
            fmt(percentile(py.k10, 50) / percentile(o.x.k10, 50), 1)
          }× faster; identical hit counts ${
            same(py.n7, o.x.n7) && same(py.n5, o.x.n5)
          }, identical top-10 similarities ${sameTop(py.top, o.x.top, 0)}`,
        );
      }
    } else lines.push("    python RDKit not installed: no python column (apt-get install python3-rdkit)");
    if (!hasPg) lines.push("    PostgreSQL not reachable at 127.0.0.1:5432: no cartridge column");
    else if (n > 200_000 && !opts.pg1m) lines.push("    cartridge 1M skipped (slow to load): pass --pg-1m");
    else {
      try {
        const pg = await cartridge(fps, n, qs);
        lines.push(
          line(
            "PostgreSQL cartridge GiST",
            pg.x,
            label,
            ` · import ${fmt(n / pg.loadS / 1e3, 1)} k rows/s, table+index ${fmt(pg.bytes / 2 ** 20, 1)} MiB`,
          ),
          `    ours vs cartridge p50: t≥0.7 ${
            fmt(percentile(pg.x.t7, 50) / percentile(o.x.t7, 50), 1)
          }× · t≥0.5 ${fmt(percentile(pg.x.t5, 50) / percentile(o.x.t5, 50), 1)}× · top-10 ${
            fmt(percentile(pg.x.k10, 50) / percentile(o.x.k10, 50), 1)
          }× faster; identical hit counts ${
            same(pg.x.n7, o.x.n7) && same(pg.x.n5, o.x.n5)
          }, top-10 similarities equal (±1e-6) ${sameTop(pg.x.top, o.x.top, 1e-6)}`,
        );
      } catch (e) {
        lines.push(`    cartridge failed: ${(e as Error).message.split("\n")[0]}`);
      }
    }
  }
  return lines;
}

/** Common patterns (the SMARTS the question parser writes for benzene ring, sulfonamide, carboxylic acid,
 * pyridine, amide), a differently spelled acid and amide, and two kinase hinge motifs (pyrrolopyrimidine,
 * 2-aminopyrimidine) that no key covers. */
const PATTERNS = [
  "c1ccccc1",
  "S(=O)(=O)N",
  "C(=O)[OX2H1,OX1-]",
  "n1ccccc1",
  "C(=O)N",
  "C(=O)[OH]",
  "NC=O",
  "c1ncnc2[nH]ccc12",
  "Nc1ncccn1",
];

/** RDKit pattern-fingerprint pickles (ExplicitBitVect text: a 12-byte header, then packed gaps) as bits. */
function unpickle(p: Uint8Array, out: Uint32Array, o: number): void {
  const on = new DataView(p.buffer, p.byteOffset).getUint32(8, true);
  let at = 12, pos = -1;
  for (let k = 0; k < on; k++) {
    let v = p[at], gap: number;
    if (!(v & 1)) gap = v >>> 1, at += 1;
    else if ((v & 3) === 1) v |= p[at + 1] << 8, gap = (v >>> 2) + 128, at += 2;
    else v |= (p[at + 1] << 8) | (p[at + 2] << 16), gap = (v >>> 3) + 16_512, at += 3;
    pos += gap + 1;
    out[o + (pos >> 5)] |= 1 << (pos & 31);
  }
}

/**
 * Substructure over the 100k library as a user's library: imported through the real import (standardisation,
 * pattern fingerprints, key masks in the pool), then per pattern the full hit list (what the tool returns:
 * the first hits and the total) via librarySubstructure — from the key masks when the pattern is a key, else
 * RDKit's pattern-fingerprint screen + exact match in worker chunks — and, for comparison, the screened path
 * for every pattern. p50/p99 over a few rounds; the screen's pass rate is estimated in JS from the stored
 * fingerprints and the query's JSMol pattern fingerprint (RDKit's own query fingerprint differs for [nH]).
 */
export async function benchLibrarySubstructure(
  dir = "data/generated",
  rounds = 5,
  pg = false,
): Promise<string[]> {
  const chem = await createChemPool({ timeoutMs: 600_000 });
  const lines: string[] = [];
  try {
    // The imported library is kept next to the generated files: later runs skip the import (minutes).
    const store = new LibraryStore(`${dir}/library_100k_imported`);
    await store.load();
    let lib = store.byName("bench100k", ANYONE);
    const current = lib?.screen?.keyNames.join("\n") === SUBSTRUCTURE_KEYS.join("\n");
    if (lib && !current) await store.delete(lib.meta.id, ANYONE);
    if (!lib || !current) {
      lib = (await importLibrary((await Deno.open(`${dir}/library_100k.smi`)).readable, {
        name: "bench100k",
        filename: "library_100k.smi",
        maxBytes: 1e9,
        viewer: ANYONE,
        chem,
        store,
      })).library;
    }
    const importS = lib.meta.report.ms / 1000;
    const n = lib.size, s = lib.screen!;
    lines.push(
      `  substructure 100k (${chem.size} workers): import ${fmt(importS, 0)} s (${
        fmt(n / importS, 0)
      } rows/s, standardise + pattern fingerprints + ${s.keyNames.length} key masks${
        current ? `; stored at ${lib.meta.created_at}, not re-imported` : ""
      }); pattern fps ${fmt(s.offsets[n] / 2 ** 20, 1)} MiB`,
    );
    const dense = new Uint32Array(n * FP_WORDS);
    for (let i = 0; i < n; i++) unpickle(s.fps.subarray(s.offsets[i], s.offsets[i + 1]), dense, i * FP_WORDS);
    const rd = await loadRDKit() as unknown as {
      get_qmol(p: string): { get_pattern_fp_as_uint8array(): Uint8Array; delete(): void };
    };
    // Warm-up: the workers receive the library and build their chunk indices once (a library's first search).
    let w = performance.now();
    await librarySubstructure(chem, lib, "[Xe]");
    const firstS = (performance.now() - w) / 1000;
    w = performance.now();
    await librarySubstructure(chem, lib, "[Xe]");
    lines.push(
      `    first search (workers build their chunk indices) ${fmt(firstS, 1)} s; a pattern nothing passes ` +
        `([Xe]) ${fmt(performance.now() - w, 0)} ms`,
    );
    const p50s: number[] = [];
    for (const p of PATTERNS) {
      const q = rd.get_qmol(p);
      const qb = q.get_pattern_fp_as_uint8array();
      q.delete();
      const qf = new Uint32Array(qb.buffer.slice(qb.byteOffset, qb.byteOffset + FP_WORDS * 4));
      const words = [...qf.keys()].filter((w) => qf[w]);
      let pass = 0;
      for (let i = 0; i < n; i++) {
        if (words.every((w) => (dense[i * FP_WORDS + w] & qf[w]) === qf[w])) pass++;
      }
      const keyed = s.keyNames.includes(p);
      const used: number[] = [], screened: number[] = [];
      let t = 0;
      let hits: number[] = [], same = true;
      for (let r = 0; r < rounds; r++) {
        t = performance.now();
        hits = await librarySubstructure(chem, lib, p);
        used.push(performance.now() - t);
        if (keyed && r < 2) {
          t = performance.now();
          const h = await chem.substructureSearch(p, { library: lib.meta.id });
          screened.push(performance.now() - t);
          same &&= h.length === hits.length && h.every((x, i) => x === hits[i]);
        }
      }
      p50s.push(percentile(used, 50));
      lines.push(
        `    ${p.padEnd(20)} ${String(hits.length).padStart(6)} hits · screen passes ${
          // JSMol's query fingerprint sets bits RDKit's screen does not use for [nH]: no estimate then.
          pass < hits.length ? "n/a" : `~${fmt((100 * pass) / n, 1)} %`} · ${
          keyed ? "key mask" : "screened"
        } p50 ${fmt(percentile(used, 50), 1)} / p99 ${fmt(percentile(used, 99), 1)} ms` +
          (keyed
            ? ` · screened path p50 ${fmt(percentile(screened, 50), 0)} ms, identical hits ${same}`
            : ""),
      );
    }
    lines.push(
      `    p50 under 200 ms: ${p50s.filter((x) => x < 200).length} of ${PATTERNS.length} patterns ` +
        `(median of the per-pattern p50s ${fmt(percentile(p50s, 50), 1)} ms)`,
    );
    if (pg) lines.push(await benchLibraryPostgres(lib));
    return lines;
  } finally {
    chem.close();
  }
}

/** The library saved to PostgreSQL (chemagent.library_rows) and read back by a fresh driver, in a throwaway
 * database. */
async function benchLibraryPostgres(lib: Library): Promise<string> {
  const url = `postgres://postgres@${Deno.env.get("PGHOST") ?? "127.0.0.1"}:5432/chemagent_bench_lib`;
  await createDatabase(url, true);
  try {
    const driver = new PostgresLibraryDriver({ url });
    let t = performance.now();
    await driver.save(lib);
    const saveS = (performance.now() - t) / 1000;
    await driver.close();
    const again = new PostgresLibraryDriver({ url });
    t = performance.now();
    const back = await again.read(lib.meta.id);
    const loadS = (performance.now() - t) / 1000;
    await again.close();
    const same = back.smiles.length === lib.size &&
      back.screen?.offsets[lib.size] === lib.screen?.offsets[lib.size];
    return `    PostgreSQL driver, ${lib.size} rows: save ${fmt(saveS, 1)} s (${
      fmt(lib.size / saveS / 1e3, 1)
    } k rows/s), ` +
      `load ${fmt(loadS, 1)} s (${
        fmt(lib.size / loadS / 1e3, 1)
      } k rows/s), rows and fingerprints back ${same}`;
  } finally {
    const admin = postgres(`postgres://postgres@${Deno.env.get("PGHOST") ?? "127.0.0.1"}:5432/postgres`, {
      max: 1,
      onnotice: () => {},
    });
    await admin.unsafe(`drop database if exists chemagent_bench_lib with (force)`);
    await admin.end();
  }
}

/** Runs the python side on a file (its arguments do not fit a stdin-only helper). */
async function pythonFile(path: string, n: number, qs: number[]) {
  try {
    const out = await new Deno.Command("/usr/bin/python3", {
      args: ["-c", PY, path, String(n), JSON.stringify(qs)],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) return null;
    return JSON.parse(new TextDecoder().decode(out.stdout)) as Timings & { build_s: number; rss: number };
  } catch {
    return null;
  }
}

if (import.meta.main) {
  const dirAt = Deno.args.indexOf("--dir");
  if (!Deno.args.includes("--substructure-only")) {
    for (
      const l of await benchLibrarySearch({
        pg1m: Deno.args.includes("--pg-1m") || Deno.env.get("BENCH_PG_1M") === "1",
        dir: dirAt >= 0 ? Deno.args[dirAt + 1] : undefined,
      })
    ) console.log(l);
  }
  if (Deno.args.some((a) => a.startsWith("--substructure"))) {
    const dir = dirAt >= 0 ? Deno.args[dirAt + 1] : undefined;
    for (const l of await benchLibrarySubstructure(dir, 5, Deno.args.includes("--pg-library"))) {
      console.log(l);
    }
  }
  Deno.exit(0);
}
