/** @module Every query's event log, for replay and recovery: in-memory ring (default) or Redis Streams
 * (shared by all instances). Bounded: a number of queries in memory, MAXLEN + TTL in Redis. */
import type { Redis } from "ioredis";
import type { QueryEvent } from "../../core/mod.ts";

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

export class RedisEventLog implements EventLog {
  constructor(
    private readonly client: Redis,
    private readonly ttlSeconds = 3600,
    private readonly maxLen = 1000,
  ) {}
  #key = (q: string) => `chemagent:events:${q}`;

  async append(ev: QueryEvent): Promise<void> {
    const k = this.#key(ev.query_id);
    await this.client.multi().xadd(k, "MAXLEN", "~", this.maxLen, "*", "e", JSON.stringify(ev)).expire(
      k,
      this.ttlSeconds,
    ).exec();
  }

  async since(queryId: string, afterSeq: number): Promise<QueryEvent[]> {
    const rows = await this.client.xrange(this.#key(queryId), "-", "+");
    return rows.map(([, fields]) => JSON.parse(fields[1]) as QueryEvent).filter((e) => e.seq > afterSeq);
  }
}
