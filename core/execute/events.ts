/** @module QueryEvent emission with gap-free sequence numbers (DESIGN.md §5). */
// A leaf: it imports only the shared contracts, so any stage or observer may use it without a cycle.
import type { EventListener, EventType, QueryEvent } from "../types.ts";

export type { EventListener };

/** Emits events of one query; progress never goes backwards. */
export class EventStream {
  #seq = 0;
  #progress = 0;
  #accepted?: QueryEvent;
  constructor(readonly queryId: string, private readonly listener?: EventListener) {}

  emit(type: EventType, data: Record<string, unknown> = {}, progress?: number): QueryEvent {
    this.#seq++;
    if (progress !== undefined) this.#progress = Math.max(this.#progress, Math.min(1, progress));
    const event: QueryEvent = {
      type,
      query_id: this.queryId,
      seq: this.#seq,
      event_id: `${this.queryId}:${this.#seq}`,
      data,
      progress: Math.round(this.#progress * 1000) / 1000,
      timestamp: isoNow(),
    };
    if (type === "accepted") this.#accepted ??= event;
    try {
      this.listener?.(event, this.#accepted);
    } catch {
      // A failing consumer must not break the query; transports handle their own errors.
    }
    return event;
  }

  get seq(): number {
    return this.#seq;
  }
}

// A random per-process prefix plus a counter: unique across instances, and cheap on the hot path.
const PROCESS_TAG = Array.from(crypto.getRandomValues(new Uint8Array(5)), (b) => (b % 36).toString(36)).join(
  "",
);
let counter = 0;

/** Short unique ids: q_… for queries, s_… for sessions. */
export function newId(prefix: string): string {
  return `${prefix}_${PROCESS_TAG}${(++counter).toString(36).padStart(6, "0")}`;
}

let lastMs = 0;
let lastIso = "";
/** ISO timestamp, formatted at most once per millisecond. */
export function isoNow(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}
