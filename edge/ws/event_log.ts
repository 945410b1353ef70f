/** @module Every query's event log, for replay and recovery: in-memory ring (default) or Redis Streams
 * (shared by all instances). Bounded: a number of queries in memory, MAXLEN + TTL in Redis. */
import {
  type Durable,
  durableOf,
  type QueryEvent,
  type RedisClient,
  type RedisProvider,
} from "../../core/mod.ts";

export interface EventLog {
  append(ev: QueryEvent): Promise<void>;
  /** Events of a query with seq > afterSeq, in order. */
  since(queryId: string, afterSeq: number): Promise<QueryEvent[]>;
}

const TERMINAL = new Set(["result", "error", "cancelled"]);
export const isTerminal = (ev: QueryEvent) => TERMINAL.has(ev.type) || (ev.type === "clarification_needed");

export class MemoryEventLog implements EventLog {
  readonly #logs = new Map<string, QueryEvent[]>();
  constructor(private readonly maxQueries = 2000, private readonly maxEventsPerQuery = 1000) {}

  append(ev: QueryEvent): Promise<void> {
    let list = this.#logs.get(ev.query_id);
    if (!list) {
      if (this.#logs.size >= this.maxQueries) this.#logs.delete(this.#logs.keys().next().value!);
      this.#logs.set(ev.query_id, list = []);
    }
    if (list.length < this.maxEventsPerQuery) list.push(ev);
    return Promise.resolve();
  }

  since(queryId: string, afterSeq: number): Promise<QueryEvent[]> {
    return Promise.resolve((this.#logs.get(queryId) ?? []).filter((e) => e.seq > afterSeq));
  }
}

/**
 * Redis Streams, one stream per query (`chemagent:events:{<query id>}`: one key, one slot). Appends are sent at
 * once (in order on the connection), retried through a failover and acknowledged by a replica (`WAIT`) when the
 * provider is given. A retry may store an event twice or after a later one: reads order by seq and keep one
 * copy of each, so readers see every event exactly once, in order.
 */
export class RedisEventLog implements EventLog {
  readonly #d: Durable;
  /** Appends of each query still in flight on this instance (a read waits for them). */
  readonly #pending = new Map<string, Set<Promise<void>>>();
  constructor(
    redis: RedisClient | RedisProvider,
    private readonly ttlSeconds = 3600,
    private readonly maxLen = 1000,
  ) {
    this.#d = durableOf(redis);
  }
  #key = (q: string) => `chemagent:events:{${q}}`;

  append(ev: QueryEvent): Promise<void> {
    const q = ev.query_id;
    const k = this.#key(q);
    const write = this.#d.write(
      k,
      (p) => p.xadd(k, "MAXLEN", "~", this.maxLen, "*", "e", JSON.stringify(ev)).expire(k, this.ttlSeconds),
    ).then(() => {});
    let set = this.#pending.get(q);
    if (!set) this.#pending.set(q, set = new Set());
    set.add(write);
    void write.catch(() => {}).finally(() => {
      set.delete(write);
      if (!set.size && this.#pending.get(q) === set) this.#pending.delete(q);
    });
    return write;
  }

  async since(queryId: string, afterSeq: number): Promise<QueryEvent[]> {
    // Appends this instance has not finished yet are part of the log: wait for them.
    await Promise.allSettled([...this.#pending.get(queryId) ?? []]);
    const rows = await this.#d.retry(() => this.#d.client.xrange(this.#key(queryId), "-", "+"));
    const bySeq = new Map<number, QueryEvent>();
    for (const [, fields] of rows) {
      const ev = JSON.parse(fields[1]) as QueryEvent;
      if (ev.seq > afterSeq && !bySeq.has(ev.seq)) bySeq.set(ev.seq, ev);
    }
    return [...bySeq.values()].sort((x, y) => x.seq - y.seq);
  }
}
