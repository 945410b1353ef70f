/** @module HTTP authentication: Bearer JWT verified with the shared verifier; enforced when required. */
import type { MiddlewareHandler } from "hono";
import { ChemAgentError } from "../../../core/mod.ts";
import { type Principal, tokenFromRequest, type Verifier } from "../../ws/auth.ts";

/** What authentication puts on the context: the verified caller, when a token was given. */
export interface AuthVariables {
  principal?: Principal;
}

export interface AuthOptions {
  verifier?: Verifier;
  required?: boolean;
}

/**
 * Verifies `Authorization: Bearer <jwt>`; without a token the request passes unless auth is required.
 *
 * @example
 * ```ts
 * app.use("/api/*", jwtAuth({ verifier, required: true }));
 * ```
 */
export const jwtAuth = (
  { verifier, required = false }: AuthOptions = {},
): MiddlewareHandler<{ Variables: AuthVariables }> =>
  async function authenticate(c, next) {
    if (c.get("principal")) return await next(); // already verified by an earlier mount
    const token = tokenFromRequest(c.req.raw.headers);
    if (!token) {
      if (required) throw new ChemAgentError("unauthorized", "Authorization: Bearer <token> is required.");
      return await next();
    }
    if (!verifier) {
      throw new ChemAgentError("unauthorized", "Token verification is not configured on this server.");
    }
    try {
      c.set("principal", await verifier(token));
    } catch {
      throw new ChemAgentError("unauthorized", "Invalid or expired token (exp is required).");
    }
    await next();
  };
