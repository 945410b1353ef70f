/** @module Session store on SQLite (node:sqlite, WAL): survives restarts of a single instance. */
import { DatabaseSync } from "node:sqlite";
import {
  DEFAULT_LIMITS,
  type Exchange,
  type MemoryLimits,
  type Session,
  type SessionStore,
} from "../types.ts";

export class SqliteSessionStore implements SessionStore {
  readonly name = "sqlite";
  readonly #db: DatabaseSync;
  readonly #limits: MemoryLimits;

  constructor(path: string, limits: Partial<MemoryLimits> = {}) {
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
    this.#db = new DatabaseSync(path);
    this.#db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, created INTEGER NOT NULL, updated INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS exchanges (
        session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (session, seq));
      CREATE INDEX IF NOT EXISTS sessions_updated ON sessions(updated);
      PRAGMA foreign_keys = ON;`);
    // Ownership arrived later: files written by older versions gain the column in place.
    const columns = this.#db.prepare("PRAGMA table_info(sessions)").all() as { name: string }[];
    if (!columns.some((c) => c.name === "owner")) this.#db.exec("ALTER TABLE sessions ADD COLUMN owner TEXT");
  }

  get(id: string): Promise<Session | null> {
    const s = this.#db.prepare("SELECT id, created, updated, owner FROM sessions WHERE id = ?").get(id) as
      | { id: string; created: number; updated: number; owner: string | null }
      | undefined;
    if (!s || s.updated + this.#limits.ttlMs < Date.now()) return Promise.resolve(null);
    const rows = this.#db.prepare("SELECT body FROM exchanges WHERE session = ? ORDER BY seq").all(id) as {
      body: string;
    }[];
    return Promise.resolve({
      id: s.id,
      created: s.created,
      updated: s.updated,
      exchanges: rows.map((r) => JSON.parse(r.body) as Exchange),
      ...(s.owner !== null ? { owner: s.owner } : {}),
    });
  }

  claim(id: string, owner: string): Promise<boolean> {
    const now = Date.now();
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      // An expired session is gone: whoever names the id next starts a fresh one.
      const old = this.#db.prepare("SELECT updated FROM sessions WHERE id = ?").get(id) as
        | { updated: number }
        | undefined;
      if (old && old.updated + this.#limits.ttlMs < now) {
        this.#db.prepare("DELETE FROM exchanges WHERE session = ?").run(id);
        this.#db.prepare("DELETE FROM sessions WHERE id = ?").run(id);
      }
      this.#db.prepare(
        "INSERT INTO sessions (id, created, updated, owner) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET owner = excluded.owner WHERE sessions.owner IS NULL",
      ).run(id, now, now, owner);
      const row = this.#db.prepare("SELECT owner FROM sessions WHERE id = ?").get(id) as {
        owner: string | null;
      };
      this.#db.exec("COMMIT");
      return Promise.resolve(row.owner === owner);
    } catch (e) {
      this.#db.exec("ROLLBACK");
      throw e;
    }
  }

  append(id: string, exchange: Exchange): Promise<void> {
    const now = Date.now();
    this.#db.exec("BEGIN");
    try {
      this.#db.prepare(
        "INSERT INTO sessions (id, created, updated) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET updated = excluded.updated",
      ).run(id, now, now);
      const next =
        (this.#db.prepare("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM exchanges WHERE session = ?").get(
          id,
        ) as { n: number }).n;
      this.#db.prepare("INSERT INTO exchanges (session, seq, body) VALUES (?, ?, ?)").run(
        id,
        next,
        JSON.stringify(exchange),
      );
      this.#db.prepare("DELETE FROM exchanges WHERE session = ? AND seq <= ?").run(
        id,
        next - this.#limits.maxExchanges,
      );
      this.#db.exec("COMMIT");
    } catch (e) {
      this.#db.exec("ROLLBACK");
      throw e;
    }
    return Promise.resolve();
  }

  delete(id: string): Promise<boolean> {
    this.#db.prepare("DELETE FROM exchanges WHERE session = ?").run(id);
    const r = this.#db.prepare("DELETE FROM sessions WHERE id = ?").run(id);
    return Promise.resolve(Number(r.changes) > 0);
  }

  purgeExpired(): Promise<number> {
    const cutoff = Date.now() - this.#limits.ttlMs;
    this.#db.prepare("DELETE FROM exchanges WHERE session IN (SELECT id FROM sessions WHERE updated < ?)")
      .run(cutoff);
    const r = this.#db.prepare("DELETE FROM sessions WHERE updated < ?").run(cutoff);
    return Promise.resolve(Number(r.changes));
  }

  count(): Promise<number> {
    return Promise.resolve((this.#db.prepare("SELECT COUNT(*) AS n FROM sessions").get() as { n: number }).n);
  }

  close(): Promise<void> {
    this.#db.close();
    return Promise.resolve();
  }
}
