/**
 * @module Libraries in PostgreSQL (CHEMAGENT_DATA=postgres), in the `chemagent` side schema: one row per library
 * (description, owner for per-user visibility, substructure-key names) and one row per structure (record
 * number, canonical SMILES, name, descriptors, Morgan and pattern fingerprints, key mask). Tables are created
 * idempotently; a library is written in one transaction, so another instance never loads half of one.
 */
import { FP_WORDS } from "../../chem/fingerprint.ts";
import { LIBRARY_DESCRIPTORS } from "../../chem/standardize.ts";
import { openPool, type Sql } from "../sources/postgres/pool.ts";
import { Library, type LibraryMeta, type LibraryScreen } from "./library.ts";
import type { LibraryDriver } from "./store.ts";

const DESC = LIBRARY_DESCRIPTORS.length;
/** Rows per insert statement (9 parameters each, under PostgreSQL's 65,535). */
const BATCH = 2000;

const DDL = `
create schema if not exists chemagent;
create table if not exists chemagent.libraries (
  id text primary key,
  name text not null,
  owner text,
  created_at timestamptz not null,
  size integer not null,
  meta jsonb not null,
  screen_keys jsonb
);
create table if not exists chemagent.library_rows (
  library_id text not null references chemagent.libraries (id) on delete cascade,
  row integer not null,
  record integer not null,
  smiles text not null,
  name text not null,
  descriptors bytea not null,
  fp bytea not null,
  pattern_fp bytea,
  keys integer,
  primary key (library_id, row)
);`;

const bytes = (a: Uint32Array | Float32Array | Uint8Array, from: number, to: number) =>
  new Uint8Array(a.buffer, a.byteOffset + from * a.BYTES_PER_ELEMENT, (to - from) * a.BYTES_PER_ELEMENT);

export class PostgresLibraryDriver implements LibraryDriver {
  readonly #sql: Sql;
  #ready?: Promise<void>;

  constructor(opts: { url: string; max?: number } | Sql) {
    this.#sql = "url" in opts ? openPool({ url: opts.url, max: opts.max ?? 4 }) : opts;
  }

  /** Creates the schema and tables once (an advisory lock keeps concurrent instances from racing). */
  #schema(): Promise<void> {
    this.#ready ??= this.#sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(4217018)`;
      await tx.unsafe(DDL);
    }).then(() => {}, (e) => {
      this.#ready = undefined;
      throw e;
    });
    return this.#ready;
  }

  async ids(): Promise<string[]> {
    await this.#schema();
    return (await this.#sql`select id from chemagent.libraries order by created_at`).map((r) => r.id);
  }

  async read(id: string): Promise<Library> {
    await this.#schema();
    const [l] = await this.#sql`select meta, screen_keys, size from chemagent.libraries where id = ${id}`;
    if (!l) throw new Error("not stored");
    return await this.#read(id, l.meta as LibraryMeta, l.screen_keys as string[] | null, l.size);
  }

  async #read(id: string, meta: LibraryMeta, keyNames: string[] | null, n: number): Promise<Library> {
    const smiles: string[] = [], names: string[] = [];
    const records = new Uint32Array(n), keys = new Uint32Array(n);
    const fps = new Uint32Array(n * FP_WORDS), desc = new Float32Array(n * DESC);
    const parts: Uint8Array[] = [];
    let i = 0;
    const rows = this.#sql`select record, smiles, name, descriptors, fp, pattern_fp, keys
      from chemagent.library_rows where library_id = ${id} order by row`.cursor(BATCH);
    for await (const batch of rows) {
      for (const r of batch) {
        if (i >= n) throw new Error("more rows than the library's size");
        records[i] = r.record;
        smiles.push(r.smiles);
        names.push(r.name);
        bytes(fps, i * FP_WORDS, (i + 1) * FP_WORDS).set(r.fp);
        bytes(desc, i * DESC, (i + 1) * DESC).set(r.descriptors);
        keys[i] = (r.keys ?? 0) >>> 0;
        parts.push(r.pattern_fp ?? new Uint8Array(0));
        i++;
      }
    }
    if (i !== n) throw new Error(`${i} rows stored of ${n}`);
    let screen: LibraryScreen | undefined;
    if (keyNames) {
      const offsets = new Uint32Array(new SharedArrayBuffer((n + 1) * 4));
      parts.forEach((p, j) => offsets[j + 1] = offsets[j] + p.length);
      const pfps = new Uint8Array(new SharedArrayBuffer(offsets[n]));
      parts.forEach((p, j) => pfps.set(p, offsets[j]));
      screen = { fps: pfps, offsets, keys, keyNames };
    }
    return new Library(meta, { smiles, names, records }, desc, fps, screen);
  }

  async save(lib: Library): Promise<void> {
    await this.#schema();
    const m = lib.meta, s = lib.screen;
    await this.#sql.begin(async (tx) => {
      await tx`insert into chemagent.libraries (id, name, owner, created_at, size, meta, screen_keys)
        values (${m.id}, ${m.name}, ${m.owner}, ${m.created_at}, ${lib.size}, ${tx.json(m as never)},
          ${s ? tx.json([...s.keyNames]) : null})`;
      for (let from = 0; from < lib.size; from += BATCH) {
        const rows = [];
        for (let i = from; i < Math.min(lib.size, from + BATCH); i++) {
          rows.push({
            library_id: m.id,
            row: i,
            record: lib.records[i],
            smiles: lib.smiles[i],
            name: lib.names[i] ?? "",
            descriptors: bytes(lib.descriptors, i * DESC, (i + 1) * DESC).slice(),
            fp: bytes(lib.fingerprints, i * FP_WORDS, (i + 1) * FP_WORDS).slice(),
            pattern_fp: s ? s.fps.slice(s.offsets[i], s.offsets[i + 1]) : null,
            keys: s ? s.keys[i] | 0 : null,
          });
        }
        await tx`insert into chemagent.library_rows ${tx(rows)}`;
      }
    });
  }

  async remove(id: string): Promise<void> {
    await this.#schema();
    await this.#sql`delete from chemagent.libraries where id = ${id}`;
  }

  async close(): Promise<void> {
    await this.#sql.end({ timeout: 5 });
  }
}
