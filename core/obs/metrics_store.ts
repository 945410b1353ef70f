/** @module Query rollups for the metrics API and alerts: per-minute aggregates (count, system and user errors,
 * cache hits, latency histogram) per origin/intent/status in SQLite with 30-day retention, plus recent errors
 * and slow queries. Every figure can be read for one origin (default `user`: warm-up and probes excluded). */
import { DatabaseSync } from "node:sqlite";
import type { EventListener } from "../types.ts";
import { outcomeKind, outcomeOf } from "./outcome.ts";

/** Latency histogram bucket upper bounds (ms); the last bucket is open. */
const BOUNDS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

export interface Agg {
  count: number;
  /** System errors (the service failed). */
  errors: number;
  /** User errors (the request could not be answered as asked, or was cancelled). */
  userErrors: number;
  cached: number;
  sumMs: number;
  hist: number[];
}

export interface QueryRecord {
  ts: number;
  query_id: string;
  /** Who asked: user, warmup or probe (absent = user). */
  origin?: string;
  query?: string;
  intent: string;
  status: string;
  cached: boolean;
  ms: number;
  error_code?: string;
  error_message?: string;
}

export interface ErrorRecord extends QueryRecord {
  stack?: string;
  request_id?: string;
}

const RECENT = 2000;
const emptyAgg = (): Agg => ({
  count: 0,
  errors: 0,
  userErrors: 0,
  cached: 0,
  sumMs: 0,
  hist: BOUNDS.map(() => 0).concat(0),
});
const WINDOWS: Record<string, number> = { "1m": 60_000, "5m": 300_000, "1h": 3_600_000, "1d": 86_400_000 };

/** Rollups shared by every instance (Redis): the metrics API then answers for the whole fleet. */
export interface SharedRollups {
  add(minute: number, origin: string, intent: string, status: string, a: Agg): Promise<void>;
  rows(from: number, to: number): Promise<Row[]>;
}

// A type alias, not an interface: node:sqlite rows (Record<string, …>) cast to it directly.
export type Row = {
  minute: number;
  /** Who asked; `unknown` for minutes recorded before queries carried their origin. */
  origin: string;
  intent: string;
  status: string;
  count: number;
  errors: number;
  user_errors: number;
  cached: number;
  sum_ms: number;
  hist: string;
};

/** Which queries a figure covers: one origin, or `all`. */
export type OriginFilter = string;
const matches = (filter: OriginFilter, origin: string | undefined) =>
  filter === "all" || (origin ?? "user") === filter;

export class MetricsStore {
  shared?: SharedRollups;
  #pushes: Promise<void>[] = [];
  readonly #db: DatabaseSync;
  /** minute → origin → intent → status → aggregate not yet in SQLite. */
  readonly #pending = new Map<number, Map<string, Map<string, Map<string, Agg>>>>();
  readonly #recent: QueryRecord[] = [];
  #recentAt = 0;
  readonly #errors: ErrorRecord[] = [];
  /** Per origin, per tool: executions, errors, total ms, and executions per hour of day (UTC) for the heatmap. */
  readonly #tools = new Map<
    string,
    Map<string, { count: number; errors: number; sumMs: number; byHour: number[] }>
  >();

