/**
 * @module The one Redis provider: every Redis-backed feature (cache, sessions, rooms, event log, rate limits,
 * metrics rollups) gets its connections here, configured once for one topology — a URL, Sentinel or Cluster —
 * with the same TLS, credentials and timeouts. It also owns what a failover needs: bounded retries of
 * idempotent writes, `WAIT` for replica acknowledgement, one log line per incident, and a status for /ready
 * and /metrics.
 */
import { Cluster, Redis, type RedisOptions } from "ioredis";
import calculateSlotUntyped from "cluster-key-slot";

const calculateSlot = calculateSlotUntyped as unknown as (key: string) => number;

export type RedisClient = Redis | Cluster;
export type RedisTopology = "standalone" | "sentinel" | "cluster";

export interface RedisSettings {
  /** `redis://` or `rediss://` (TLS) URL of one server. */
  url?: string;
  /** Sentinel: "host:port,host:port" and the primary's name. */
  sentinels?: string;
  sentinelName?: string;
  /** Cluster seed nodes: "host:port,host:port". */
  clusterNodes?: string;
  username?: string;
  password?: string;
  /** TLS to every node (a `rediss://` URL turns it on too); `tlsCa` is a PEM bundle. */
  tls?: boolean;
  tlsCa?: string;
  connectTimeoutMs?: number;
  /** Deadline of one command on the queueing (durable) connections. */
  commandTimeoutMs?: number;
  /** How long a durable operation is retried through a failover before it fails. */
  retryDeadlineMs?: number;
  /** Replicas that must acknowledge a durable write (`WAIT n ms`); 0 turns WAIT off. */
  waitReplicas?: number;
  waitTimeoutMs?: number;
}

export interface ConnectionProfile {
  /** Queue commands while (re)connecting: durable writes ride through a failover; the cache must not. */
  queue: boolean;
  /** Per-command deadline in ms. */
  timeoutMs: number;
}

export interface RedisStatus {
  topology: RedisTopology;
  state: "ok" | "degraded";
  /** Incidents (connection lost) since start, and how many ended. */
  incidents: number;
  recoveries: number;
  /** Duration of the last incident, first error → first success (ms). */
  last_recovery_ms?: number;
  /** Current incident's start (ISO time) and first error. */
  down_since?: string;
  error?: string;
  /** Where writes go now: the primary's address (standalone/Sentinel) or the primaries (Cluster). */
  primaries: string[];
  /** Primary changes seen (Sentinel failovers, Cluster promotions). */
  failovers: number;
  replicas: number;
  retries: number;
  wait_timeouts: number;
  connections: number;
}

export type RedisLog = (level: "warn" | "info", msg: string, fields?: Record<string, unknown>) => void;

// Errors a failover produces; a command that failed with one of these is safe to retry when it is idempotent.
const TRANSIENT =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|Connection is closed|Stream isn't writeable|timed out|READONLY|LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|MOVED|ASK|Failed to refresh slots|None of startup nodes|All sentinels are unreachable|max retries|Too many Cluster redirections|NOREPLICAS|UNBLOCKED|NOSCRIPT|enableOfflineQueue/i;

export const isTransient = (err: unknown) => TRANSIENT.test(String((err as Error)?.message ?? err));

const hostPorts = (list: string, defaultPort: number) =>
  list.split(",").map((s) => s.trim()).filter(Boolean).map((hp) => {
    const i = hp.lastIndexOf(":");
    return i > 0 ? { host: hp.slice(0, i), port: Number(hp.slice(i + 1)) } : { host: hp, port: defaultPort };
  });

/** A pipeline as the provider builds it (both ioredis clients have the same one). */
export type RedisPipeline = ReturnType<Redis["pipeline"]>;

/** Every key matching `pattern`, in batches: SCAN on each primary of a cluster (a SCAN sees one node). */
export async function scanKeys(
  client: RedisClient,
  pattern: string,
  each: (keys: string[]) => Promise<void> | void,
): Promise<void> {
  const nodes = client instanceof Cluster ? client.nodes("master") : [client];
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      if (keys.length) await each(keys);
    } while (cursor !== "0");
  }
}

/** Deletes keys that may live in different slots: one DEL per key on a cluster (no cross-slot command). */
export async function delKeys(client: RedisClient, keys: string[]): Promise<number> {
  if (!keys.length) return 0;
  if (!(client instanceof Cluster)) return await client.del(...keys);
  const n = await Promise.all(keys.map((k) => client.del(k)));
  return n.reduce((a, b) => a + b, 0);
}

