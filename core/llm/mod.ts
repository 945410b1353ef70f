/** @module LLM: provider clients behind one interface, a guard (rate limit, retries, breaker), the refiner. */
export * from "./types.ts";
export { OpenAIProvider } from "./providers/openai.ts";
export { AnthropicProvider } from "./providers/anthropic.ts";
export { GuardedLLM, type GuardOptions } from "./guard.ts";
export { createLLMRefiner, llmIntentSchema } from "./classify.ts";
