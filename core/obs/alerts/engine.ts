/** @module Alert rules over the metrics rollups: for-duration, severity, one alert per rule (grouping),
 * throttled re-notification, silences, acknowledgement, resolution and a bounded history. */
import type { MetricsStore } from "../metrics_store.ts";
import type { AlertChannel, AlertNotice } from "./channels.ts";

export interface AlertRule {
  name: string;
  severity: "critical" | "warning" | "info";
  /** Window the condition is measured over (ms). */
  windowMs: number;
  /** How long the condition must hold before the alert fires (ms). */
  forMs: number;
  /** Current value and whether the condition holds. */
  check: (s: Awaited<ReturnType<MetricsStore["summary"]>>) => { value: number; breached: boolean };
  summary: (value: number) => string;
  runbook: string;
}

export interface Alert {
  id: string;
  rule: string;
  severity: AlertRule["severity"];
  state: "pending" | "firing" | "resolved";
  value: number;
  started_at: number;
  fired_at?: number;
  resolved_at?: number;
  acked_at?: number;
  acked_by?: string;
  notifications: number;
  last_notified?: number;
  silenced?: boolean;
}

export interface Silence {
  id: string;
  rule: string;
  until: number;
  reason: string;
  created_by: string;
}

const RUNBOOK = "docs/runbooks.md";

export const DEFAULT_RULES: AlertRule[] = [
  {
    name: "HighErrorRate",
    severity: "critical",
    windowMs: 5 * 60_000,
    forMs: 60_000,
    check: (s) => ({ value: s.error_rate ?? 0, breached: s.queries >= 10 && (s.error_rate ?? 0) > 0.05 }),
    summary: (v) => `${(v * 100).toFixed(1)}% of queries failed over the last 5 minutes (threshold 5%)`,
    runbook: `${RUNBOOK}#higherrorrate`,
  },
  {
    name: "SlowQueries",
    severity: "warning",
    windowMs: 5 * 60_000,
    forMs: 2 * 60_000,
    check: (s) => ({ value: s.latency_ms.p95, breached: s.queries >= 10 && s.latency_ms.p95 > 10_000 }),
    summary: (v) => `p95 latency ${v} ms over the last 5 minutes (threshold 10 s)`,
    runbook: `${RUNBOOK}#slowqueries`,
  },
  {
    name: "LowCacheHitRate",
    severity: "warning",
    windowMs: 5 * 60_000,
    forMs: 5 * 60_000,
    check: (s) => ({
      value: s.cache_hit_rate ?? 1,
      breached: s.queries >= 50 && (s.cache_hit_rate ?? 1) < 0.5,
    }),
    summary: (v) => `cache hit rate ${(v * 100).toFixed(0)}% over the last 5 minutes (threshold 50%)`,
    runbook: `${RUNBOOK}#lowcachehitrate`,
  },
];

export class AlertEngine {
  readonly #active = new Map<string, Alert>();
  readonly history: Alert[] = [];
  readonly silences: Silence[] = [];
  #seq = 0;

  constructor(
    private readonly store: MetricsStore,
    private readonly channels: AlertChannel[],
    readonly rules: AlertRule[] = DEFAULT_RULES,
    private readonly opts: {
      repeatIntervalMs?: number;
      now?: () => number;
      onError?: (e: unknown, channel: string) => void;
    } = {},
  ) {}

  #now() {
    return this.opts.now?.() ?? Date.now();
  }

  /** Evaluates every rule once; call on a timer (e.g. every 15 s). Returns the notices sent. */
  async evaluate(): Promise<AlertNotice[]> {
    const now = this.#now();
    const sent: AlertNotice[] = [];
    for (const rule of this.rules) {
      const { value, breached } = rule.check(await this.store.window(rule.windowMs));
      let a = this.#active.get(rule.name);
      if (breached) {
        if (!a) {
          a = {
            id: `a_${now.toString(36)}_${(this.#seq++).toString(36)}`,
            rule: rule.name,
            severity: rule.severity,
            state: "pending",
            value,
            started_at: now,
            notifications: 0,
          };
          this.#active.set(rule.name, a);
        }
        a.value = value;
        if (a.state === "pending" && now - a.started_at >= rule.forMs) {
          a.state = "firing";
          a.fired_at = now;
          this.history.unshift(a);
          if (this.history.length > 1000) this.history.pop();
        }
        if (a.state === "firing") {
          const repeat = this.opts.repeatIntervalMs ?? 3_600_000;
          const due = !a.last_notified || (!a.acked_at && now - a.last_notified >= repeat);
          a.silenced = this.#silenced(rule.name, now);
          if (due && !a.silenced) sent.push(await this.#notify(rule, a, "firing"));
        }
      } else if (a) {
        this.#active.delete(rule.name);
        if (a.state === "firing") {
          a.state = "resolved";
          a.resolved_at = now;
          if (a.notifications && !this.#silenced(rule.name, now)) {
            sent.push(await this.#notify(rule, a, "resolved"));
          }
        }
      }
    }
    return sent;
  }

  #silenced(rule: string, now: number) {
    return this.silences.some((s) => (s.rule === rule || s.rule === "*") && s.until > now);
  }

  async #notify(rule: AlertRule, a: Alert, state: "firing" | "resolved"): Promise<AlertNotice> {
    const n: AlertNotice = {
      id: a.id,
      rule: rule.name,
      severity: rule.severity,
      state,
      summary: rule.summary(a.value),
      value: a.value,
      runbook: rule.runbook,
      started_at: new Date(a.started_at).toISOString(),
      ...(a.resolved_at ? { resolved_at: new Date(a.resolved_at).toISOString() } : {}),
    };
    a.notifications++;
    a.last_notified = this.#now();
    await Promise.all(this.channels.map((c) => c.send(n).catch((e) => this.opts.onError?.(e, c.name))));
    return n;
  }

  active(): Alert[] {
    return [...this.#active.values()];
  }

  ack(id: string, by: string): Alert | undefined {
    const a = [...this.#active.values(), ...this.history].find((x) => x.id === id);
    if (a && !a.acked_at) {
      a.acked_at = this.#now();
      a.acked_by = by;
    }
    return a;
  }

  silence(rule: string, minutes: number, reason: string, by: string): Silence {
    const s = {
      id: `sil_${(this.#seq++).toString(36)}`,
      rule,
      until: this.#now() + minutes * 60_000,
      reason,
      created_by: by,
    };
    this.silences.push(s);
    return s;
  }

  unsilence(id: string): boolean {
    const i = this.silences.findIndex((s) => s.id === id);
    if (i >= 0) this.silences.splice(i, 1);
    return i >= 0;
  }
}
