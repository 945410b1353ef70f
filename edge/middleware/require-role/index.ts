/** @module Operator endpoints: the caller's token must carry a role (e.g. `admin`) when auth is enforced. */
import type { MiddlewareHandler } from "hono";
import { ChemAgentError } from "../../../core/mod.ts";
import type { AuthVariables } from "../auth/index.ts";

export interface RequireRoleOptions {
  role?: string;
  /** Off (single-user/dev mode): everyone passes, as before auth existed. */
  enforced: boolean;
  /** Methods the check applies to (all when omitted), e.g. only the writes of a read/write route. */
  methods?: string[];
}

/**
 * 401 without a verified token, 403 when the token lacks the role; a no-op when not enforced.
 * Mount after `jwtAuth`.
 *
 * @example
 * ```ts
 * app.use("/api/cache/*", requireRole({ role: "admin", enforced: true, methods: ["POST", "DELETE"] }));
 * ```
 */
export const requireRole = (
  { role = "admin", enforced, methods }: RequireRoleOptions,
): MiddlewareHandler<{ Variables: AuthVariables }> =>
  async function checkRole(c, next) {
    if (enforced && (!methods || methods.includes(c.req.method))) {
      const p = c.get("principal");
      if (!p) throw new ChemAgentError("unauthorized", "Authorization: Bearer <token> is required.");
      if (!p.roles?.includes(role)) {
        throw new ChemAgentError("forbidden", `This endpoint needs the "${role}" role.`);
      }
    }
    await next();
  };
