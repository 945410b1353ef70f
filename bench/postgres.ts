/** @module Structure search through the RDKit PostgreSQL cartridge vs the embedded engine on the same data:
 * similarity (Tanimoto ≥ 0.7 / 0.5, top 10) and substructure (common patterns), p50 and p99, one run.
 *
 * Database: BENCH_DATABASE_URL (a loaded ChEMBL-schema database, never modified), else a private
 * `chemagent_bench` database on the local PostgreSQL that this bench loads with `deno task data:postgres`. */
import postgres from "postgres";
import { type Agent, createAgent } from "../core/mod.ts";
import { fmt, percentile } from "./lib.ts";

const DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/chemagent_bench";
/** Query compounds for similarity (spread over the dataset) and repetitions per substructure pattern. */
const SIMILARITY_QUERIES = 60;
const PATTERN_REPS = 8;
/** Common medicinal-chemistry patterns (SMARTS valid for both engines). */
export const PATTERNS: Record<string, string> = {
  benzene: "c1ccccc1",
  "carboxylic acid": "C(=O)[OX2H1]",
  sulfonamide: "S(=O)(=O)N",
  piperazine: "N1CCNCC1",
  "β-lactam": "O=C1CCN1",
};

type Sql = postgres.Sql;

/** Connects to the bench database, loading the development database first when it has no `rdk` tables. */
async function connect(): Promise<{ sql: Sql; url: string; loaded: string }> {
  const given = Deno.env.get("BENCH_DATABASE_URL");
  const url = given ?? DEFAULT_URL;
  const open = () => postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  const hasRdk = async (sql: Sql) =>
    (await sql`select to_regclass('rdk.fps') is not null as ok`.catch(() => [{ ok: false }]))[0].ok;
  let sql = open();
  if (await hasRdk(sql)) return { sql, url, loaded: "existing database" };
  await sql.end();
  if (given) {
    throw new Error(`BENCH_DATABASE_URL has no rdk.fps table: load it first (deno task data:postgres)`);
  }
  const t = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "data:postgres", "--replace"],
    env: { DATABASE_URL: url },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`deno task data:postgres failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  sql = open();
  return {
    sql,
    url,
    loaded: `loaded by deno task data:postgres in ${fmt((performance.now() - t) / 1000, 1)} s`,
  };
}

interface Row {
  label: string;
  embedded: number[];
  cartridge: number[];
  /** Same answers? (hit sets for similarity, match counts for substructure). */
  agree: string;
}

const timed = async <T>(f: () => Promise<T>): Promise<[number, T]> => {
  const t = performance.now();
  const r = await f();
  return [performance.now() - t, r];
};

/** Top-10 similarity at `threshold` for each query compound, both engines, interleaved query by query. */
async function similarity(agent: Agent, sql: Sql, ids: string[], threshold: number): Promise<Row> {
  const row: Row = { label: `similarity ≥ ${threshold}, top 10`, embedded: [], cartridge: [], agree: "" };
  await sql.unsafe(`set rdkit.tanimoto_threshold = ${threshold}`);
  let same = 0;
  for (const id of ids) {
    const [te, e] = await timed(() =>
      agent.runTool("similarity_search", { compound: id, threshold, limit: 10 }, undefined, { cache: false })
    );
    const [tc, c] = await timed(() =>
      sql`with q as (
            select f.molregno, f.mfp2 from rdk.fps f
            join molecule_dictionary md on md.molregno = f.molregno where md.chembl_id = ${id})
          select md.chembl_id, tanimoto_sml(q.mfp2, f.mfp2) as s
          from q, rdk.fps f join molecule_dictionary md on md.molregno = f.molregno
          where f.mfp2 % q.mfp2 and f.molregno <> q.molregno
          order by f.mfp2 <%> q.mfp2 limit 10`
    );
    row.embedded.push(te);
    row.cartridge.push(tc);
    // Ties at the 10th place may be cut differently; compare the scores, which must be identical.
    const scores = (xs: number[]) => xs.map((s) => s.toFixed(4)).join(",");
    const eHits = (e.hits as { similarity: number }[]).map((h) => h.similarity);
    if (scores(eHits) === scores(c.map((r) => Number(r.s)))) same++;
  }
  row.agree = `${same}/${ids.length} same scores`;
  return row;
}

/** Every match of each pattern (the tool counts all, shows 20), both engines, repeated. */
async function substructure(agent: Agent, sql: Sql, name: string, smarts: string): Promise<Row> {
  const row: Row = { label: `substructure ${name}`, embedded: [], cartridge: [], agree: "" };
  let counts = "";
  for (let i = 0; i < PATTERN_REPS; i++) {
    const [te, e] = await timed(() =>
      agent.runTool("substructure_search", { query: smarts, limit: 20 }, undefined, { cache: false })
    );
    const [tc, c] = await timed(() =>
      sql`select count(*)::int as n from rdk.mols where m @> ${smarts}::qmol`
    );
    row.embedded.push(te);
    row.cartridge.push(tc);
    counts = `${e.total} vs ${c[0].n} matches`;
  }
  row.agree = counts;
  return row;
}

export async function benchPostgres(): Promise<string[]> {
  let db;
  try {
    db = await connect();
  } catch (e) {
    return [
      `not run: no ChEMBL PostgreSQL database with the RDKit cartridge (${(e as Error).message.trim()})`,
    ];
  }
  const { sql, loaded } = db;
  const agent = await createAgent();
  try {
    // The same fingerprints as ours: Morgan radius 2, 2048 bits (the cartridge's default is 512).
    await sql`set rdkit.morgan_fp_size = 2048`;
    const [{ n, version }] = await sql`select (select count(*)::int from rdk.fps) as n,
      (select name from version limit 1) as version`;
    const inDb = new Set((await sql`select md.chembl_id from rdk.fps f
      join molecule_dictionary md using (molregno)`).map((r) => r.chembl_id as string));
    const withFp = agent.data.compounds.filter((c) => agent.data.fingerprintOf(c) && inDb.has(c.id));
    const step = Math.max(1, Math.floor(withFp.length / SIMILARITY_QUERIES));
    const ids = withFp.filter((_, i) => i % step === 0).slice(0, SIMILARITY_QUERIES).map((c) => c.id);
    // Warm both sides (worker pool, substructure index, PostgreSQL buffers and plans).
    await similarity(agent, sql, ids.slice(0, 5), 0.7);
    for (const [name, smarts] of Object.entries(PATTERNS).slice(0, 2)) {
      await substructure(agent, sql, name, smarts);
    }

    const rows: Row[] = [
      await similarity(agent, sql, ids, 0.7),
      await similarity(agent, sql, ids, 0.5),
    ];
    for (const [name, smarts] of Object.entries(PATTERNS)) {
      rows.push(await substructure(agent, sql, name, smarts));
    }

    const w = Math.max(...rows.map((r) => r.label.length));
    const lines = [
      `${n} structures in PostgreSQL (${
        version ?? "no version row"
      }; ${loaded}) vs ${agent.data.stats.with_structure} embedded, ` +
      `RDKit ${agent.chem.version} (WASM) vs the cartridge; ${ids.length} query compounds, ${PATTERN_REPS} runs per pattern`,
      `${
        "query".padEnd(w)
      }  embedded p50 / p99 ms   cartridge p50 / p99 ms   cartridge/embedded p50   answers`,
    ];
    for (const r of rows) {
      const [e50, e99, c50, c99] = [
        percentile(r.embedded, 50),
        percentile(r.embedded, 99),
        percentile(r.cartridge, 50),
        percentile(r.cartridge, 99),
      ];
      lines.push(
        `${r.label.padEnd(w)}  ${`${fmt(e50)} / ${fmt(e99)}`.padStart(21)}   ${
          `${fmt(c50)} / ${fmt(c99)}`.padStart(22)
        }   ${`${fmt(c50 / e50)}×`.padStart(22)}   ${r.agree}`,
      );
    }
    return lines;
  } finally {
    await sql.end();
    agent.chem.close();
  }
}

if (import.meta.main) {
  for (const l of await benchPostgres()) console.log(l);
  Deno.exit(0);
}
