/**
 * @module Streaming readers for uploaded compound files: SDF (molfile records separated by `$$$$`), SMILES
 * (one structure per line, optional name) and CSV/TSV with a SMILES column. Text arrives in chunks and records
 * leave one by one, numbered (1-based record number and the line it starts on), so a broken record is reported
 * where the user can find it and never stops the rest. Nothing here runs chemistry.
 */
import { ChemAgentError } from "../../errors.ts";

export type LibraryFormat = "sdf" | "smiles" | "csv";
export const LIBRARY_FORMATS: readonly LibraryFormat[] = ["sdf", "smiles", "csv"];

/** Longest single record accepted (characters); a longer one is refused alone, the reader moves on. */
export const MAX_RECORD_CHARS = 1_000_000;

/** One record as read: its structure (SMILES or molfile), a name when the file gives one, or why it is unusable. */
export interface RawRecord {
  record: number;
  line: number;
  name?: string;
  smiles?: string;
  molblock?: string;
  /** Set when the record is unusable before any chemistry (no structure, too long, malformed row). */
  error?: string;
}

/** The format from a file name (`.sdf`, `.sd`, `.mol`, `.smi`, `.smiles`, `.csv`, `.tsv`, optionally `.gz`). */
export function formatFromName(filename: string | undefined): LibraryFormat | undefined {
  const f = (filename ?? "").toLowerCase().replace(/\.gz$/, "");
  if (/\.(sdf|sd|mol|sdfile)$/.test(f)) return "sdf";
  if (/\.(smi|smiles|ism|txt)$/.test(f)) return "smiles";
  if (/\.(csv|tsv)$/.test(f)) return "csv";
  return undefined;
}

/** Guesses the format from the first lines: a molfile counts line or `$$$$` → SDF, a header naming a SMILES
 * column with a delimiter → CSV, else SMILES. */
export function sniffFormat(head: string): LibraryFormat {
  const lines = head.split(/\r?\n/).slice(0, 8);
  if (lines.some((l) => /V[23]000\s*$/.test(l) || l.trim() === "$$$$" || l.startsWith("M  END"))) {
    return "sdf";
  }
  const first = lines.find((l) => l.trim()) ?? "";
  if (/[,;\t]/.test(first) && /(^|[,;\t"])\s*"?[\w ]*smiles"?\s*($|[,;\t"])/i.test(first)) return "csv";
  return "smiles";
}

/** Splits a text stream into lines (any line ending), numbering from 1. */
async function* lines(chunks: AsyncIterable<string>): AsyncGenerator<{ text: string; n: number }> {
  let rest = "";
  let n = 0;
  for await (const chunk of chunks) {
    rest += chunk;
    let start = 0;
    for (let i = rest.indexOf("\n"); i >= 0; i = rest.indexOf("\n", start)) {
      const end = i > start && rest.charCodeAt(i - 1) === 13 ? i - 1 : i;
      yield { text: rest.slice(start, end), n: ++n };
      start = i + 1;
    }
    rest = rest.slice(start);
    if (rest.length > MAX_RECORD_CHARS * 2) {
      // A "line" longer than any record: cut it so memory stays bounded; the record is refused as too long.
      yield { text: rest, n: ++n };
      rest = "";
    }
  }
  if (rest) yield { text: rest.replace(/\r$/, ""), n: ++n };
}

/** Reads records of `format` from text chunks. */
export function readRecords(chunks: AsyncIterable<string>, format: LibraryFormat): AsyncGenerator<RawRecord> {
  switch (format) {
    case "sdf":
      return readSdf(chunks);
    case "csv":
      return readCsv(chunks);
    case "smiles":
      return readSmiles(chunks);
  }
}

/** Name-like SDF data fields, in order of preference. */
const NAME_FIELDS = ["name", "id", "compound_id", "compound id", "idnumber", "catalog_id", "title"];

