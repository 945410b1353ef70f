/** @module The provider clients, imported on demand (their SDKs are heavy to load). */
export { OpenAIProvider } from "./openai.ts";
export { AnthropicProvider } from "./anthropic.ts";
