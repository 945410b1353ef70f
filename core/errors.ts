/** @module Typed errors shared by every layer; codes are the contract of DESIGN.md §3. */

export const ERROR_CODES = [
  "empty_query",
  "incomplete_query",
  "unrecognized_query",
  "out_of_scope",
  "not_found",
  "invalid_smiles",
  "invalid_parameter",
  "ambiguous_input",
  "partial_failure",
  "invalid_request",
  "payload_too_large",
  "unauthorized",
  "forbidden",
  "rate_limited",
  "timeout",
  "cancelled",
  "upstream_unavailable",
  "internal",
  "input_too_complex",
  "not_available",
] as const;

export type ErrorCode = typeof ERROR_CODES[number];

/** HTTP status per code for requests that failed as requests (queries that were understood answer 200). */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  empty_query: 400,
  incomplete_query: 200,
  unrecognized_query: 200,
  out_of_scope: 200,
  not_found: 404,
  invalid_smiles: 400,
  invalid_parameter: 400,
  ambiguous_input: 200,
  partial_failure: 200,
  invalid_request: 400,
  payload_too_large: 413,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  timeout: 504,
  cancelled: 499,
  upstream_unavailable: 503,
  internal: 500,
  input_too_complex: 400,
  not_available: 200,
};

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  suggestions?: string[];
  details?: Record<string, unknown>;
}

/** An error a user may see: a code from the contract, a plain message, optional "did you mean". */
export class ChemAgentError extends Error {
  readonly code: ErrorCode;
  readonly suggestions: string[];
  readonly details?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { suggestions?: string[]; details?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = "ChemAgentError";
    this.code = code;
    this.suggestions = opts.suggestions ?? [];
    this.details = opts.details;
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.suggestions.length) body.suggestions = this.suggestions;
    if (this.details) body.details = this.details;
    return body;
  }
}

/** Turns anything thrown into a user-safe error body; unknown errors never leak their text or stack. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof ChemAgentError) return err.toBody();
  if (err instanceof DOMException && err.name === "AbortError") {
    return { code: "cancelled", message: "The query was cancelled." };
  }
  if (err instanceof DOMException && err.name === "TimeoutError") {
    return { code: "timeout", message: "The operation took too long and was stopped." };
  }
  return { code: "internal", message: "An internal error occurred; it has been logged." };
}
