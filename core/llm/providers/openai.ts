/** @module OpenAI and any OpenAI-compatible server (Ollama /v1, llama.cpp server, vLLM) via the official SDK. */
import OpenAI from "openai";
import {
  type ChatMessage,
  type Completion,
  type CompletionOptions,
  LLMError,
  type LLMProvider,
} from "../types.ts";

export class OpenAIProvider implements LLMProvider {
  readonly name: string;
  readonly #client: OpenAI;
  constructor(readonly model: string, opts: { apiKey?: string; baseURL?: string; name?: string } = {}) {
    this.name = opts.name ?? "openai";
    // Retries and timeouts are ours (GuardedLLM), so the SDK's own are off.
    this.#client = new OpenAI({ apiKey: opts.apiKey ?? "not-needed", baseURL: opts.baseURL, maxRetries: 0 });
  }

  async complete(messages: ChatMessage[], opts: CompletionOptions): Promise<Completion> {
    try {
      const r = await this.#client.chat.completions.create({
        model: this.model,
        messages,
        temperature: 0,
        max_tokens: opts.maxTokens ?? 400,
        ...(opts.json ? { response_format: { type: "json_object" as const } } : {}),
      }, { signal: opts.signal, timeout: opts.timeoutMs });
      return {
        text: r.choices[0]?.message?.content ?? "",
        usage: { input: r.usage?.prompt_tokens ?? 0, output: r.usage?.completion_tokens ?? 0 },
      };
    } catch (e) {
      throw toLLMError(e);
    }
  }
}

export function toLLMError(e: unknown): LLMError {
  if (e instanceof LLMError) return e;
  const status = (e as { status?: number })?.status;
  const msg = (e as Error)?.message ?? String(e);
  // Retry rate limits, server errors and connection failures; not bad requests or unparseable bodies.
  const name = (e as Error)?.name ?? "";
  const connection = status === undefined && /Connection|Timeout/i.test(name);
  return new LLMError(msg, status, status === 429 || (status !== undefined && status >= 500) || connection);
}
