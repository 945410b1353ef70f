/** @module QueryEvent emission with gap-free sequence numbers (DESIGN.md §5). */
import type { EventType, QueryEvent } from "../types.ts";

export type EventListener = (event: QueryEvent) => void;

/** Emits events of one query; progress never goes backwards. */
export class EventStream {
  #seq = 0;
  #progress = 0;
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
      timestamp: new Date().toISOString(),
    };
    try {
      this.listener?.(event);
    } catch {
      // A failing consumer must not break the query; transports handle their own errors.
    }
    return event;
  }

  get seq(): number {
    return this.#seq;
  }
}

/** Short random ids: q_… for queries, s_… for sessions. */
export function newId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return prefix + "_" +
    btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, (c) => (c === "+" ? "A" : c === "/" ? "B" : ""))
      .slice(0, 12);
}
