/** @module Pause, resume and cancel of a running query. A transport calls pause()/resume()/cancel(); the executor
 * waits on gate() between steps; each pause and resume is an event of the query's own EventStream, so it gets a
 * seq, is logged, replayed and observed like every other event (DESIGN.md §5). */
import type { EventStream } from "./events.ts";

export class QueryControl {
  readonly #abort = new AbortController();
  #paused = false;
  #finished = false;
  #waiters: (() => void)[] = [];
  #stream?: EventStream;

  /** Aborts the query's steps when cancelled. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** True once the query emitted its last event: pause and resume no longer apply. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Called by the agent once the query's stream exists. */
  attach(stream: EventStream): void {
    this.#stream = stream;
  }

  /** Holds the next step; false when the query is already paused or finished (no event is emitted then). */
  pause(): boolean {
    if (this.#finished || this.#paused || this.#abort.signal.aborted) return false;
    this.#paused = true;
    this.#stream?.emit("paused", {});
    return true;
  }

  /** Lets the query continue; false when it was not paused. */
  resume(): boolean {
    if (this.#finished || !this.#paused) return false;
    this.#paused = false;
    this.#stream?.emit("resumed", {});
    this.#release();
    return true;
  }

  /** Stops the query (its steps see an aborted signal; a paused query is released to notice it). */
  cancel(reason: unknown = new DOMException("cancelled by client", "AbortError")): void {
    this.#abort.abort(reason);
    this.#release();
  }

  /** Awaited by the executor before each step. */
  readonly gate = (): Promise<void> =>
    this.#paused && !this.#abort.signal.aborted
      ? new Promise<void>((resolve) => this.#waiters.push(resolve))
      : Promise.resolve();

  /** Called by the agent before the terminal event: later pause/resume requests are refused. */
  finish(): void {
    this.#finished = true;
    this.#paused = false;
    this.#release();
  }

  #release(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
}
