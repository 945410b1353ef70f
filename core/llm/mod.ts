/** @module LLM: provider clients behind one interface, a guard (rate limit, retries, breaker), the refiner.
 * The provider clients (and their SDKs, ~90 ms to load) come from ./providers/mod.ts, loaded only when an LLM is
 * configured (factory.ts) — not on every start. */
export * from "./types.ts";
export { GuardedLLM, type GuardOptions } from "./guard.ts";
export { createLLMRefiner, llmIntentSchema } from "./classify.ts";
