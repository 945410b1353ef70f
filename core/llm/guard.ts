/** @module GuardedLLM: token-bucket rate limit, retries with backoff on 429/5xx, a hard time budget,
 * a circuit breaker and usage accounting around any provider. */
import { type ChatMessage, type Completion, LLMError, type LLMProvider } from "./types.ts";
import { withSpan } from "../obs/tracing.ts";

export interface GuardOptions {
  /** Requests per second allowed on average, and the burst size. */
  ratePerSec?: number;
  burst?: number;
  retries?: number;
  /** Consecutive failures that open the circuit, and how long it stays open. */
  breakerThreshold?: number;
  breakerCooldownMs?: number;
  /** USD per 1k input/output tokens, for the cost estimate. */
  pricePer1k?: { input: number; output: number };
  onCall?: (
    e: {
      provider: string;
      outcome: "ok" | "error" | "rate_limited" | "circuit_open" | "timeout";
      ms: number;
      usage?: Completion["usage"];
    },
  ) => void;
}

export class GuardedLLM {
  readonly usage = {
    calls: 0,
    failures: 0,
    rateLimited: 0,
    circuitOpen: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
  };
  #tokens: number;
  #last = Date.now();
  #failures = 0;
  #openUntil = 0;
  readonly #o: Required<Omit<GuardOptions, "onCall">> & Pick<GuardOptions, "onCall">;

  constructor(readonly provider: LLMProvider, opts: GuardOptions = {}) {
    this.#o = {
      ratePerSec: opts.ratePerSec ?? 2,
      burst: opts.burst ?? 5,
      retries: opts.retries ?? 2,
      breakerThreshold: opts.breakerThreshold ?? 5,
      breakerCooldownMs: opts.breakerCooldownMs ?? 30_000,
      pricePer1k: opts.pricePer1k ?? { input: 0, output: 0 },
      onCall: opts.onCall,
    };
    this.#tokens = this.#o.burst;
  }

  #take(): boolean {
    const now = Date.now();
    this.#tokens = Math.min(this.#o.burst, this.#tokens + ((now - this.#last) / 1000) * this.#o.ratePerSec);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Completes within `budgetMs` overall (retries included) or throws; never waits for rate-limit tokens. */
  async complete(
    messages: ChatMessage[],
    opts: { budgetMs: number; signal?: AbortSignal; json?: boolean },
  ): Promise<Completion> {
    const t0 = Date.now();
    const report = (
      outcome: Parameters<NonNullable<GuardOptions["onCall"]>>[0]["outcome"],
      usage?: Completion["usage"],
    ) => this.#o.onCall?.({ provider: this.provider.name, outcome, ms: Date.now() - t0, usage });
    if (Date.now() < this.#openUntil) {
      this.usage.circuitOpen++;
      report("circuit_open");
      throw new LLMError("circuit open after repeated LLM failures");
    }
    if (!this.#take()) {
      this.usage.rateLimited++;
      report("rate_limited");
      throw new LLMError("LLM rate limit reached (local token bucket)", 429);
    }
    let attempt = 0;
    while (true) {
      const left = opts.budgetMs - (Date.now() - t0);
      if (left <= 20) {
        this.#fail();
        report("timeout");
        throw new LLMError(`LLM did not answer within ${opts.budgetMs} ms`);
      }
      try {
        this.usage.calls++;
        const r = await withSpan("llm.complete", {
          "llm.provider": this.provider.name,
          "llm.model": this.provider.model,
          "llm.attempt": attempt,
        }, () =>
          this.provider.complete(messages, {
            timeoutMs: left,
            signal: opts.signal,
            json: opts.json,
          }));
        this.#failures = 0;
        this.usage.inputTokens += r.usage.input;
        this.usage.outputTokens += r.usage.output;
        this.usage.costUsd +=
          (r.usage.input * this.#o.pricePer1k.input + r.usage.output * this.#o.pricePer1k.output) / 1000;
        report("ok", r.usage);
        return r;
      } catch (e) {
        const err = e instanceof LLMError ? e : new LLMError(String((e as Error)?.message ?? e));
        attempt++;
        if (!err.retryable || attempt > this.#o.retries || opts.signal?.aborted) {
          this.#fail();
          report("error");
          throw err;
        }
        // Exponential backoff with jitter, inside the budget.
        const wait = Math.min(
          Math.max(0, opts.budgetMs - (Date.now() - t0) - 50),
          100 * 2 ** (attempt - 1) * (0.5 + Math.random()),
        );
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  #fail() {
    this.usage.failures++;
    if (++this.#failures >= this.#o.breakerThreshold) {
      this.#openUntil = Date.now() + this.#o.breakerCooldownMs;
      this.#failures = 0;
    }
  }
}
