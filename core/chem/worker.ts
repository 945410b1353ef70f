/// <reference lib="deno.worker" />
/** @module One chemistry worker: loads RDKit once and answers the pool's requests; killable at any point. */
import { ChemAgentError } from "../errors.ts";
import { createChemEngine } from "./engine.ts";
import { loadRDKit, type RDKitModule } from "./rdkit.ts";
import { FP_WORDS } from "./fingerprint.ts";
import { type RawStructure, standardize } from "./standardize.ts";
import { SUBSTRUCTURE_KEYS } from "./substructure_keys.ts";
import type { WorkerReply, WorkerRequest } from "./protocol.ts";

const engine = await createChemEngine();
const rd = await loadRDKit() as unknown as {
  SubstructLibrary: new () => RDSubstructLibrary;
  disable_logging(name: string): boolean;
};
// User input must not be able to flood the server's log: RDKit warnings stay inside the worker.
rd.disable_logging("rdApp.warning");

interface RDSubstructLibrary {
  add_trusted_smiles(smiles: string): number;
  add_trusted_smiles_and_pattern_fp(smiles: string, fp: Uint8Array): number;
  get_pattern_fp_as_uint8array(i: number): Uint8Array;
  get_matches(q: unknown, useChirality: boolean, numThreads: number, maxResults: number): string;
  get_matches_as_uint32array(
    q: unknown,
    useChirality: boolean,
    numThreads: number,
    maxResults: number,
  ): Uint32Array;
  delete(): void;
}

interface Library {
  smiles: string[];
  fps: Uint8Array;
  offsets: Uint32Array;
  chunk: number;
}
/** Structure libraries by id and their pattern fingerprints, sent once; chunk libraries are built lazily. */
const libraries = new Map<string, Library>();
const chunks = new Map<string, RDSubstructLibrary>();

function dropChunks(id: string): void {
  for (const [key, lib] of chunks) {
    if (key.startsWith(id + "\u0000")) lib.delete(), chunks.delete(key);
  }
}

function chunkLibrary(id: string, c: number): RDSubstructLibrary {
  const key = `${id}\u0000${c}`;
  let lib = chunks.get(key);
  if (lib) return lib;
  const library = libraries.get(id);
  if (!library) throw new ChemAgentError("not_found", `No structure library "${id}" in this worker.`);
  const { smiles, fps, offsets, chunk } = library;
  lib = new rd.SubstructLibrary();
  for (let i = c * chunk; i < Math.min(smiles.length, (c + 1) * chunk); i++) {
    // Embind cannot read from shared memory: copy each fingerprint out.
    lib.add_trusted_smiles_and_pattern_fp(smiles[i], fps.slice(offsets[i], offsets[i + 1]));
  }
  chunks.set(key, lib);
  return lib;
}

/** Key queries, parsed once per worker. */
let keyQueries: { delete(): void }[] | undefined;

/** Pattern fingerprints (RDKit pickles, zero length for refused rows) and key masks of a batch's accepted rows,
 * from one SubstructLibrary of their canonical SMILES: exactly what a later search computes and matches. */
function screening(smiles: string[], at: number[], n: number) {
  keyQueries ??= SUBSTRUCTURE_KEYS.map((k) => engine.parseQuery(k));
  const lib = new rd.SubstructLibrary();
  try {
    for (const s of smiles) lib.add_trusted_smiles(s);
    const parts = smiles.map((_, j) => lib.get_pattern_fp_as_uint8array(j));
    const patternOffsets = new Uint32Array(n + 1);
    for (let i = 0, j = 0; i < n; i++) {
      patternOffsets[i + 1] = patternOffsets[i] + (at[j] === i ? parts[j++].length : 0);
    }
    const patternFps = new Uint8Array(patternOffsets[n]);
    parts.forEach((p, j) => patternFps.set(p, patternOffsets[at[j]]));
    const keys = new Uint32Array(n);
    keyQueries.forEach((q, k) => {
      for (const j of lib.get_matches_as_uint32array(q, true, 1, smiles.length + 1)) keys[at[j]] |= 1 << k;
    });
    return { patternFps, patternOffsets, keys };
  } finally {
    lib.delete();
  }
}