  constructor(
    path = ":memory:",
    private readonly retentionDays = 30,
    private readonly now = () => Date.now(),
  ) {
    this.#db = new DatabaseSync(path);
    // WAL + synchronous=NORMAL: a flush commits without an fsync (rollups may lose the last seconds on power
    // loss, never consistency), so the periodic flush does not stall the event loop on a slow disk. Instances
    // sharing the file wait at most 250 ms for its lock (a synchronous wait) and otherwise retry later.
    this.#db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 250;
      CREATE TABLE IF NOT EXISTS rollups (minute INTEGER, origin TEXT, intent TEXT, status TEXT, count INTEGER,
        errors INTEGER, user_errors INTEGER, cached INTEGER, sum_ms REAL, hist TEXT,
        PRIMARY KEY (minute, origin, intent, status));
      CREATE TABLE IF NOT EXISTS errors (ts INTEGER, body TEXT);
      CREATE INDEX IF NOT EXISTS errors_ts ON errors(ts);`);
    this.#migrate();
  }

  /** Minutes recorded before queries carried an origin (table `rollup`) move over as origin `unknown`; rows are
   * per status, so their user errors are exact (errors there counted only system errors). */
  #migrate(): void {
    const old = this.#db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'rollup'")
      .get();
    if (!old) return;
    this.#db.exec(`BEGIN;
      INSERT OR IGNORE INTO rollups SELECT minute, 'unknown', intent, status, count, errors,
        CASE WHEN status IN ('success', 'partial', 'clarification_needed') THEN 0 ELSE count - errors END,
        cached, sum_ms, hist FROM rollup;
      DROP TABLE rollup;
      COMMIT;`);
  }

  /** Event listener: one record per finished query, one per tool step. It runs inline and keeps no per-query
   * state (the query's text and ids come with its `accepted` event): a cached answer costs a few counter
   * updates and one ring-buffer slot. Queueing the work behind a timer was measured slower (a timer per request,
   * and events kept alive long enough to be promoted by the GC). */
  listener(): EventListener {
    return (e, accepted) => {
      switch (e.type) {
        case "step_complete":
        case "step_error":
          return this.#tool(
            (accepted?.data.origin as string | undefined) ?? "user",
            String(e.data.tool),
            e.type === "step_error",
            Number(e.data.ms ?? 0),
          );
        case "result":
        case "error":
        case "cancelled": {
          const o = outcomeOf(e, accepted);
          const d = accepted?.data;
          return this.record({
            ts: this.now(),
            query_id: e.query_id,
            origin: o.origin,
            query: d ? String(d.query ?? "").slice(0, 300) : undefined,
            intent: o.intent ?? "unknown",
            status: o.status,
            cached: !!o.cached,
            ms: o.ms ?? 0,
            // Always present (undefined when fine; JSON drops it): one record shape, no spread per query.
            error_code: o.error?.code,
            error_message: o.error?.message,
          }, d?.request_id as string | undefined);
        }
      }
    };
  }

  #tool(origin: string, name: string, failed: boolean, ms: number): void {
    let byTool = this.#tools.get(origin);
    if (!byTool) this.#tools.set(origin, byTool = new Map());
    let t = byTool.get(name);
    if (!t) byTool.set(name, t = { count: 0, errors: 0, sumMs: 0, byHour: Array(24).fill(0) });
    t.count++;
    if (failed) t.errors++;
    t.sumMs += ms;
    t.byHour[Math.floor(this.now() / 3_600_000) % 24]++;
  }

  record(q: QueryRecord, requestId?: string): void {
    const a = this.#aggOf(Math.floor(q.ts / 60_000) * 60_000, q.origin ?? "user", q.intent, q.status);
    a.count++;
    // System errors are the service's failures; a user's typo (not_found) or nonsense (unrecognized_query) is a
    // user error: counted apart, so answered + user errors + system errors = queries.
    const kind = outcomeKind(q.status, q.error_code);
    if (kind === "system_error") a.errors++;
    else if (kind === "user_error") a.userErrors++;
    if (q.cached) a.cached++;
    a.sumMs += q.ms;
    a.hist[bucketOf(q.ms)]++;
    // Ring buffer of the last 2,000 queries (no array shifting on the hot path).
    this.#recent[this.#recentAt++ % RECENT] = q;
    if (q.status === "error") this.recordError({ ...q, ...(requestId ? { request_id: requestId } : {}) });
  }

  /** The pending aggregate of one minute, origin, intent and status (nested maps: no key string per query). */
  #aggOf(minute: number, origin: string, intent: string, status: string): Agg {
    let byOrigin = this.#pending.get(minute);
    if (!byOrigin) this.#pending.set(minute, byOrigin = new Map());
    let byIntent = byOrigin.get(origin);
    if (!byIntent) byOrigin.set(origin, byIntent = new Map());
    let byStatus = byIntent.get(intent);
    if (!byStatus) byIntent.set(intent, byStatus = new Map());
    let a = byStatus.get(status);
    if (!a) byStatus.set(status, a = emptyAgg());
    return a;
  }

  /** Errors with stack traces (internal ones) for operators; bounded in memory and on disk. */
  recordError(e: ErrorRecord): void {
    this.#errors.push(e);
    if (this.#errors.length > 100) this.#errors.shift();
    this.#db.prepare("INSERT INTO errors (ts, body) VALUES (?, ?)").run(e.ts, JSON.stringify(e));
  }

  *#pendingRows(): Generator<[number, string, string, string, Agg]> {
    for (const [minute, byOrigin] of this.#pending) {
      for (const [origin, byIntent] of byOrigin) {
        for (const [intent, byStatus] of byIntent) {
          for (const [status, a] of byStatus) yield [minute, origin, intent, status, a];
        }
      }
    }
  }

  /** Writes pending minutes to SQLite (UPSERT) and applies retention. */
  flush(): void {
    if (!this.#pending.size) return;
    const up = this.#db.prepare(
      `INSERT INTO rollups (minute, origin, intent, status, count, errors, user_errors, cached, sum_ms, hist)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(minute, origin, intent, status) DO UPDATE SET count = count + excluded.count,
      errors = errors + excluded.errors, user_errors = user_errors + excluded.user_errors,
      cached = cached + excluded.cached, sum_ms = sum_ms + excluded.sum_ms, hist = excluded.hist`,
    );
    const get = this.#db.prepare(
      "SELECT hist FROM rollups WHERE minute = ? AND origin = ? AND intent = ? AND status = ?",
    );
    const rows = [...this.#pendingRows()];
    this.#db.exec("BEGIN");
    try {
      for (const [minute, origin, intent, status, a] of rows) {
        const prev = get.get(minute, origin, intent, status) as { hist: string } | undefined;
        const hist = prev ? (JSON.parse(prev.hist) as number[]).map((v, i) => v + a.hist[i]) : a.hist;
        up.run(
          minute,
          origin,
          intent,
          status,
          a.count,
          a.errors,
          a.userErrors,
          a.cached,
          a.sumMs,
          JSON.stringify(hist),
        );
      }
      this.#db.exec("COMMIT");
    } catch (e) {
      // e.g. another process holds the file longer than busy_timeout: keep the minutes for the next flush.
      this.#db.exec("ROLLBACK");
      throw e;
    }
    this.#pending.clear();
    if (this.shared) {
      for (const [minute, origin, intent, status, a] of rows) {
        this.#pushes.push(this.shared.add(minute, origin, intent, status, a).catch(() => {}));
      }
    }
    const cutoff = this.now() - this.retentionDays * 86_400_000;
    this.#db.prepare("DELETE FROM rollups WHERE minute < ?").run(cutoff);
    this.#db.prepare(
      "DELETE FROM errors WHERE ts < ? OR ts < (SELECT MIN(ts) FROM (SELECT ts FROM errors ORDER BY ts DESC LIMIT 10000))",
    ).run(cutoff);
  }

  #rows(from: number, to: number): Row[] {
    try {
      this.flush();
    } catch {
      // The file is busy (another instance sharing it): answer from what is on disk; the next flush retries.
    }
    return this.#db.prepare(
      "SELECT minute, origin, intent, status, count, errors, user_errors, cached, sum_ms, hist FROM rollups WHERE minute >= ? AND minute < ? ORDER BY minute",
    )
      .all(Math.floor(from / 60_000) * 60_000, to) as Row[];
  }

  /** Rows of one origin (or all) from the shared rollups when configured (whole fleet), else this instance's
   * SQLite. */
  async #allRows(from: number, to: number, origin: OriginFilter): Promise<Row[]> {
    const local = this.#rows(from, to);
    let rows = local;
    if (this.shared) {
      const pushes = this.#pushes.splice(0);
      await Promise.all(pushes);
      try {
        rows = await this.shared.rows(from, to);
      } catch {
        // shared store down: answer for this instance
      }
    }
    return origin === "all" ? rows : rows.filter((r) => r.origin === origin);
  }

  /** Totals for the last `windowMs` (default 24 h) of one origin (default user traffic) or `all`. */
  async summary(windowMs = 86_400_000, origin: OriginFilter = "user") {
    const to = this.now() + 60_000;
    const rows = await this.#allRows(this.now() - windowMs, to, origin);
    const total = emptyAgg();
    const byIntent: Record<string, { count: number; errors: number; user_errors: number }> = {};
    for (const r of rows) {
      total.count += r.count;
      total.errors += r.errors;
      total.userErrors += r.user_errors;
      total.cached += r.cached;
      total.sumMs += r.sum_ms;
      (JSON.parse(r.hist) as number[]).forEach((v, i) => total.hist[i] += v);
      const b = byIntent[r.intent] ??= { count: 0, errors: 0, user_errors: 0 };
      b.count += r.count;
      b.errors += r.errors;
      b.user_errors += r.user_errors;
    }
    const successRate = total.count ? 1 - total.errors / total.count : null;
    const p95 = quantile(total.hist, 0.95);
    const hit = total.count ? total.cached / total.count : null;
    // Health: 100 minus penalties for errors, slow p95 and a cold cache.
    const health = total.count
      ? Math.max(
        0,
        Math.round(
          100 - (1 - successRate!) * 400 - (p95 > 1000 ? 20 : p95 > 250 ? 10 : 0) - (hit! < 0.5 ? 10 : 0),
        ),
      )
      : 100;
    return {
      window_ms: windowMs,
      origin,
      queries: total.count,
      /** System errors only (kept for compatibility; see `outcomes`). */
      errors: total.errors,
      /** Every query is exactly one of these (definitions in core/obs/outcome.ts). */
      outcomes: {
        answered: total.count - total.errors - total.userErrors,
        user_error: total.userErrors,
        system_error: total.errors,
      },
      /** Share of queries without a system error. */
      success_rate: round(successRate),
      answered_rate: round(
        total.count ? (total.count - total.errors - total.userErrors) / total.count : null,
      ),
      error_rate: round(total.count ? total.errors / total.count : null),
      /** The one cache hit rate: share of queries whose whole answer came from the cache (any tier). */
      cache_hit_rate: round(hit),
      latency_ms: {
        avg: round(total.count ? total.sumMs / total.count : null),
        p50: quantile(total.hist, 0.5),
        p75: quantile(total.hist, 0.75),
        p95,
        p99: quantile(total.hist, 0.99),
      },
      by_intent: byIntent,
      latency_histogram: { bounds_ms: BOUNDS, counts: total.hist },
      health_score: health,
    };
  }

  /** A time series per bucket: queries | errors (system) | user_errors | answered | error_rate | cache_hit_rate |
   * latency_avg | latency_p95, for one origin (default user traffic) or `all`. */
  async history(
    metric: string,
    window = "5m",
    from = this.now() - 86_400_000,
    to = this.now(),
    origin: OriginFilter = "user",
  ) {
    const step = WINDOWS[window] ?? 300_000;
    const buckets = new Map<number, Agg>();
    for (const r of await this.#allRows(from, to + 60_000, origin)) {
      const t = Math.floor(r.minute / step) * step;
      const a = buckets.get(t) ?? emptyAgg();
      a.count += r.count;
      a.errors += r.errors;
      a.userErrors += r.user_errors;
      a.cached += r.cached;
      a.sumMs += r.sum_ms;
      (JSON.parse(r.hist) as number[]).forEach((v, i) => a.hist[i] += v);
      buckets.set(t, a);
    }
    const value = (a: Agg) => {
      switch (metric) {
        case "errors":
          return a.errors;
        case "user_errors":
          return a.userErrors;
        case "answered":
          return a.count - a.errors - a.userErrors;
        case "error_rate":
          return round(a.count ? a.errors / a.count : 0);
        case "cache_hit_rate":
          return round(a.count ? a.cached / a.count : 0);
        case "latency_avg":
          return round(a.count ? a.sumMs / a.count : 0);
        case "latency_p95":
          return quantile(a.hist, 0.95);
        default:
          return a.count;
      }
    };
    return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([t, a]) => ({
      t: new Date(t).toISOString(),
      value: value(a),
    }));
  }

  recentErrors(limit = 100, withStacks = false, origin: OriginFilter = "user"): ErrorRecord[] {
    return this.#errors.filter((e) => matches(origin, e.origin)).slice(-limit).reverse().map((
      e,
    ) => (withStacks ? e : { ...e, stack: undefined }));
  }

  tools(origin: OriginFilter = "user") {
    const merged = new Map<string, { count: number; errors: number; sumMs: number; byHour: number[] }>();
    for (const [o, byTool] of this.#tools) {
      if (!matches(origin, o)) continue;
      for (const [tool, t] of byTool) {
        const m = merged.get(tool);
        if (!m) merged.set(tool, { ...t, byHour: [...t.byHour] });
        else {
          m.count += t.count;
          m.errors += t.errors;
          m.sumMs += t.sumMs;
          t.byHour.forEach((v, h) => m.byHour[h] += v);
        }
      }
    }
    return [...merged.entries()].map(([tool, t]) => ({
      tool,
      count: t.count,
      errors: t.errors,
      error_rate: round(t.count ? t.errors / t.count : 0),
      avg_ms: round(t.count ? t.sumMs / t.count : 0),
      by_hour: t.byHour,
    })).sort((a, b) => b.count - a.count);
  }

  /** The last queries, newest first. */
  #ordered(): QueryRecord[] {
    const n = Math.min(this.#recentAt, RECENT);
    const out: QueryRecord[] = [];
    for (let i = 1; i <= n; i++) out.push(this.#recent[(this.#recentAt - i) % RECENT]);
    return out;
  }

  recentQueries(limit = 100, origin: OriginFilter = "user"): QueryRecord[] {
    return this.#ordered().filter((q) => matches(origin, q.origin)).slice(0, limit);
  }

  slowQueries(limit = 20, windowMs = 3_600_000, origin: OriginFilter = "user"): QueryRecord[] {
    const since = this.now() - windowMs;
    return this.#ordered().filter((q) => q.ts >= since && matches(origin, q.origin)).sort((a, b) =>
      b.ms - a.ms
    )
      .slice(0, limit);
  }

  /** For alert rules: raw counts over a window (ms) of user traffic (what users experience; warm-up misses
   * would otherwise trip the cache rule at every start). */
  window(windowMs: number) {
    return this.summary(windowMs, "user");
  }

  get isShared(): boolean {
    return !!this.shared;
  }

  close(): void {
    this.flush();
    this.#db.close();
  }
}

function bucketOf(ms: number): number {
  let i = 0;
  while (i < BOUNDS.length && ms > BOUNDS[i]) i++;
  return i;
}

/** Quantile from histogram counts: the upper bound of the bucket holding it. */
function quantile(hist: number[], q: number): number {
  const n = hist.reduce((a, b) => a + b, 0);
  if (!n) return 0;
  let acc = 0;
  for (let i = 0; i < hist.length; i++) {
    acc += hist[i];
    if (acc >= q * n) return i < BOUNDS.length ? BOUNDS[i] : BOUNDS[BOUNDS.length - 1] * 2;
  }
  return BOUNDS[BOUNDS.length - 1];
}

const round = (x: number | null) => (x === null ? null : Math.round(x * 10000) / 10000);

/** What the metrics API answers (the dashboard imports these types). */
export type MetricsSummary = Awaited<ReturnType<MetricsStore["summary"]>>;
export type HistoryPoint = Awaited<ReturnType<MetricsStore["history"]>>[number];
export type ToolStats = ReturnType<MetricsStore["tools"]>[number];
