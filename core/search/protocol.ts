/** @module Messages between a FingerprintIndex and its search workers. */

/** First message: the shared block and the cancel board (one Int32 slot per job id modulo its length). */
export interface InitMessage {
  op: "init";
  buffer: SharedArrayBuffer;
  n: number;
  cancel: SharedArrayBuffer;
}

export interface SearchMessage {
  op: "search";
  id: number;
  query: Uint32Array;
  t: number;
  k: number;
  part: number;
  parts: number;
}

export type SearchReply =
  | { id: number; ok: true; rows: Uint32Array; sims: Float64Array }
  | { id: number; ok: false; stopped: boolean; message: string };

/** Slots of the cancel board: job ids are written at id % CANCEL_SLOTS. */
export const CANCEL_SLOTS = 256;
