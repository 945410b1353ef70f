/**
 * @module Importing a library: bytes stream in (gzip undone on the way), records are read one by one, standardised
 * in the chemistry pool in batches (a bounded number in flight, so a large upload never piles up in memory), bad
 * records and duplicates are reported with their record and line numbers, and progress is published as it goes.
 */
import { FP_WORDS } from "../../chem/fingerprint.ts";
import type { ChemService } from "../../chem/pool.ts";
import { LIBRARY_DESCRIPTORS } from "../../chem/standardize.ts";
import { SUBSTRUCTURE_KEYS } from "../../chem/substructure_keys.ts";
import { ChemAgentError } from "../../errors.ts";
import {
  type DuplicateRecord,
  type ImportReport,
  Library,
  type RejectedRecord,
  REPORT_LIMIT,
} from "./library.ts";
import { formatFromName, type LibraryFormat, type RawRecord, readRecords, sniffFormat } from "./parse.ts";
import { type LibraryStore, newLibraryId, type Viewer } from "./store.ts";

export interface ImportProgress {
  bytes: number;
  /** Bytes expected (the declared length of the upload), when known. */
  total_bytes: number | null;
  records: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  molecules_per_s: number;
}

export interface ImportOptions {
  name: string;
  /** The uploaded file's name (format and gzip are recognised from it). */
  filename?: string;
  format?: LibraryFormat;
  /** Content-Encoding: gzip. */
  gzip?: boolean;
  /** Largest decompressed size accepted (bytes). */
  maxBytes: number;
  totalBytes?: number | null;
  viewer: Viewer;
  chem: ChemService;
  store: LibraryStore;
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
  /** Records per pool call (default 200). */
  batch?: number;
}

const DESC = LIBRARY_DESCRIPTORS.length;
const NAME = /^[\p{L}\p{N}][\p{L}\p{N} _.+-]{0,79}$/u;

/** Validates a library name: 1–80 letters, digits, spaces, `_ . + -`. */
export function checkLibraryName(name: unknown): string {
  const n = typeof name === "string" ? name.trim().replace(/\s+/g, " ") : "";
  if (!NAME.test(n)) {
    throw new ChemAgentError(
      "invalid_parameter",
      "name must be 1–80 characters: letters, digits, spaces and _ . + - (starting with a letter or digit).",
    );
  }
  return n;
}

/** Counts bytes through a stream and refuses past `max` (payload_too_large). */
function limited(
  max: number,
  what: string,
  count: (n: number) => void,
): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, ctl) {
      seen += chunk.byteLength;
      count(chunk.byteLength);
      if (seen > max) {
        throw new ChemAgentError(
          "payload_too_large",
          `The ${what} is larger than the limit of ${max} bytes.`,
          {
            details: { limit_bytes: max },
          },
        );
      }
      ctl.enqueue(chunk);
    },
  });
}

/** A copy in a SharedArrayBuffer. */
export function shared<T extends Uint8Array | Uint32Array>(a: T): T {
  const out = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}

