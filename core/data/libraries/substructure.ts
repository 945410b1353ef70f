/**
 * @module Substructure search over a user's library. A pattern that is one of the substructure keys is answered
 * from the masks computed at import (exact: the same RDKit match, done once). Any other pattern goes to the
 * chemistry pool: the library's stored pattern fingerprints screen every row inside RDKit's SubstructLibrary
 * before the exact match, chunk by chunk in the workers, with the search's deadline and cancel checked between
 * chunks. Results are row numbers, ascending, identical to matching every row.
 */
import type { ChemService } from "../../chem/pool.ts";
import type { Library } from "./library.ts";

export interface LibrarySearchOptions {
  signal?: AbortSignal;
  /** Deadline of the whole search (ms); a typed `timeout` error when passed. Default: the pool's per chunk. */
  timeoutMs?: number;
}

/** Libraries handed to a pool (by pool), so each is sent once and forgotten when deleted. */
const given = new WeakMap<ChemService, Set<string>>();

/** Rows of `lib` containing `pattern` (SMARTS or SMILES). */
export async function librarySubstructure(
  chem: ChemService,
  lib: Library,
  pattern: string,
  opts: LibrarySearchOptions = {},
): Promise<number[]> {
  const key = lib.screen?.keyNames.indexOf(pattern.trim()) ?? -1;
  if (key >= 0) {
    // Still checked, so a refused pattern is refused the same way on both paths.
    await chem.checkQuery(pattern, { signal: opts.signal });
    return keyRows(lib.screen!.keys, key);
  }
  const id = lib.meta.id;
  let ids = given.get(chem);
  if (!ids) given.set(chem, ids = new Set());
  if (!ids.has(id)) {
    ids.add(id);
    lib.onClose(() => {
      ids!.delete(id);
      chem.dropLibrary(id);
    });
  }
  const patternFps = lib.screen ? { fps: lib.screen.fps, offsets: lib.screen.offsets } : undefined;
  // Not awaited: the pool checks the pattern first, then waits for the library (cheap when fingerprints are kept).
  chem.setLibrary(lib.smiles, { id, patternFps }).catch(() => {});
  // Every worker searches: a chunk is short (tens of ms), so another request waits at most one chunk for a
  // worker, and a 100k-row scan takes half the time on two cores.
  return await chem.substructureSearch(pattern, {
    lanes: chem.stats().size,
    library: id,
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
  });
}

/** Rows whose key mask has bit `k`. */
function keyRows(keys: Uint32Array, k: number): number[] {
  const bit = (1 << k) >>> 0, out: number[] = [];
  for (let i = 0; i < keys.length; i++) if ((keys[i] & bit) >>> 0) out.push(i);
  return out;
}
