/** @module How a fuzz input was answered (2xx, typed 4xx, 5xx, untyped error, hang, dropped connection) and
 * the tallies and failure records the runs report. */
import { ERROR_CODES as CORE_ERROR_CODES } from "../../core/mod.ts";
/** Error codes of DESIGN.md §3 (core's own list): a 4xx/5xx body must carry one of them. */
export const ERROR_CODES: ReadonlySet<string> = new Set(CORE_ERROR_CODES);

export type Outcome = "2xx" | "4xx" | "5xx" | "untyped" | "hang" | "dropped";

export interface Failure {
  generator: string;
  outcome: Outcome | "server blocked" | "broken after batch" | "server exited";
  input: string;
  detail: string;
}

export interface Tally {
  sent: number;
  counts: Record<Outcome, number>;
  /** Answers (of any kind) slower than the product's 2 s promise. */
  slow: number;
  maxMs: number;
  /** Server restarts after a crash, a blocked event loop or broken chemistry. */
  restarts: number;
}

export const emptyTally = (): Tally => ({
  sent: 0,
  counts: { "2xx": 0, "4xx": 0, "5xx": 0, untyped: 0, hang: 0, dropped: 0 },
  slow: 0,
  maxMs: 0,
  restarts: 0,
});

export function addTally(into: Tally, t: Tally): Tally {
  into.sent += t.sent;
  for (const k of Object.keys(t.counts) as Outcome[]) into.counts[k] += t.counts[k];
  into.slow += t.slow;
  into.maxMs = Math.max(into.maxMs, t.maxMs);
  into.restarts += t.restarts;
  return into;
}
