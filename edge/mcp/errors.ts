/** @module ChemAgent errors as MCP tool errors: `isError` results carrying the ChemAgent code, never a crash. */
import type { CallToolResult } from "./sdk.ts";
import { ChemAgentError, type ErrorCode } from "../../core/mod.ts";

/** The error as a tool result: readable text plus `{ error: { code, message, suggestions? } }`. */
export function toolError(err: unknown, onUnexpected?: (err: unknown) => void): CallToolResult {
  const known = err instanceof ChemAgentError;
  if (!known) onUnexpected?.(err);
  const aborted = (err as Error)?.name === "AbortError" || (err as Error)?.name === "TimeoutError";
  const code: ErrorCode = known ? err.code : aborted ? "cancelled" : "internal";
  // An unexpected error's message may leak internals: the caller gets the code and a generic sentence.
  const message = known ? err.message : aborted ? "The call was cancelled." : "Internal error.";
  const error = known ? err.toBody() : { code, message };
  const hint = error.suggestions?.length ? `\nDid you mean: ${error.suggestions.join(", ")}?` : "";
  return {
    isError: true,
    content: [{ type: "text", text: `Error (${code}): ${message}${hint}` }],
    structuredContent: { error: { ...error } },
  };
}
