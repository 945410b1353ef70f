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

  /** Delivers a query event once (duplicates from log + live are dropped by seq). */
  deliver(ev: QueryEvent) {
    const last = this.lastSeq.get(ev.query_id) ?? 0;
    if (ev.seq <= last) return;
    this.lastSeq.set(ev.query_id, ev.seq);
    this.send(ev);
  }
}
