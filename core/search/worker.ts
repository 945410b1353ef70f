/// <reference lib="deno.worker" />
/** @module A search worker: scans its part of the shared fingerprint block; a cancelled job stops within
 * a few thousand rows (it polls the cancel board). */
import { type Block, blockViews, scan, ScanStopped } from "./kernel.ts";
import { CANCEL_SLOTS, type InitMessage, type SearchMessage, type SearchReply } from "./protocol.ts";

let block: Block | null = null;
let cancel: Int32Array | null = null;

self.onmessage = (e: MessageEvent<InitMessage | SearchMessage>) => {
  const msg = e.data;
  if (msg.op === "init") {
    block = blockViews(msg.buffer, msg.n);
    cancel = new Int32Array(msg.cancel);
    return;
  }
  const { id } = msg;
  const board = cancel!;
  let reply: SearchReply;
  try {
    const r = scan(block!, msg, () => Atomics.load(board, id % CANCEL_SLOTS) === id);
    reply = { id, ok: true, rows: r.rows, sims: r.sims };
  } catch (err) {
    reply = { id, ok: false, stopped: err instanceof ScanStopped, message: String(err) };
  }
  self.postMessage(
    reply,
    reply.ok ? [reply.rows.buffer as ArrayBuffer, reply.sims.buffer as ArrayBuffer] : [],
  );
};
