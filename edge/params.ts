/** @module Query-string parameters validated with zod; bad values are `invalid_parameter` (400). */
import type { Context } from "hono";
import { z } from "zod";
import { ChemAgentError } from "../core/mod.ts";

export const num = (name: string, min: number, max: number, int = false) =>
  z.string().optional().transform((v, ctx) => {
    if (v === undefined || v === "") return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max || (int && !Number.isInteger(n))) {
      ctx.addIssue({
        code: "custom",
        message: `${name} must be ${int ? "a whole number" : "a number"} between ${min} and ${max} (got "${
          v.slice(0, 30)
        }")`,
      });
      return z.NEVER;
    }
    return n;
  });

export function queryParams<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw new ChemAgentError("invalid_parameter", parsed.error.issues[0].message);
  return parsed.data;
}
