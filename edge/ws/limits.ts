/** @module WebSocket limits: message rates per connection and per user (token buckets), the concurrency cap,
 * slow-consumer buffer and strike count, with their defaults. */

export interface HubLimits {
  msgsPerSec: number;
  burst: number;
  userMsgsPerSec: number;
  userBurst: number;
  maxConcurrentQueries: number;
  /** Bytes queued to a client before it is dropped as a slow consumer. */
  maxBufferedBytes: number;
  /** Rate-limit violations tolerated before the connection is closed. */
  maxStrikes: number;
  /** Time an unauthenticated connection has to send {action:"auth"}. */
  authTimeoutMs: number;
}

export const DEFAULT_LIMITS: HubLimits = {
  msgsPerSec: 20,
  burst: 40,
  userMsgsPerSec: 50,
  userBurst: 100,
  maxConcurrentQueries: 4,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxStrikes: 20,
  authTimeoutMs: 5000,
};

export class Bucket {
  #tokens: number;
  #last = performance.now();
  constructor(private readonly rate: number, private readonly burst: number) {
    this.#tokens = burst;
  }
  /** 0 when a message may go now (and spends a token), else the wait in ms until one may. */
  take(): number {
    const now = performance.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.rate);
    this.#last = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) / this.rate) * 1000);
  }
}

/** The per-user buckets (keyed by token subject, else by connection), shared by all of a user's connections. */
export class UserBuckets {
  readonly #users = new Map<string, Bucket>();
  constructor(private readonly limits: HubLimits) {}

  /** The wait before a message from this connection may be handled: its own bucket and its user's. */
  wait(conn: { id: string; bucket: Bucket; principal?: { sub: string } }): number {
    const key = conn.principal?.sub ?? conn.id;
    let b = this.#users.get(key);
    if (!b) {
      if (this.#users.size > 10_000) this.#users.clear();
      this.#users.set(key, b = new Bucket(this.limits.userMsgsPerSec, this.limits.userBurst));
    }
    return Math.max(conn.bucket.take(), b.take());
  }
}
