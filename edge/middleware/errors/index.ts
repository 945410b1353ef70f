/** @module Error handling: typed errors → envelope; anything unexpected → 500 `internal`, logged, no stack to users. */
import type { ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { ChemAgentError } from "../../../core/mod.ts";
import { fail } from "../../envelope.ts";

export interface ErrorHandlerOptions {
  /** Called with unexpected errors (for logs/metrics); never shown to the client. */
  onUnexpected?: (err: unknown, requestId: string | undefined) => void;
}

/** Maps thrown errors to the envelope with the right status. */
export const errorHandler = (
  { onUnexpected = (e) => console.error(e) }: ErrorHandlerOptions = {},
): ErrorHandler =>
  function handleError(err, c) {
    if (err instanceof ChemAgentError) return fail(c, err);
    if (err instanceof HTTPException) {
      const status = err.status;
      const code = status === 413
        ? "payload_too_large"
        : status === 401
        ? "unauthorized"
        : status === 403
        ? "forbidden"
        : "invalid_request";
      return fail(c, new ChemAgentError(code, err.message || "The request was rejected."), status);
    }
    onUnexpected(err, c.get("requestId"));
    return fail(c, err);
  };

/** Unknown routes get the envelope too. */
export const notFoundHandler = (): NotFoundHandler =>
  function handleNotFound(c) {
    return fail(
      c,
      new ChemAgentError("not_found", `No route ${c.req.method} ${new URL(c.req.url).pathname}.`),
      404,
    );
  };
