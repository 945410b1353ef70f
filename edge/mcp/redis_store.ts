/**
 * @module MCP state shared through Redis, so replicas behind a load balancer without affinity serve one session:
 * the event store for resumability (a Redis Stream per SSE stream: a client may resume on any replica) and
 * session ownership (which `sub` opened a session id: any replica can take the session's next request and
 * refuse a foreign caller). Keys live under `<prefix>mcp:` and expire when unused.
 */
import type { Redis } from "ioredis";
import type { EventId, EventStore, JSONRPCMessage, StreamId } from "./sdk.ts";
import { MemoryEventStore } from "./event_store.ts";

export interface RedisMcpOptions {
  /** Key prefix (several deployments, or tests, on one Redis). */
  prefix?: string;
  /** Events kept per stream (approximate trim). */
  perStream?: number;
  /** Seconds an unused stream or session is kept. */
  ttlSeconds?: number;
}

/**
 * Event ids are `<stream>_<redis entry id>`; stream ids are the SDK's (UUIDs, `_GET_stream`). While Redis is
 * unreachable events go to an in-process store (ids `<stream>_<n>`): the answer still reaches its live stream and
 * stays resumable on this replica, instead of a failed write losing the answer.
 */
export class RedisEventStore implements EventStore {
  readonly #key: (stream: string) => string;
  readonly #perStream: number;
  readonly #ttl: number;
  readonly #local = new MemoryEventStore();

  constructor(private readonly client: Redis, o: RedisMcpOptions = {}) {
    const prefix = `${o.prefix ?? "chemagent:"}mcp:ev:`;
    this.#key = (stream) => prefix + stream;
    this.#perStream = o.perStream ?? 1_000;
    this.#ttl = o.ttlSeconds ?? 15 * 60;
  }

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const k = this.#key(streamId);
    try {
      const res = await this.client.multi()
        .xadd(k, "MAXLEN", "~", this.#perStream, "*", "m", JSON.stringify(message))
        .expire(k, this.#ttl)
        .exec();
      const [err, id] = res?.[0] ?? [new Error("no reply")];
      if (err) throw err;
      return `${streamId}_${id}`;
    } catch {
      return await this.#local.storeEvent(streamId, message);
    }
  }

  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    const parsed = parse(eventId);
    if (!parsed) return await this.#local.getStreamIdForEventId(eventId);
    const found = await this.client.exists(this.#key(parsed.stream)).catch(() => 0);
    return found ? parsed.stream : undefined;
  }

  async replayEventsAfter(
    lastEventId: EventId,
    { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    const parsed = parse(lastEventId);
    if (!parsed) return await this.#local.replayEventsAfter(lastEventId, { send });
    const rows = await this.client.xrange(this.#key(parsed.stream), `(${parsed.entry}`, "+");
    for (const [entry, fields] of rows) {
      const message = JSON.parse(fields[1]) as JSONRPCMessage;
      // The priming event is stored as `{}`: nothing to replay.
      if (Object.keys(message).length) await send(`${parsed.stream}_${entry}`, message);
    }
    return parsed.stream;
  }
}

function parse(eventId: string): { stream: string; entry: string } | undefined {
  const i = eventId.lastIndexOf("_");
  const entry = eventId.slice(i + 1);
  return i > 0 && /^\d+-\d+$/.test(entry) ? { stream: eventId.slice(0, i), entry } : undefined;
}

/** Who opened each session (`sub`, or "" for an anonymous caller). */
export class RedisSessionOwners {
  readonly #prefix: string;
  readonly #ttl: number;

  constructor(private readonly client: Redis, o: RedisMcpOptions = {}) {
    this.#prefix = `${o.prefix ?? "chemagent:"}mcp:session:`;
    this.#ttl = o.ttlSeconds ?? 30 * 60;
  }

  async claim(id: string, sub: string | undefined): Promise<void> {
    await this.client.set(this.#prefix + id, sub ?? "", "EX", this.#ttl);
  }

  /** The owner (`""` = anonymous), or undefined when no replica knows the session. */
  async owner(id: string): Promise<string | undefined> {
    return (await this.client.get(this.#prefix + id)) ?? undefined;
  }

  async touch(id: string): Promise<void> {
    await this.client.expire(this.#prefix + id, this.#ttl);
  }

  async drop(id: string): Promise<void> {
    await this.client.del(this.#prefix + id);
  }
}
