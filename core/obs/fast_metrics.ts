/** @module Hot-path metrics without per-call label hashing: series are looked up once and then updated with
 * plain arithmetic; prom-client's registry renders them at scrape time (same exposition format). */

type Labels = Record<string, string>;

interface Registrable {
  // deno-lint-ignore no-explicit-any
  registerMetric(m: any): void;
}

export class FastCounter<L extends string> {
  readonly #series = new Map<string, { labels: Labels; value: number }>();
  readonly type = "counter";
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
    registry: Registrable,
  ) {
    registry.registerMetric(this as unknown as { name: string; get(): Promise<unknown> });
  }

  /** The series for these label values (create once, keep the handle on hot paths). */
  series(...values: string[]): { inc(v?: number): void } {
    const key = values.join("\u0001");
    let s = this.#series.get(key);
    if (!s) {
      s = { labels: Object.fromEntries(this.labelNames.map((n, i) => [n, values[i]])), value: 0 };
      this.#series.set(key, s);
    }
    const ref = s;
    return { inc: (v = 1) => (ref.value += v) };
  }

  get(): Promise<unknown> {
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: "sum",
      values: [...this.#series.values()].map((s) => ({ labels: s.labels, value: s.value })),
    });
  }

  reset(): void {
    this.#series.clear();
  }
}

export class FastHistogram<L extends string> {
  readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  readonly type = "histogram";
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
    readonly buckets: number[],
    registry: Registrable,
  ) {
    registry.registerMetric(this as unknown as { name: string; get(): Promise<unknown> });
  }

  series(...values: string[]): { observe(v: number): void } {
    const key = values.join("\u0001");
    let s = this.#series.get(key);
    if (!s) {
      s = {
        labels: Object.fromEntries(this.labelNames.map((n, i) => [n, values[i]])),
        counts: this.buckets.map(() => 0),
        sum: 0,
        count: 0,
      };
      this.#series.set(key, s);
    }
    const ref = s, b = this.buckets;
    return {
      observe: (v: number) => {
        for (let i = 0; i < b.length; i++) {
          if (v <= b[i]) {
            ref.counts[i]++;
            break;
          }
        }
        ref.sum += v;
        ref.count++;
      },
    };
  }

  get(): Promise<unknown> {
    const values: { labels: Labels; value: number; metricName: string }[] = [];
    for (const s of this.#series.values()) {
      let acc = 0;
      this.buckets.forEach((le, i) => {
        acc += s.counts[i];
        values.push({
          labels: { ...s.labels, le: String(le) },
          value: acc,
          metricName: `${this.name}_bucket`,
        });
      });
      values.push({ labels: { ...s.labels, le: "+Inf" }, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: "sum", values });
  }

  reset(): void {
    this.#series.clear();
  }
}
