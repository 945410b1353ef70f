/**
 * @module Libraries in the state directory: `<id>.json` and `<id>.bin` per library (see codec.ts), written
 * through temporary files so a crash never leaves half a library; the JSON, written last, makes it visible.
 */
import { decodeLibrary, encodeLibrary } from "./codec.ts";
import type { Library } from "./library.ts";
import type { LibraryDriver } from "./store.ts";

export class FileLibraryDriver implements LibraryDriver {
  constructor(readonly dir: string) {}

  async ids(): Promise<string[]> {
    try {
      return (await Array.fromAsync(Deno.readDir(this.dir)))
        .map((e) => /^(lib_[0-9a-f]{16})\.json$/.exec(e.name)?.[1]).filter((id): id is string => !!id);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return [];
      throw e;
    }
  }

  async read(id: string): Promise<Library> {
    const base = `${this.dir}/${id}`;
    return decodeLibrary(await Deno.readTextFile(`${base}.json`), await Deno.readFile(`${base}.bin`));
  }

  async save(lib: Library): Promise<void> {
    await Deno.mkdir(this.dir, { recursive: true });
    const { json, bin } = encodeLibrary(lib);
    const base = `${this.dir}/${lib.meta.id}`;
    await Deno.writeFile(`${base}.bin.tmp`, bin);
    await Deno.rename(`${base}.bin.tmp`, `${base}.bin`);
    await Deno.writeTextFile(`${base}.json.tmp`, json);
    await Deno.rename(`${base}.json.tmp`, `${base}.json`);
  }

  async remove(id: string): Promise<void> {
    for (const ext of ["json", "bin"]) {
      await Deno.remove(`${this.dir}/${id}.${ext}`).catch((e) => {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      });
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
