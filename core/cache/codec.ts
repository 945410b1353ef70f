/** @module Stored entry format: a 4-byte magic header + msgpack, so foreign or corrupted values are detected. */
import { decode, encode } from "@msgpack/msgpack";

const MAGIC = [0x43, 0x41, 0x43, 0x31]; // "CAC1"

export interface StoredEntry {
  v: unknown;
  /** expiresAt (fresh until), ms since epoch */
  e: number;
  /** staleUntil (grace end) */
  s: number;
  t: string[];
}

export function encodeEntry(entry: StoredEntry): Uint8Array {
  const body = encode(entry);
  const out = new Uint8Array(body.length + 4);
  out.set(MAGIC, 0);
  out.set(body, 4);
  return out;
}

/** Decodes an entry, or returns null for anything that is not one of ours (never throws). */
export function decodeEntry(bytes: Uint8Array | null | undefined): StoredEntry | null {
  if (!bytes || bytes.length < 5 || MAGIC.some((b, i) => bytes[i] !== b)) return null;
  try {
    const e = decode(bytes.subarray(4)) as StoredEntry;
    if (
      !e || typeof e !== "object" || typeof e.e !== "number" || typeof e.s !== "number" ||
      !Array.isArray(e.t) || !("v" in e)
    ) return null;
    return e;
  } catch {
    return null;
  }
}
