/**
 * @module The libraries of this instance: kept in memory, persisted by a driver — the state directory
 * (file_driver.ts) or PostgreSQL (pg_driver.ts) — and reloaded at start. Who sees a library: everyone when
 * authentication is off; only its uploader (the token's `sub`) when it is on. Names resolve like compound names:
 * exact, then within a few typing errors.
 */
import { ChemAgentError } from "../../errors.ts";
import { normalizeName } from "../normalize.ts";
import { editDistance, suggestionDistance } from "../suggest.ts";
import { FileLibraryDriver } from "./file_driver.ts";
import type { Library } from "./library.ts";

/** Where libraries persist. */
export interface LibraryDriver {
  /** Ids of the stored libraries (to notice another instance's uploads and deletes). */
  ids(): Promise<string[]>;
  read(id: string): Promise<Library>;
  save(lib: Library): Promise<void>;
  remove(id: string): Promise<void>;
  close(): Promise<void>;
}

/** Who is asking: `sub` of the verified token, and whether ownership is enforced (auth on). */
export interface Viewer {
  sub?: string;
  enforced: boolean;
}

export const ANYONE: Viewer = { enforced: false };

const ID = /^lib_[0-9a-f]{16}$/;

/** `lib_` + 64 random bits. */
export function newLibraryId(): string {
  return `lib_${
    Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join("")
  }`;
}

export class LibraryStore {
  readonly #libs = new Map<string, Library>();
  /** Changes whenever a library is added or removed (tool-result cache keys include it). */
  #generation = 0;
  /** Ids being saved or removed right now: refresh() leaves them alone. */
  readonly #busy = new Set<string>();

  readonly driver: LibraryDriver | null;

  /** A state directory (files), a driver, or null: in memory only. */
  constructor(where: string | LibraryDriver | null) {
    this.driver = typeof where === "string" ? new FileLibraryDriver(where) : where;
  }

  get generation(): number {
    return this.#generation;
  }

  /** Loads every persisted library; a damaged one is skipped and named in the returned list. */
  async load(): Promise<{ loaded: number; skipped: string[] }> {
    if (!this.driver) return { loaded: 0, skipped: [] };
    const skipped: string[] = [];
    for (const id of await this.driver.ids()) {
      try {
        this.#put(await this.driver.read(id));
      } catch (err) {
        skipped.push(`${id}: ${(err as Error).message}`);
      }
    }
    return { loaded: this.#libs.size, skipped };
  }

  #put(lib: Library): void {
    this.#libs.set(lib.meta.id, lib);
    this.#generation++;
  }

  /** Adds (and persists) a library. */
  async add(lib: Library): Promise<void> {
    this.#busy.add(lib.meta.id);
    try {
      await this.driver?.save(lib);
      this.#put(lib);
    } finally {
      this.#busy.delete(lib.meta.id);
    }
  }

  /**
   * Catches up with the driver: libraries another instance added are loaded, ones it deleted are dropped.
   * Returns what changed; a library that cannot be read is skipped (and tried again next time).
   */
  async refresh(): Promise<{ added: string[]; removed: string[]; skipped: string[] }> {
    const out = { added: [] as string[], removed: [] as string[], skipped: [] as string[] };
    if (!this.driver) return out;
    const stored = new Set(await this.driver.ids());
    for (const id of stored) {
      if (this.#libs.has(id) || this.#busy.has(id)) continue;
      try {
        const lib = await this.driver.read(id);
        if (this.#libs.has(id) || this.#busy.has(id)) continue; // added here meanwhile
        this.#put(lib);
        out.added.push(id);
      } catch (e) {
        out.skipped.push(`${id}: ${(e as Error).message}`);
      }
    }
    for (const [id, lib] of this.#libs) {
      if (stored.has(id) || this.#busy.has(id)) continue;
      this.#libs.delete(id);
      lib.close();
      this.#generation++;
      out.removed.push(id);
    }
    return out;
  }

  visible(lib: Library, v: Viewer): boolean {
    return !v.enforced || (!!v.sub && lib.meta.owner === v.sub);
  }

  /** The viewer's libraries, newest first. */
  list(v: Viewer): Library[] {
    return [...this.#libs.values()].filter((l) => this.visible(l, v))
      .sort((a, b) => b.meta.created_at.localeCompare(a.meta.created_at));
  }

  /** A library by id, or not_found (another user's library is indistinguishable from none). */
  get(id: string, v: Viewer): Library {
    const lib = ID.test(id) ? this.#libs.get(id) : undefined;
    if (!lib || !this.visible(lib, v)) {
      throw new ChemAgentError("not_found", `No library ${id.slice(0, 100)}.`);
    }
    return lib;
  }

  /** The viewer's library of that exact (normalised) name, if any. */
  byName(name: string, v: Viewer): Library | undefined {
    const key = normalizeName(name);
    return this.list(v).find((l) => normalizeName(l.meta.name) === key);
  }

  /**
   * Resolves what a user typed ("kinase", "kinase library", "my kinse set", an id) to one of their libraries;
   * a typo within reach is corrected; otherwise not_found naming the libraries they have.
   */
  resolve(text: string, v: Viewer): { library: Library; corrected: boolean } {
    const t = text.trim();
    if (ID.test(t)) return { library: this.get(t, v), corrected: false };
    const key = libraryKey(t);
    const mine = this.list(v);
    const exact = mine.find((l) => libraryKey(l.meta.name) === key);
    if (exact) return { library: exact, corrected: false };
    const near = mine.map((l) => ({ l, d: editDistance(key, libraryKey(l.meta.name), 3) }))
      .filter((x) => x.d <= suggestionDistance(key.length)).sort((a, b) => a.d - b.d);
    if (near.length === 1 || (near.length > 1 && near[0].d < near[1].d)) {
      return { library: near[0].l, corrected: true };
    }
    const names = (near.length ? near.map((x) => x.l) : mine).map((l) => l.meta.name).slice(0, 5);
    throw new ChemAgentError(
      "not_found",
      `No library named "${t.slice(0, 100)}".` +
        (names.length
          ? ` Your libraries: ${names.join(", ")}.`
          : " You have no libraries yet: upload one first."),
      { suggestions: names, details: { entity: "library" } },
    );
  }

  /** True when the text names one of the viewer's libraries (exactly or within a typo). */
  knows(text: string, v: Viewer): boolean {
    try {
      this.resolve(text, v);
      return true;
    } catch {
      return false;
    }
  }

  async delete(id: string, v: Viewer): Promise<void> {
    const lib = this.get(id, v);
    this.#libs.delete(lib.meta.id);
    lib.close();
    this.#generation++;
    this.#busy.add(lib.meta.id);
    try {
      await this.driver?.remove(lib.meta.id);
    } finally {
      this.#busy.delete(lib.meta.id);
    }
  }

  /** Closes the driver (a database connection). */
  async close(): Promise<void> {
    for (const lib of this.#libs.values()) lib.close();
    await this.driver?.close();
  }
}

/** A library name as matched: normalised, without a trailing "library"/"lib"/"set"/"collection". */
export function libraryKey(name: string): string {
  return normalizeName(name.replace(/\b(?:compound\s+)?(?:library|libraries|lib|collection|set)\s*$/i, ""));
}
