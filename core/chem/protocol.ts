/** @module Messages between the chemistry pool and its workers. */
import type { ErrorBody } from "../errors.ts";

export interface WorkerRequest {
  id: number;
  op: string;
  args: unknown;
}

export type WorkerReply =
  | { ready: true; version: string; id?: undefined }
  | { id: number; ok: true; value: unknown; ready?: undefined }
  | { id: number; ok: false; error: ErrorBody; fatal?: boolean; ready?: undefined };

/** What the parser learns about one SMILES-looking token of a question. */
export interface TokenVerdict {
  valid: boolean;
  canonical?: string;
  inchikey?: string;
  error?: ErrorBody;
  /** Parses as a SMARTS/SMILES query (usable for substructure search). */
  smarts: boolean;
}