async function* readSdf(chunks: AsyncIterable<string>): AsyncGenerator<RawRecord> {
  let record = 0;
  let buf: string[] = [];
  let size = 0;
  let startLine = 1;
  let tooLong = false;
  const finish = (): RawRecord | null => {
    const body = buf;
    buf = [];
    const wasTooLong = tooLong;
    tooLong = false;
    size = 0;
    if (!wasTooLong && body.every((l) => !l.trim())) return null;
    record++;
    if (wasTooLong) {
      return { record, line: startLine, error: `record is longer than ${MAX_RECORD_CHARS} characters` };
    }
    const end = body.findIndex((l) => l.startsWith("M  END"));
    if (end < 0) return { record, line: startLine, error: "no molfile (M  END line missing)" };
    const molblock = body.slice(0, end + 1).join("\n");
    const fields = new Map<string, string>();
    for (let i = end + 1; i < body.length; i++) {
      const m = /^>.*<([^>]+)>/.exec(body[i]);
      if (m && i + 1 < body.length) fields.set(m[1].trim().toLowerCase(), body[i + 1].trim());
    }
    const title = body[0]?.trim();
    const name = NAME_FIELDS.map((f) => fields.get(f)).find(Boolean) || title || undefined;
    return { record, line: startLine, molblock, ...(name ? { name: name.slice(0, 200) } : {}) };
  };
  for await (const { text, n } of lines(chunks)) {
    if (!buf.length && !tooLong) startLine = n;
    if (text.startsWith("$$$$")) {
      const r = finish();
      if (r) yield r;
      continue;
    }
    if (tooLong) continue;
    size += text.length + 1;
    if (size > MAX_RECORD_CHARS) {
      tooLong = true;
      buf = [];
      continue;
    }
    buf.push(text);
  }
  const last = finish();
  if (last) yield last;
}

async function* readSmiles(chunks: AsyncIterable<string>): AsyncGenerator<RawRecord> {
  let record = 0;
  let first = true;
  for await (const { text, n } of lines(chunks)) {
    const t = text.trim();
    if (!t || t.startsWith("#")) continue;
    const [smiles, ...rest] = t.split(/\s+/);
    // A header line ("SMILES Name") is not a record.
    if (first && /^smiles$/i.test(smiles)) {
      first = false;
      continue;
    }
    first = false;
    record++;
    if (t.length > MAX_RECORD_CHARS) {
      yield { record, line: n, error: `record is longer than ${MAX_RECORD_CHARS} characters` };
      continue;
    }
    const name = rest.join(" ").slice(0, 200);
    yield { record, line: n, smiles, ...(name ? { name } : {}) };
  }
}

/** One CSV row split on `delim`, honouring double quotes ("" inside quotes is a quote). */
export function splitRow(row: string, delim: string): string[] {
  const out: string[] = [];
  let cur = "", quoted = false;
  for (let i = 0; i < row.length; i++) {
    const ch = row[i];
    if (quoted) {
      if (ch === '"' && row[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delim) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

const SMILES_COLUMNS = ["smiles", "canonical_smiles", "smiles_string", "structure", "mol_smiles"];
const NAME_COLUMNS = [
  "name",
  "id",
  "compound_id",
  "compound",
  "title",
  "molecule",
  "chembl_id",
  "identifier",
];

async function* readCsv(chunks: AsyncIterable<string>): AsyncGenerator<RawRecord> {
  let header: string[] | null = null;
  let delim = ",";
  let smilesCol = -1, nameCol = -1;
  let record = 0;
  for await (const { text, n } of lines(chunks)) {
    if (!text.trim()) continue;
    if (!header) {
      delim = text.includes("\t") ? "\t" : !text.includes(",") && text.includes(";") ? ";" : ",";
      header = splitRow(text, delim).map((h) => h.toLowerCase());
      smilesCol = SMILES_COLUMNS.map((c) => header!.indexOf(c)).find((i) => i >= 0) ??
        header.findIndex((h) => h.includes("smiles"));
      if (smilesCol < 0) {
        throw new ChemAgentError(
          "invalid_request",
          `The CSV header (line ${n}) has no SMILES column; name one "smiles".`,
          { details: { header: header.slice(0, 50) } },
        );
      }
      nameCol = NAME_COLUMNS.map((c) => header!.indexOf(c)).find((i) => i >= 0) ?? -1;
      continue;
    }
    record++;
    if (text.length > MAX_RECORD_CHARS) {
      yield { record, line: n, error: `record is longer than ${MAX_RECORD_CHARS} characters` };
      continue;
    }
    const cells = splitRow(text, delim);
    const smiles = cells[smilesCol];
    if (!smiles) {
      yield { record, line: n, error: "the SMILES cell is empty" };
      continue;
    }
    const name = nameCol >= 0 ? cells[nameCol]?.slice(0, 200) : undefined;
    yield { record, line: n, smiles, ...(name ? { name } : {}) };
  }
}
