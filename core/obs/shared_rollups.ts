/** @module Fleet-wide rollups in Redis: every instance adds its per-minute aggregates (HINCRBY), so the
 * metrics API and alerts see all instances. Minute hashes live 2 days, hour hashes 31 days. */
import type { RedisClient } from "../redis/provider.ts";
import type { Agg, Row, SharedRollups } from "./metrics_store.ts";

const HOUR = 3_600_000;
const key = (res: "m" | "h", t: number) => `chemagent:rollup:${res}:${t}`;

export class RedisRollups implements SharedRollups {
  constructor(private readonly client: RedisClient) {}

  async add(minute: number, origin: string, intent: string, status: string, a: Agg): Promise<void> {
    const hour = Math.floor(minute / HOUR) * HOUR;
    // One pipeline per hash: the two hashes may live on different cluster slots.
    const writes = ([[key("m", minute), 2 * 86_400], [key("h", hour), 31 * 86_400]] as const).map(
      ([k, ttl]) => {
        const p = this.client.pipeline();
        const f = `${origin}|${intent}|${status}|`;
        p.hincrby(k, f + "count", a.count).hincrby(k, f + "errors", a.errors)
          .hincrby(k, f + "user_errors", a.userErrors).hincrby(k, f + "cached", a.cached)
          .hincrbyfloat(k, f + "sum_ms", a.sumMs);
        a.hist.forEach((v, i) => v && p.hincrby(k, `${f}h${i}`, v));
        p.expire(k, ttl);
        return p.exec();
      },
    );
    await Promise.all(writes);
  }

  /** Minute resolution for windows up to 2 days, hour resolution beyond. */
  async rows(from: number, to: number): Promise<Row[]> {
    const useHours = to - from > 2 * 86_400_000;
    const step = useHours ? HOUR : 60_000;
    const start = Math.floor(from / step) * step;
    const times: number[] = [];
    for (let t = start; t < to; t += step) times.push(t);
    // One HGETALL per hash (sent back to back on the connection; on a cluster each goes to its own node).
    const res = await Promise.all(
      times.map((t) => this.client.hgetall(key(useHours ? "h" : "m", t)).then((h) => [null, h] as const)),
    );
    const rows: Row[] = [];
    res.forEach(([, h], idx) => {
      const byGroup = new Map<string, Row & { histArr: number[] }>();
      for (const [field, value] of Object.entries((h ?? {}) as Record<string, string>)) {
        // origin|intent|status|name; fields written before queries carried an origin have three parts.
        const parts = field.split("|");
        const [origin, intent, status, name] = parts.length === 3 ? ["unknown", ...parts] : parts;
        const g = `${origin}|${intent}|${status}`;
        let r = byGroup.get(g);
        if (!r) {
          byGroup.set(
            g,
            r = {
              minute: times[idx],
              origin,
              intent,
              status,
              count: 0,
              errors: 0,
              user_errors: 0,
              cached: 0,
              sum_ms: 0,
              hist: "",
              histArr: Array(15).fill(0),
            },
          );
        }
        if (name.startsWith("h")) r.histArr[Number(name.slice(1))] = Number(value);
        else (r as unknown as Record<string, number>)[name] = Number(value);
      }
      for (const r of byGroup.values()) {
        const { histArr, ...row } = r;
        rows.push({ ...row, hist: JSON.stringify(histArr) });
      }
    });
    return rows;
  }
}
