/**
 * @module In-process event store for Streamable HTTP resumability: every SSE message gets an id
 * (`<stream>_<n>`); a client that reconnects with Last-Event-ID receives what it missed on that stream.
 * Bounded: at most `perStream` events per stream, and streams unused for `ttlMs` are forgotten.
 */
import type { EventId, EventStore, StreamId } from "./sdk.ts";
import type { JSONRPCMessage } from "./sdk.ts";
import { LRUCache } from "lru-cache";

interface Stream {
  next: number;
  events: { n: number; message: JSONRPCMessage }[];
}

export class MemoryEventStore implements EventStore {
  readonly #streams: LRUCache<StreamId, Stream>;
  readonly #perStream: number;

  constructor({ maxStreams = 10_000, perStream = 1_000, ttlMs = 15 * 60_000 } = {}) {
    this.#streams = new LRUCache({ max: maxStreams, ttl: ttlMs, updateAgeOnGet: true });
    this.#perStream = perStream;
  }

  storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    let s = this.#streams.get(streamId);
    if (!s) this.#streams.set(streamId, s = { next: 1, events: [] });
    const n = s.next++;
    s.events.push({ n, message });
    if (s.events.length > this.#perStream) s.events.shift();
    return Promise.resolve(`${streamId}_${n}`);
  }

  getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    const parsed = parse(eventId);
    return Promise.resolve(parsed && this.#streams.has(parsed.stream) ? parsed.stream : undefined);
  }

  async replayEventsAfter(
    lastEventId: EventId,
    { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    const parsed = parse(lastEventId);
    const s = parsed && this.#streams.get(parsed.stream);
    if (!parsed || !s) return "";
    for (const e of s.events.filter((e) => e.n > parsed.n)) await send(`${parsed.stream}_${e.n}`, e.message);
    return parsed.stream;
  }
}

function parse(eventId: string): { stream: string; n: number } | undefined {
  const i = eventId.lastIndexOf("_");
  const n = Number(eventId.slice(i + 1));
  return i > 0 && Number.isInteger(n) ? { stream: eventId.slice(0, i), n } : undefined;
}
