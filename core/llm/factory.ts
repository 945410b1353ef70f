/** @module Builds the configured LLM (or none): provider → guard → refiner. */
import type { ChemService } from "../chem/pool.ts";
import type { Config } from "../config.ts";
import type { Dataset } from "../data/dataset.ts";
import { createLLMRefiner } from "./classify.ts";
import { GuardedLLM, type GuardOptions } from "./guard.ts";
import type { LLMProvider } from "./types.ts";

type LLMConfig = Pick<
  Config,
  | "LLM_PROVIDER"
  | "LLM_BASE_URL"
  | "LLM_MODEL"
  | "LLM_API_KEY"
  | "LLM_CONFIDENCE_THRESHOLD"
  | "LLM_TIMEOUT_MS"
  | "LLM_RATE_PER_SEC"
  | "LLM_BURST"
>;

/** Providers are imported only when configured: their SDKs add ~250 ms to start-up. */
export async function createProvider(c: LLMConfig): Promise<LLMProvider | undefined> {
  if (c.LLM_PROVIDER === "none") return undefined;
  const { OpenAIProvider } = await import("./providers/openai.ts");
  switch (c.LLM_PROVIDER) {
    case "openai":
      return new OpenAIProvider(c.LLM_MODEL ?? "gpt-4o-mini", {
        apiKey: c.LLM_API_KEY,
        baseURL: c.LLM_BASE_URL,
      });
    case "anthropic": {
      const { AnthropicProvider } = await import("./providers/anthropic.ts");
      return new AnthropicProvider(c.LLM_MODEL ?? "claude-3-5-haiku-latest", {
        apiKey: c.LLM_API_KEY,
        baseURL: c.LLM_BASE_URL,
      });
    }
    case "ollama":
      // Ollama speaks the OpenAI protocol under /v1.
      return new OpenAIProvider(c.LLM_MODEL ?? "llama3.1", {
        apiKey: "ollama",
        baseURL: c.LLM_BASE_URL ?? "http://127.0.0.1:11434/v1",
        name: "ollama",
      });
    default:
      return undefined;
  }
}

export async function createRefinerFromConfig(
  c: LLMConfig,
  data: Dataset,
  chem: ChemService,
  onCall?: GuardOptions["onCall"],
) {
  const provider = await createProvider(c);
  if (!provider) return undefined;
  const llm = new GuardedLLM(provider, { ratePerSec: c.LLM_RATE_PER_SEC, burst: c.LLM_BURST, onCall });
  return {
    llm,
    refiner: createLLMRefiner(llm, {
      data,
      chem,
      threshold: c.LLM_CONFIDENCE_THRESHOLD,
      budgetMs: c.LLM_TIMEOUT_MS,
    }),
  };
}