export const isCluster = (c: RedisClient): c is Cluster => c instanceof Cluster;

export class RedisProvider {
  readonly topology: RedisTopology;
  readonly #s: RedisSettings;
  readonly #log: RedisLog;
  readonly #clients = new Map<string, RedisClient>();
  readonly #all: RedisClient[] = [];
  #downSince?: number;
  #error?: string;
  #incidents = 0;
  #recoveries = 0;
  #lastRecoveryMs?: number;
  #primaries: string[] = [];
  #failovers = 0;
  /** Replicas following the primary (standalone/Sentinel) or all replicas (Cluster); undefined until known. */
  #replicas?: number;
  #retries = 0;
  #waitTimeouts = 0;
  #timer?: ReturnType<typeof setInterval>;
  #closed = false;

  constructor(settings: RedisSettings, log: RedisLog = () => {}) {
    this.#s = settings;
    this.#log = log;
    this.topology = settings.clusterNodes ? "cluster" : settings.sentinels ? "sentinel" : "standalone";
    // Replica count and primary address, for WAIT and failover detection (cheap: one INFO every 5 s).
    this.#timer = setInterval(() => void this.refresh(), 5000);
    Deno.unrefTimer(this.#timer);
  }

  get waitReplicas(): number {
    return this.#s.waitReplicas ?? 1;
  }

  /** A shared connection with this profile (one per profile, created on first use). */
  client(
    profile: ConnectionProfile = { queue: true, timeoutMs: this.#s.commandTimeoutMs ?? 5000 },
  ): RedisClient {
    const key = `${profile.queue}:${profile.timeoutMs}`;
    let c = this.#clients.get(key);
    if (!c) this.#clients.set(key, c = this.#create(profile));
    return c;
  }

  /** The connection durable features use (sessions, event log, owners, rollups): queues through a failover. */
  durable(): RedisClient {
    return this.client();
  }

  /** A new dedicated connection for subscriptions (a subscribed connection runs nothing else). */
  subscriber(): RedisClient {
    return this.#create({ queue: true, timeoutMs: 0 }, true);
  }

  /** Publishes on a channel: sharded (SPUBLISH) on a cluster so a message goes to one shard, not all. */
  async publish(channel: string, message: string, client: RedisClient = this.durable()): Promise<void> {
    if (this.topology === "cluster") await client.spublish(channel, message);
    else await client.publish(channel, message);
  }

  /** Subscribes a dedicated connection to `channel` (sharded on a cluster); resubscribed after reconnects. */
  async subscribe(channel: string, handler: (message: string) => void): Promise<RedisClient> {
    const sub = this.subscriber();
    if (this.topology === "cluster") {
      sub.on("smessage", (ch: string, m: string) => ch === channel && handler(m));
      await sub.ssubscribe(channel);
    } else {
      sub.on("message", (ch: string, m: string) => ch === channel && handler(m));
      await sub.subscribe(channel);
    }
    return sub;
  }

  /**
   * Runs an idempotent operation, retrying transient errors (connection lost, READONLY, CLUSTERDOWN, …) until
   * the retry deadline: a failover delays the caller instead of failing it. The first success after errors
   * ends the incident.
   */
  async retry<T>(op: () => Promise<T>, deadlineMs = this.#s.retryDeadlineMs ?? 15_000): Promise<T> {
    const end = Date.now() + deadlineMs;
    for (let attempt = 0;; attempt++) {
      try {
        const v = await op();
        if (attempt) this.#recovered();
        return v;
      } catch (err) {
        if (!isTransient(err) || Date.now() >= end || this.#closed) {
          this.#log("warn", "redis: operation failed", {
            topology: this.topology,
            error: String(err).slice(0, 200),
          });
          throw err;
        }
        this.#retries++;
        this.#incident(err);
        await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** attempt, 500)));
      }
    }
  }

  /**
   * A durable write: `build` adds commands on `key`'s slot to one pipeline, then `WAIT` asks for the replicas'
   * acknowledgement (bounded; a shortfall is counted, the write stands). Retried through failovers, so the
   * commands must be idempotent. Returns the replies of `build`'s commands.
   */
  async write(
    key: string,
    build: (p: RedisPipeline) => void,
    client: RedisClient = this.durable(),
  ): Promise<unknown[]> {
    return await this.retry(async () => {
      const p = client.pipeline() as RedisPipeline;
      build(p);
      const n = (p as unknown as { length: number }).length;
      const wait = this.waitReplicas > 0 && this.#hasReplicas(client, key);
      if (wait) p.wait(this.waitReplicas, this.#s.waitTimeoutMs ?? 250);
      const res = (await p.exec()) ?? [];
      const err = res.find(([e]) => e)?.[0];
      if (err) throw err;
      if (wait && Number(res[n]?.[1] ?? 0) < this.waitReplicas) this.#waitTimeouts++;
      return res.slice(0, n).map(([, v]) => v);
    });
  }

  /**
   * Whether the primary that owns `key` has replicas to wait for. On a cluster that is per shard (a promoted
   * replica has none until one rejoins; WAITing there would only cost the timeout); while unknown, wait.
   */
  #hasReplicas(client: RedisClient, key: string): boolean {
    if (client instanceof Cluster) {
      const nodes = client.slots[calculateSlot(key)];
      if (nodes?.length) return nodes.length > 1;
    }
    return this.#replicas === undefined || this.#replicas > 0;
  }

  /** Every key matching `pattern` (SCAN on each primary of a cluster), in batches. */
  async scan(pattern: string, each: (keys: string[]) => Promise<void> | void): Promise<void> {
    await scanKeys(this.durable(), pattern, each);
  }

  status(): RedisStatus {
    return {
      topology: this.topology,
      state: this.#downSince === undefined ? "ok" : "degraded",
      incidents: this.#incidents,
      recoveries: this.#recoveries,
      ...(this.#lastRecoveryMs !== undefined ? { last_recovery_ms: this.#lastRecoveryMs } : {}),
      ...(this.#downSince !== undefined
        ? { down_since: new Date(this.#downSince).toISOString(), error: this.#error }
        : {}),
      primaries: this.#primaries,
      failovers: this.#failovers,
      replicas: this.#replicas ?? 0,
      retries: this.#retries,
      wait_timeouts: this.#waitTimeouts,
      connections: this.#all.length,
    };
  }

  /** Resolves once the durable connection is ready (false after the timeout: features start degraded). */
  async ready(timeoutMs = 2000): Promise<boolean> {
    const c = this.durable();
    if (c.status !== "ready") {
      const ok = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => {
          c.off("ready", on);
          resolve(false);
        }, timeoutMs);
        const on = () => {
          clearTimeout(t);
          resolve(true);
        };
        c.once("ready", on);
      });
      if (!ok) return false;
    }
    await this.refresh();
    return true;
  }

  /** Re-reads where the primaries are and how many replicas follow them. */
  async refresh(): Promise<void> {
    const c = this.#clients.values().next().value;
    if (!c || c.status !== "ready") return;
    try {
      let primaries: string[];
      if (c instanceof Cluster) {
        const masters = c.nodes("master");
        primaries = masters.map((n) => `${n.options.host}:${n.options.port}`).sort();
        this.#replicas = c.nodes("slave").length;
      } else {
        const info = await c.info("replication");
        this.#replicas = Number(/connected_slaves:(\d+)/.exec(info)?.[1] ?? 0);
        primaries = [`${c.options.host}:${c.options.port}`];
        const stream = (c as unknown as { stream?: { remoteAddress?: string; remotePort?: number } }).stream;
        if (stream?.remotePort) primaries = [`${stream.remoteAddress}:${stream.remotePort}`];
      }
      if (this.#primaries.length && primaries.join() !== this.#primaries.join()) {
        this.#failovers++;
        this.#log("info", "redis: primary changed", {
          topology: this.topology,
          primaries,
          was: this.#primaries,
        });
      }
      this.#primaries = primaries;
    } catch { /* the next refresh tries again */ }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const c of this.#all) c.disconnect();
    this.#all.length = 0;
    this.#clients.clear();
    return await Promise.resolve();
  }

  #incident(err: unknown) {
    if (this.#downSince !== undefined || this.#closed) return;
    this.#downSince = Date.now();
    this.#incidents++;
    this.#error = String((err as Error)?.message ?? err).slice(0, 200);
    this.#log("warn", "redis: connection lost; retrying", { topology: this.topology, error: this.#error });
  }

  #recovered() {
    if (this.#downSince === undefined) return;
    this.#lastRecoveryMs = Date.now() - this.#downSince;
    this.#downSince = undefined;
    this.#error = undefined;
    this.#recoveries++;
    this.#log("info", "redis: recovered", { topology: this.topology, ms: this.#lastRecoveryMs });
    void this.refresh();
  }

  #create(profile: ConnectionProfile, subscriber = false): RedisClient {
    const s = this.#s;
    const tls = s.tls || s.url?.startsWith("rediss:") ? { ...(s.tlsCa ? { ca: s.tlsCa } : {}) } : undefined;
    const common: RedisOptions = {
      ...(s.username ? { username: s.username } : {}),
      ...(s.password ? { password: s.password } : {}),
      ...(tls ? { tls } : {}),
      connectTimeout: s.connectTimeoutMs ?? 2000,
      ...(profile.timeoutMs > 0 ? { commandTimeout: profile.timeoutMs } : {}),
      maxRetriesPerRequest: profile.queue ? null : 1,
      // A demoted primary answers writes with READONLY: reconnect (to the new primary) and resend.
      reconnectOnError: (err) => /READONLY|LOADING|MASTERDOWN/.test(err.message) ? 2 : false,
      lazyConnect: false,
    };
    let c: RedisClient;
    if (this.topology === "cluster") {
      c = new Cluster(hostPorts(s.clusterNodes!, 6379), {
        enableOfflineQueue: profile.queue,
        clusterRetryStrategy: (times) => Math.min(50 * times, 500),
        retryDelayOnFailover: 100,
        retryDelayOnClusterDown: 100,
        retryDelayOnTryAgain: 100,
        maxRedirections: 32,
        slotsRefreshTimeout: 1000,
        slotsRefreshInterval: 2000,
        shardedSubscribers: subscriber,
        redisOptions: { ...common, ...(tls ? { tls } : {}) },
        ...(tls ? { dnsLookup: (address, cb) => cb(null, address) } : {}),
      });
    } else if (this.topology === "sentinel") {
      c = new Redis({
        ...common,
        enableOfflineQueue: profile.queue,
        retryStrategy: (times) => Math.min(50 * times, 500),
        sentinels: hostPorts(s.sentinels!, 26379),
        name: s.sentinelName ?? "mymaster",
        ...(s.password ? { sentinelPassword: s.password } : {}),
        ...(s.username ? { sentinelUsername: s.username } : {}),
        ...(tls ? { enableTLSForSentinelMode: true, sentinelTLS: tls } : {}),
        sentinelRetryStrategy: (times) => Math.min(50 * times, 500),
        // No failoverDetector: with it, ioredis 6 could end the connection for good on +switch-master. The lost
        // connection and READONLY (reconnectOnError) move the client to the new primary just as well.
      });
    } else {
      c = new Redis(s.url ?? "redis://127.0.0.1:6379", {
        ...common,
        enableOfflineQueue: profile.queue,
        retryStrategy: (times) => Math.min(50 * times, 500),
      });
    }
    // Connection errors surface as failed commands; the provider logs the incident once, not per error.
    c.on("error", (err: Error) => this.#incident(err));
    c.on("ready", () => this.#recovered());
    this.#all.push(c);
    return c;
  }
}

/** What a durable feature needs: its connection, retried operations and acknowledged writes. */
export interface Durable {
  readonly client: RedisClient;
  retry<T>(op: () => Promise<T>): Promise<T>;
  /** Commands on `key`'s slot, acknowledged by a replica when the provider has them (see RedisProvider.write). */
  write(key: string, build: (p: RedisPipeline) => void): Promise<unknown[]>;
}

/** The provider's durable side, or a bare client's (no retries, no WAIT: tools and tests that pass a client). */
export function durableOf(x: RedisClient | RedisProvider): Durable {
  if (x instanceof RedisProvider) {
    return { client: x.durable(), retry: (op) => x.retry(op), write: (key, build) => x.write(key, build) };
  }
  return {
    client: x,
    retry: (op) => op(),
    async write(_key, build) {
      const p = x.pipeline() as RedisPipeline;
      build(p);
      const res = (await p.exec()) ?? [];
      const err = res.find(([e]) => e)?.[0];
      if (err) throw err;
      return res.map(([, v]) => v);
    },
  };
}
