/** @module One WebSocket connection: its rooms and per-query delivery position, its timers, and what goes out
 * on it (backpressure: a client that does not read is dropped before it costs unbounded memory). */
import { isoNow, newId, type QueryEvent } from "../../core/mod.ts";
import type { Principal } from "./auth.ts";
import { Bucket, type HubLimits } from "./limits.ts";
import { CLOSE } from "./protocol.ts";

export type HubMetric = "connections" | "messages_in" | "messages_out" | "dropped";
export type OnHubMetric = (name: HubMetric, delta: number) => void;

export class Connection {
  readonly id = newId("c");
  readonly rooms = new Set<string>();
  readonly lastSeq = new Map<string, number>();
  readonly bucket: Bucket;
  strikes = 0;
  closing = false;
  principal?: Principal;
  queries = 0;
  #timers: ReturnType<typeof setTimeout>[] = [];
  constructor(
    readonly ws: WebSocket,
    private readonly limits: HubLimits,
    private readonly onMetric?: OnHubMetric,
  ) {
    this.bucket = new Bucket(limits.msgsPerSec, limits.burst);
  }
  timer(fn: () => void, ms: number) {
    this.#timers.push(setTimeout(fn, ms));
  }
  clearTimers() {
    for (const t of this.#timers) clearTimeout(t);
  }
  get open() {
    return this.ws.readyState === WebSocket.OPEN && !this.closing;
  }
  /** Closes after the frames already in flight are read, so the client sees a clean close with our code. */
  closeSoon(code: number, reason: string) {
    if (this.closing) return;
    this.closing = true;
    setTimeout(() => {
      try {
        this.ws.close(code, reason);
      } catch { /* already closed */ }
    }, 50);
  }

  send(ev: QueryEvent) {
    if (!this.open) return;
    if ((this.ws as WebSocket & { bufferedAmount: number }).bufferedAmount > this.limits.maxBufferedBytes) {
      this.onMetric?.("dropped", 1);
      this.closeSoon(CLOSE.slowConsumer, "slow consumer: reconnect and replay");
      return;
    }
    this.ws.send(JSON.stringify(ev));
    this.onMetric?.("messages_out", 1);
  }

  /** A connection-level answer (errors, pong, refusals before a query exists): same envelope, seq 0. */
  notice(type: string, data: Record<string, unknown>, queryId = "") {
    this.send({
      type: type as QueryEvent["type"],
      query_id: queryId,
      seq: 0,
      event_id: "",
      data,
      progress: 0,
      timestamp: isoNow(),
    });
  }

  /** An error notice `{error: {code, message}}`, with extra fields (the client's query id, drain flag). */
  fail(code: string, message: string, queryId = "", extra: Record<string, unknown> = {}) {
    this.notice("error", { error: { code, message }, ...extra }, queryId);
  }

  /** Queries being replayed from the log: live events that run ahead of it wait here (by seq). */
  readonly #held = new Map<string, Map<number, QueryEvent>>();

  /** Delivers a query event once (duplicates from log + live are dropped by seq). While a query is replayed,
   * an event past a gap is held until the log fills the gap (or the replay ends), so none is skipped. */
  deliver(ev: QueryEvent) {
    const last = this.lastSeq.get(ev.query_id) ?? 0;
    if (ev.seq <= last) return;
    const held = this.#held.get(ev.query_id);
    if (held && ev.seq > last + 1) {
      held.set(ev.seq, ev);
      return;
    }
    this.lastSeq.set(ev.query_id, ev.seq);
    this.send(ev);
    if (held) this.#flush(ev.query_id, held, false);
  }

  /** Starts holding live events of `queryId` that run ahead of the log (see `deliver`). */
  holdGaps(queryId: string) {
    if (!this.#held.has(queryId)) this.#held.set(queryId, new Map());
  }

  /** Ends a replay: what is still held goes out in seq order. */
  releaseGaps(queryId: string) {
    const held = this.#held.get(queryId);
    this.#held.delete(queryId);
    if (held) this.#flush(queryId, held, true);
  }

  #flush(queryId: string, held: Map<number, QueryEvent>, all: boolean) {
    for (const seq of [...held.keys()].sort((a, b) => a - b)) {
      const last = this.lastSeq.get(queryId) ?? 0;
      if (seq <= last) {
        held.delete(seq);
        continue;
      }
      if (!all && seq > last + 1) return;
      const ev = held.get(seq)!;
      held.delete(seq);
      this.lastSeq.set(queryId, seq);
      this.send(ev);
    }
  }
}
