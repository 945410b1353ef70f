/** @module HTTP authentication: Bearer JWT verified with the shared verifier; enforced when required. */
import type { MiddlewareHandler } from "hono";
import { ChemAgentError } from "../../../core/mod.ts";
import { tokenFromRequest, type Verifier } from "../../ws/auth.ts";

export interface AuthOptions {
  verifier?: Verifier;
  required?: boolean;
}

export const jwtAuth = ({ verifier, required = false }: AuthOptions = {}): MiddlewareHandler =>
  async function authenticate(c, next) {
    const token = tokenFromRequest(c.req.raw.headers);
    if (!token) {
      if (required) throw new ChemAgentError("unauthorized", "Authorization: Bearer <token> is required.");
      return await next();
    }
    if (!verifier) {
      throw new ChemAgentError("unauthorized", "Token verification is not configured on this server.");
    }
    try {
      c.set("principal" as never, await verifier(token) as never);
    } catch {
      throw new ChemAgentError("unauthorized", "Invalid or expired token.");
    }
    await next();
  };
