/**
 * @module A library as stored, whatever the driver: one JSON document (description, structures, names, key
 * names) and one binary block — Morgan fingerprints, descriptors, record numbers, then (since pattern
 * fingerprints are kept) substructure-key masks, pattern-fingerprint offsets and the pattern fingerprints.
 * A block without the screening part (an older library) still loads; search computes fingerprints then.
 */
import { FP_WORDS } from "../../chem/fingerprint.ts";
import { LIBRARY_DESCRIPTORS } from "../../chem/standardize.ts";
import { Library, type LibraryMeta } from "./library.ts";

const DESC = LIBRARY_DESCRIPTORS.length;

interface Doc {
  meta: LibraryMeta;
  smiles: string[];
  names: string[];
  /** The SMARTS of each key-mask bit, as computed at import. */
  screen_keys?: string[];
}

export function encodeLibrary(lib: Library): { json: string; bin: Uint8Array } {
  const n = lib.size;
  const s = lib.screen;
  const base = n * (FP_WORDS + DESC + 1) * 4;
  const extra = s ? (2 * n + 1) * 4 + s.offsets[n] : 0;
  const bin = new Uint8Array(base + extra);
  new Uint32Array(bin.buffer, 0, n * FP_WORDS).set(lib.fingerprints.subarray(0, n * FP_WORDS));
  new Float32Array(bin.buffer, n * FP_WORDS * 4, n * DESC).set(lib.descriptors.subarray(0, n * DESC));
  new Uint32Array(bin.buffer, n * (FP_WORDS + DESC) * 4, n).set(lib.records.subarray(0, n));
  if (s) {
    new Uint32Array(bin.buffer, base, n).set(s.keys.subarray(0, n));
    new Uint32Array(bin.buffer, base + n * 4, n + 1).set(s.offsets.subarray(0, n + 1));
    bin.set(s.fps.subarray(0, s.offsets[n]), base + (2 * n + 1) * 4);
  }
  const doc: Doc = {
    meta: lib.meta,
    smiles: lib.smiles,
    names: lib.names,
    ...(s ? { screen_keys: [...s.keyNames] } : {}),
  };
  return { json: JSON.stringify(doc), bin };
}

/** The library back; throws when the binary block does not fit the document. */
export function decodeLibrary(json: string, bin: Uint8Array): Library {
  const doc = JSON.parse(json) as Doc;
  const n = doc.smiles.length;
  const base = n * (FP_WORDS + DESC + 1) * 4;
  if (bin.byteLength < base || (bin.byteLength > base && !doc.screen_keys)) {
    throw new Error("binary file does not match");
  }
  const buf = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
  const fps = new Uint32Array(buf, 0, n * FP_WORDS);
  const desc = new Float32Array(buf, n * FP_WORDS * 4, n * DESC);
  const records = new Uint32Array(buf, n * (FP_WORDS + DESC) * 4, n);
  let screen;
  if (bin.byteLength > base) {
    const offsets = new Uint32Array(new SharedArrayBuffer((n + 1) * 4));
    offsets.set(new Uint32Array(buf, base + n * 4, n + 1));
    const at = base + (2 * n + 1) * 4;
    if (bin.byteLength !== at + offsets[n]) throw new Error("binary file does not match");
    const pfps = new Uint8Array(new SharedArrayBuffer(offsets[n]));
    pfps.set(new Uint8Array(buf, at, offsets[n]));
    screen = {
      keys: new Uint32Array(buf, base, n),
      offsets,
      fps: pfps,
      keyNames: doc.screen_keys!,
    };
  }
  return new Library(doc.meta, { smiles: doc.smiles, names: doc.names, records }, desc, fps, screen);
}
