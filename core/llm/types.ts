/** @module The LLM interface: `complete(messages, {timeout, signal})` → text + token usage. */

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface CompletionOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  maxTokens?: number;
  /** Ask the provider for a JSON object (structured output); the caller validates it with zod. */
  json?: boolean;
}

export interface Completion {
  text: string;
  usage: { input: number; output: number };
}

export interface LLMProvider {
  readonly name: string;
  readonly model: string;
  complete(messages: ChatMessage[], opts: CompletionOptions): Promise<Completion>;
}

/** A provider error with the HTTP status when there was one (429 and 5xx are retried). */
export class LLMError extends Error {
  constructor(message: string, readonly status?: number, readonly retryable = false) {
    super(message);
    this.name = "LLMError";
  }
}
