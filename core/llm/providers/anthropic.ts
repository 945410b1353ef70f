/** @module Anthropic Messages API via the official SDK. */
import Anthropic from "@anthropic-ai/sdk";
import { type ChatMessage, type Completion, type CompletionOptions, type LLMProvider } from "../types.ts";
import { toLLMError } from "./openai.ts";

export class AnthropicProvider implements LLMProvider {
  readonly name = "anthropic";
  readonly #client: Anthropic;
  constructor(readonly model: string, opts: { apiKey?: string; baseURL?: string } = {}) {
    this.#client = new Anthropic({ apiKey: opts.apiKey ?? "not-set", baseURL: opts.baseURL, maxRetries: 0 });
  }

  async complete(messages: ChatMessage[], opts: CompletionOptions): Promise<Completion> {
    const system = messages.filter((m) => m.role === "system").map((m) => m.content).join("\n\n");
    const turns = messages.filter((m) => m.role !== "system").map((m) => ({
      role: m.role as "user" | "assistant",
      content: m.content,
    }));
    try {
      const r = await this.#client.messages.create({
        model: this.model,
        max_tokens: opts.maxTokens ?? 400,
        system,
        messages: turns,
      }, {
        signal: opts.signal,
        timeout: opts.timeoutMs,
      });
      const text = r.content.map((b) => (b.type === "text" ? b.text : "")).join("");
      return { text, usage: { input: r.usage.input_tokens, output: r.usage.output_tokens } };
    } catch (e) {
      throw toLLMError(e);
    }
  }
}
