/**
 * @module The libraries of this instance: kept in memory, persisted in the state directory as one JSON file
 * (description, structures, names) and one binary file (fingerprints, descriptors, record numbers) per library,
 * reloaded at start. Who sees a library: everyone when authentication is off; only its uploader (the token's
 * `sub`) when it is on. Names resolve like compound names: exact, then within a few typing errors.
 */
import { FP_WORDS } from "../../chem/fingerprint.ts";
import { LIBRARY_DESCRIPTORS } from "../../chem/standardize.ts";
import { ChemAgentError } from "../../errors.ts";
import { normalizeName } from "../normalize.ts";
import { editDistance, suggestionDistance } from "../suggest.ts";
import { Library, type LibraryMeta } from "./library.ts";

/** Who is asking: `sub` of the verified token, and whether ownership is enforced (auth on). */
export interface Viewer {
  sub?: string;
  enforced: boolean;
}

export const ANYONE: Viewer = { enforced: false };

const ID = /^lib_[0-9a-f]{16}$/;
const DESC = LIBRARY_DESCRIPTORS.length;

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

  /** `dir` = where libraries persist (created on first save); null keeps them in memory only. */
  constructor(readonly dir: string | null) {}

  get generation(): number {
    return this.#generation;
  }

  /** Loads every persisted library; a damaged file is skipped and named in the returned list. */
  async load(): Promise<{ loaded: number; skipped: string[] }> {
    if (!this.dir) return { loaded: 0, skipped: [] };
    const skipped: string[] = [];
    let entries: Deno.DirEntry[] = [];
    try {
      entries = await Array.fromAsync(Deno.readDir(this.dir));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return { loaded: 0, skipped };
      throw e;
    }
    for (const e of entries) {
      const m = /^(lib_[0-9a-f]{16})\.json$/.exec(e.name);
      if (!m) continue;
      try {
        this.#put(await this.#read(m[1]));
      } catch (err) {
        skipped.push(`${e.name}: ${(err as Error).message}`);
      }
    }
    return { loaded: this.#libs.size, skipped };
  }

  async #read(id: string): Promise<Library> {
    const json = JSON.parse(await Deno.readTextFile(`${this.dir}/${id}.json`)) as {
      meta: LibraryMeta;
      smiles: string[];
      names: string[];
    };
    const bin = await Deno.readFile(`${this.dir}/${id}.bin`);
    const n = json.smiles.length;
    if (bin.byteLength !== n * (FP_WORDS + DESC + 1) * 4) throw new Error("binary file does not match");
    const buf = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
    const fps = new Uint32Array(buf, 0, n * FP_WORDS);
    const desc = new Float32Array(buf, n * FP_WORDS * 4, n * DESC);
    const records = new Uint32Array(buf, n * (FP_WORDS + DESC) * 4, n);
    return new Library(json.meta, { smiles: json.smiles, names: json.names, records }, desc, fps);
  }

  #put(lib: Library): void {
    this.#libs.set(lib.meta.id, lib);
    this.#generation++;
  }

  /** Adds (and persists) a library; binary first, then the JSON that makes it visible on reload. */
  async add(lib: Library): Promise<void> {
    if (this.dir) {
      await Deno.mkdir(this.dir, { recursive: true });
      const n = lib.size;
      const bin = new Uint8Array(n * (FP_WORDS + DESC + 1) * 4);
      new Uint32Array(bin.buffer, 0, n * FP_WORDS).set(lib.fingerprints.subarray(0, n * FP_WORDS));
      new Float32Array(bin.buffer, n * FP_WORDS * 4, n * DESC).set(lib.descriptors.subarray(0, n * DESC));
      new Uint32Array(bin.buffer, n * (FP_WORDS + DESC) * 4, n).set(lib.records.subarray(0, n));
      const base = `${this.dir}/${lib.meta.id}`;
      await Deno.writeFile(`${base}.bin.tmp`, bin);
      await Deno.rename(`${base}.bin.tmp`, `${base}.bin`);
      const json = JSON.stringify({ meta: lib.meta, smiles: lib.smiles, names: lib.names });
      await Deno.writeTextFile(`${base}.json.tmp`, json);
      await Deno.rename(`${base}.json.tmp`, `${base}.json`);
    }
    this.#put(lib);
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
    if (!this.dir) return;
    for (const ext of ["json", "bin"]) {
      await Deno.remove(`${this.dir}/${lib.meta.id}.${ext}`).catch((e) => {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      });
    }
  }
}

/** A library name as matched: normalised, without a trailing "library"/"lib"/"set"/"collection". */
export function libraryKey(name: string): string {
  return normalizeName(name.replace(/\b(?:compound\s+)?(?:library|libraries|lib|collection|set)\s*$/i, ""));
}
