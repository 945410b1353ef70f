/** @module Runs a generator's inputs against the server in batches, checks chemistry after each batch,
 * restarts a dead or blocked server, and formats the report. */
import type { FuzzInput } from "./generators.ts";
import { emptyTally, type Failure, type Outcome, type Tally } from "./outcomes.ts";
import { preview, sendHttp, WsProbe } from "./send.ts";
import type { FuzzServer } from "./server.ts";

export interface RunOptions {
  /** Per-input deadline: no answer by then is a hang. */
  deadlineMs: number;
  /** Inputs in flight at once. */
  concurrency: number;
  /** Inputs between two health checks (aspirin). */
  batch: number;
  /** Stops the generator after this long (reported), so a run stays bounded. */
  budgetMs: number;
  /** Stop this generator at its first server restart (the test run: one clear report, bounded time); the
   * long fuzz run keeps going and counts. */
  stopOnBreak: boolean;
}

/** Sends `inputs` in batches; after each batch checks chemistry; restarts a dead or broken server. */
export async function runGenerator(
  server: FuzzServer,
  generator: string,
  inputs: FuzzInput[],
  opts: RunOptions,
  failures: Failure[],
): Promise<Tally> {
  const tally = emptyTally();
  const started = performance.now();
  const probes: WsProbe[] = [];
  const record = (input: FuzzInput, r: { outcome: Outcome; ms: number; detail: string }) => {
    tally.sent++;
    tally.counts[r.outcome]++;
    tally.maxMs = Math.max(tally.maxMs, r.ms);
    if (r.ms > 2000) tally.slow++;
    if (r.outcome !== "2xx" && r.outcome !== "4xx") {
      failures.push({ generator, outcome: r.outcome, input: preview(input), detail: r.detail });
    }
  };
  // A hung or dead server is restarted at once (one restart for all workers), so a blocked event loop costs
  // one deadline, not one per remaining input.
  let recovering: Promise<void> | undefined;
  const inFlight = new Set<FuzzInput>();
  const recover = (outcome: "server blocked" | "broken after batch", why: string, input: string) =>
    recovering ??= (async () => {
      const others = [...inFlight].map(preview).filter((p) => p !== input);
      failures.push({
        generator,
        outcome: server.exited ? "server exited" : outcome,
        input,
        detail: `${why}${
          others.length ? `\nalso in flight then: ${others.join(", ")}` : ""
        }\n${server.logTail()}`,
      });
      probes.splice(0).forEach((p) => p.close());
      tally.restarts++;
      await server.restart();
    })().finally(() => (recovering = undefined));
  for (let at = 0; at < inputs.length; at += opts.batch) {
    if (performance.now() - started > opts.budgetMs || (opts.stopOnBreak && tally.restarts > 0)) break;
    const batch = inputs.slice(at, at + opts.batch);
    let next = 0;
    const worker = async (w: number) => {
      while (next < batch.length) {
        if (recovering) await recovering;
        if (opts.stopOnBreak && tally.restarts > 0) return;
        const input = batch[next++];
        inFlight.add(input);
        const r = input.kind === "http"
          ? await sendHttp(server.url, input, opts.deadlineMs)
          : await (probes[w] ??= new WsProbe(server.url)).send(input, opts.deadlineMs);
        inFlight.delete(input);
        record(input, r);
        if ((r.outcome === "hang" || r.outcome === "dropped") && !recovering && !(await server.alive())) {
          await recover("server blocked", `/health stopped answering after: ${r.detail}`, preview(input));
        }
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, (_, w) => worker(w)));
    await server.sampleRss();
    const broken = server.exited ? "server process exited" : await server.chemistryWorks();
    if (broken) {
      await recover("broken after batch", broken, `after a batch of ${batch.length} inputs from #${at}`);
    }
  }
  probes.forEach((p) => p.close());
  return tally;
}

export function formatTally(name: string, t: Tally): string {
  const c = t.counts;
  return [
    `${name}: ${t.sent} sent — 2xx ${c["2xx"]}, 4xx ${c["4xx"]}, 5xx ${c["5xx"]}, untyped ${c.untyped},`,
    `hangs ${c.hang}, dropped ${c.dropped}, server restarts ${t.restarts}; answers > 2 s ${t.slow},`,
    `slowest ${Math.round(t.maxMs)} ms`,
  ].join(" ");
}

/** Failures grouped by generator and outcome, three examples each: what a person needs to reproduce them. */
export function formatFailures(failures: Failure[]): string {
  const groups = new Map<string, Failure[]>();
  for (const f of failures) {
    const key = `${f.generator} / ${f.outcome}`;
    groups.set(key, [...groups.get(key) ?? [], f]);
  }
  return [...groups].map(([key, fs]) =>
    `${key}: ${fs.length}\n` +
    fs.slice(0, 3).map((f) => `  - ${f.input}\n    → ${f.detail.replaceAll("\n", "\n      ")}`)
      .join("\n")
  ).join("\n");
}
