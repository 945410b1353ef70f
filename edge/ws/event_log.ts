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

// KEYS: the query's stream. ARGV: maxlen, entry id (from the event's seq), event JSON, ttl s. An id already in
// the stream (a retry after a lost reply) is a no-op: each event is stored once.
const APPEND = `
local ok = redis.pcall('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], ARGV[2], 'e', ARGV[3])
if type(ok) == 'table' and ok.err then
  if string.find(ok.err, 'equal or smaller', 1, true) then return 0 end
  return ok
end
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1`;

/**
 * Redis Streams, one stream per query (`chemagent:events:{<query id>}`: one key, one slot). Appends of a query
 * are written in order, one at a time, retried through a failover and acknowledged by a replica (`WAIT`) when
 * the provider is given; the entry id is the event's seq, so a retried append is stored once.
 */
export class RedisEventLog implements EventLog {
  readonly #d: Durable;
  /** Per query: the tail of its append chain (cleared once written). */
  readonly #tails = new Map<string, Promise<void>>();
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
    const write = () =>
      this.#d.write((p) =>
        p.eval(
          APPEND,
          1,
          this.#key(q),
          this.maxLen,
          `${ev.seq + 1}-0`,
          JSON.stringify(ev),
          this.ttlSeconds,
        )
      ).then(() => {});
    const tail = (this.#tails.get(q) ?? Promise.resolve()).catch(() => {}).then(write);
    this.#tails.set(q, tail);
    void tail.catch(() => {}).finally(() => this.#tails.get(q) === tail && this.#tails.delete(q));
    return tail;
  }

  async since(queryId: string, afterSeq: number): Promise<QueryEvent[]> {
    // Appends this instance has not finished yet are part of the log: wait for them.
    await this.#tails.get(queryId)?.catch(() => {});
    const rows = await this.#d.retry(() => this.#d.client.xrange(this.#key(queryId), "-", "+"));
    return rows.map(([, fields]) => JSON.parse(fields[1]) as QueryEvent).filter((e) => e.seq > afterSeq);
  }
}