/** Imports one library from a byte stream; resolves with the stored library and its report. */
export async function importLibrary(
  body: ReadableStream<Uint8Array>,
  o: ImportOptions,
): Promise<{ library: Library; report: ImportReport }> {
  const name = checkLibraryName(o.name);
  if (o.store.byName(name, o.viewer)) {
    throw new ChemAgentError(
      "invalid_parameter",
      `You already have a library named "${name}"; delete it or pick another name.`,
    );
  }
  const t0 = performance.now();
  const gzip = o.gzip || /\.gz$/i.test(o.filename ?? "");
  let raw = 0, bytes = 0;
  // Bytes of the upload whose records are fully processed: progress follows the work, not the network.
  let doneRaw = 0, doneBytes = 0;
  let stream = body.pipeThrough(limited(o.maxBytes, "upload", (n) => raw += n));
  if (gzip) {
    stream = stream.pipeThrough(
      new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
    )
      .pipeThrough(limited(o.maxBytes, "decompressed upload", (n) => bytes += n));
  } else stream = stream.pipeThrough(limited(o.maxBytes, "upload", (n) => bytes += n));
  const text = stream.pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>);

  // The format: given, else from the file name, else sniffed from the first chunk.
  const reader = text.getReader();
  const head: string[] = [];
  let format = o.format ?? formatFromName(o.filename);
  if (!format) {
    let sniff = "";
    while (sniff.length < 4096) {
      const { value, done } = await reader.read();
      if (done) break;
      head.push(value);
      sniff += value;
    }
    format = sniffFormat(sniff);
  }
  async function* chunks(): AsyncGenerator<string> {
    yield* head;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield value;
    }
  }

  const smiles: string[] = [], names: string[] = [], recs: number[] = [];
  let fps = new Uint32Array(1024 * FP_WORDS);
  let desc = new Float32Array(1024 * DESC);
  // Pattern fingerprints (RDKit pickles, ~600 bytes a row) and substructure-key masks, for substructure search.
  let pfps = new Uint8Array(1024 * 640), pOffsets = new Uint32Array(1025), keys = new Uint32Array(1024);
  const seen = new Map<string, number>();
  const rejected: RejectedRecord[] = [];
  const duplicates: DuplicateRecord[] = [];
  let nRejected = 0, nDuplicates = 0, nRecords = 0, nStandardized = 0;
  const totalBytes = o.totalBytes ?? null;
  const progress = (): ImportProgress => {
    const s = (performance.now() - t0) / 1000;
    return {
      bytes: gzip ? doneRaw : doneBytes,
      total_bytes: totalBytes,
      records: nRecords,
      accepted: smiles.length,
      rejected: nRejected,
      duplicates: nDuplicates,
      molecules_per_s: s > 0 ? Math.round(nRecords / s) : 0,
    };
  };
  const reject = (r: RawRecord, code: string, reason: string) => {
    nRejected++;
    if (rejected.length < REPORT_LIMIT) rejected.push({ record: r.record, line: r.line, code, reason });
  };
  const grow = () => {
    const rows = fps.length / FP_WORDS;
    if (smiles.length < rows) return;
    const f = new Uint32Array(rows * 2 * FP_WORDS);
    f.set(fps);
    fps = f;
    const d = new Float32Array(rows * 2 * DESC);
    d.set(desc);
    desc = d;
    const o = new Uint32Array(rows * 2 + 1);
    o.set(pOffsets);
    pOffsets = o;
    const k = new Uint32Array(rows * 2);
    k.set(keys);
    keys = k;
  };
  const addPattern = (fp: Uint8Array, k: number) => {
    if (pOffsets[k] + fp.length > pfps.length) {
      const b = new Uint8Array(Math.max(pfps.length * 2, pOffsets[k] + fp.length));
      b.set(pfps);
      pfps = b;
    }
    pfps.set(fp, pOffsets[k]);
    pOffsets[k + 1] = pOffsets[k] + fp.length;
  };

  // Batches run in the pool concurrently; results are taken in file order so numbering and duplicates are stable.
  const batchSize = o.batch ?? 200;
  const inFlight: {
    records: RawRecord[];
    done: ReturnType<ChemService["standardize"]>;
    at: [number, number];
  }[] = [];
  const maxInFlight = Math.max(2, (o.chem.stats().size ?? 2) * 2);
  let lastReport = 0;
  const settle = async () => {
    const { records, done, at } = inFlight.shift()!;
    const out = await done;
    [doneRaw, doneBytes] = at;
    records.forEach((r, i) => {
      const row = out.rows[i];
      if (row.error) return reject(r, row.error.code, row.error.message);
      const first = seen.get(row.smiles);
      if (first !== undefined) {
        nDuplicates++;
        if (duplicates.length < REPORT_LIMIT) {
          duplicates.push({ record: r.record, line: r.line, duplicate_of: first, smiles: row.smiles });
        }
        return;
      }
      grow();
      const k = smiles.length;
      seen.set(row.smiles, r.record);
      smiles.push(row.smiles);
      names.push(r.name ?? "");
      recs.push(r.record);
      if (row.changes.length) nStandardized++;
      fps.set(out.fps.subarray(i * FP_WORDS, (i + 1) * FP_WORDS), k * FP_WORDS);
      desc.set(row.descriptors, k * DESC);
      addPattern(out.patternFps.subarray(out.patternOffsets[i], out.patternOffsets[i + 1]), k);
      keys[k] = out.keys[i];
    });
    if (o.onProgress && performance.now() - lastReport > 100) {
      lastReport = performance.now();
      o.onProgress(progress());
    }
  };
  let batch: RawRecord[] = [];
  const send = async () => {
    if (!batch.length) return;
    const records = batch;
    batch = [];
    const done = o.chem.standardize(
      records.map((r) => (r.molblock !== undefined ? { molblock: r.molblock } : { smiles: r.smiles })),
      { signal: o.signal, timeoutMs: 60_000 },
    );
    done.catch(() => {}); // awaited in order by settle()
    inFlight.push({ records, done, at: [raw, bytes] });
    if (inFlight.length >= maxInFlight) await settle();
  };
  try {
    for await (const r of readRecords(chunks(), format)) {
      o.signal?.throwIfAborted();
      nRecords++;
      if (r.error) {
        reject(r, "invalid_record", r.error);
        continue;
      }
      batch.push(r);
      if (batch.length >= batchSize) await send();
    }
    await send();
    while (inFlight.length) await settle();
  } catch (e) {
    reader.cancel().catch(() => {});
    if (o.signal?.aborted) throw new ChemAgentError("cancelled", "The import was cancelled.");
    throw e;
  }
  if (!smiles.length) {
    throw new ChemAgentError(
      "invalid_request",
      nRecords
        ? `None of the ${nRecords} records could be used; the first refusal: record ${rejected[0]?.record} ` +
          `(line ${rejected[0]?.line}): ${rejected[0]?.reason}`
        : `The file holds no ${format.toUpperCase()} records.`,
      { details: { rejected_records: rejected.slice(0, 20) } },
    );
  }
  // Read errors are known at once, RDKit refusals when their batch returns: report them in file order.
  rejected.sort((a, b) => a.record - b.record);
  const ms = Math.round(performance.now() - t0);
  const report: ImportReport = {
    format,
    records: nRecords,
    accepted: smiles.length,
    rejected: nRejected,
    duplicates: nDuplicates,
    standardized: nStandardized,
    bytes,
    ms,
    molecules_per_s: Math.round(nRecords / Math.max(ms / 1000, 0.001)),
    rejected_records: rejected,
    duplicate_records: duplicates,
    truncated: nRejected > rejected.length || nDuplicates > duplicates.length,
  };
  const n = smiles.length;
  const library = new Library(
    {
      id: newLibraryId(),
      name,
      owner: o.viewer.sub ?? null,
      created_at: new Date().toISOString(),
      size: n,
      source_file: o.filename?.slice(0, 200) ?? null,
      report,
    },
    { smiles, names, records: Uint32Array.from(recs) },
    desc.slice(0, n * DESC),
    fps.slice(0, n * FP_WORDS),
    {
      // Shared memory: the chemistry workers read the fingerprints without a copy each.
      fps: shared(pfps.subarray(0, pOffsets[n])),
      offsets: shared(pOffsets.subarray(0, n + 1)),
      keys: keys.slice(0, n),
      keyNames: SUBSTRUCTURE_KEYS,
    },
  );
  // Re-check the name: another upload may have taken it while this one ran.
  if (o.store.byName(name, o.viewer)) {
    throw new ChemAgentError("invalid_parameter", `You already have a library named "${name}".`);
  }
  await o.store.add(library);
  [doneRaw, doneBytes] = [raw, bytes];
  o.onProgress?.(progress());
  return { library, report };
}