type Handler = (args: never) => unknown;
const handlers: Record<string, Handler> = {
  facts: (s: string) => engine.facts(s),
  descriptors: (s: string) => engine.descriptors(s),
  canonical: (s: string) => engine.canonical(s),
  fingerprint: (s: string) => engine.fingerprint(s),
  checkQuery: (q: string) => engine.parseQuery(q).delete(),
  depict: (a: { smiles: string; width?: number; height?: number; highlight?: string }) =>
    engine.depict(a.smiles, a),
  /** Verdicts for SMILES-looking tokens of a question (the parser's detection, done in one round trip). */
  verdicts: (tokens: string[]) =>
    tokens.map((t) => {
      try {
        // The InChIKey lets the parser recognise a structure that is a dataset compound.
        const facts = engine.facts(t);
        return { valid: true, canonical: facts.canonical_smiles, inchikey: facts.inchikey, smarts: true };
      } catch (e) {
        let smarts = false;
        try {
          engine.parseQuery(t).delete();
          smarts = true;
        } catch { /* neither */ }
        return {
          valid: false,
          error: (e as ChemAgentError).toBody?.() ?? { code: "invalid_smiles", message: "" },
          smarts,
        };
      }
    }),
  /** Pattern fingerprints of trusted structures (computed once, shared with every worker). */
  patternFps: (smiles: string[]) => {
    const lib = new rd.SubstructLibrary();
    try {
      for (const s of smiles) lib.add_trusted_smiles(s);
      // Serialized fingerprints vary in length: one shared buffer plus offsets.
      const parts: Uint8Array[] = [];
      const offsets = new Uint32Array(new SharedArrayBuffer(4 * (smiles.length + 1)));
      for (let i = 0; i < smiles.length; i++) {
        parts.push(lib.get_pattern_fp_as_uint8array(i));
        offsets[i + 1] = offsets[i] + parts[i].length;
      }
      const fps = new Uint8Array(new SharedArrayBuffer(offsets[smiles.length]));
      parts.forEach((p, i) => fps.set(p, offsets[i]));
      return { fps, offsets };
    } finally {
      lib.delete();
    }
  },
  library: (a: Library & { id: string }) => {
    dropChunks(a.id);
    libraries.set(a.id, a);
  },
  dropLibrary: (id: string) => {
    dropChunks(id);
    libraries.delete(id);
  },
  /** Rows of one chunk matching the pattern (pattern-fingerprint screen first, inside SubstructLibrary);
   * max > 0 stops at the first max hits. */
  match: (a: { pattern: string; chunk: number; library: string; max: number }) => {
    const lib = chunkLibrary(a.library, a.chunk);
    const q = engine.parseQuery(a.pattern);
    try {
      const hits = JSON.parse(lib.get_matches(q, true, 1, a.max > 0 ? a.max : 1_000_000)) as number[];
      return hits.map((h) => h + a.chunk * libraries.get(a.library)!.chunk);
    } finally {
      q.delete();
    }
  },
  /** A batch of uploaded records standardised (one fingerprint matrix back, transferred, not copied), with each
   * accepted row's RDKit pattern fingerprint and substructure-key mask (what library search screens with). */
  standardize: (records: RawStructure[]) => {
    const fps = new Uint32Array(records.length * FP_WORDS);
    const ok: number[] = [];
    const rows = records.map((r, i) => {
      const out = standardize(rd as unknown as RDKitModule, r);
      if (!out.ok) return { error: out.error };
      fps.set(out.fp, i * FP_WORDS);
      ok.push(i);
      return { smiles: out.smiles, descriptors: out.descriptors, changes: out.changes };
    });
    return { rows, fps, ...screening(ok.map((i) => rows[i].smiles!), ok, records.length) };
  },
  /** Test hook: a call that never returns on its own (proves deadlines and cancel terminate work). */
  spin: (ms: number) => {
    const end = Date.now() + ms;
    while (Date.now() < end) { /* busy */ }
    return ms;
  },
};

self.onmessage = (e: MessageEvent<WorkerRequest>) => {
  const { id, op, args } = e.data;
  let reply: WorkerReply;
  try {
    const handler = handlers[op];
    if (!handler) throw new ChemAgentError("internal", `unknown chemistry op ${op}`);
    reply = { id, ok: true, value: handler(args as never) };
  } catch (err) {
    // A ChemAgentError is an answer; anything else (a WASM trap, an abort) may have left RDKit broken,
    // so the pool replaces this worker.
    reply = err instanceof ChemAgentError ? { id, ok: false, error: err.toBody() } : {
      id,
      ok: false,
      fatal: true,
      error: {
        code: "input_too_complex",
        message: "RDKit could not process this structure (an internal limit was exceeded).",
      },
    };
  }
  const value = reply.ok ? reply.value as Record<string, unknown> : null;
  const arrays = value instanceof Uint32Array
    ? [value]
    : value && typeof value === "object"
    ? ["fps", "patternFps", "patternOffsets", "keys"].map((k) => value[k])
    : [];
  const transfer: Transferable[] = arrays.filter((a): a is Uint8Array | Uint32Array =>
    (a instanceof Uint32Array || a instanceof Uint8Array) && a.buffer instanceof ArrayBuffer
  ).map((a) => a.buffer as ArrayBuffer);
  self.postMessage(reply, transfer);
};

// One calculation before saying ready: RDKit's first call is ~100 ms slower (code warming up); paid here, while
// the server is still starting, it is not paid by the readiness probe or the first user.
engine.facts("CC(=O)Oc1ccccc1C(=O)O");
self.postMessage({ ready: true, version: engine.version } satisfies WorkerReply);
