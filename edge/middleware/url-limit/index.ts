/** @module Over-long URLs get the JSON envelope (414, `invalid_request`) before any route parses them. */
import type { MiddlewareHandler } from "hono";
import { ChemAgentError } from "../../../core/mod.ts";
import { fail } from "../../envelope.ts";

export interface UrlLimitOptions {
  /** Longest URL (path + query) accepted, in bytes. */
  maxBytes?: number;
}

/** The limit when none is configured. */
export const URL_LIMIT_DEFAULT = 16_384;

/**
 * Answers URLs longer than `maxBytes` with 414 and the envelope. (Deno's HTTP layer itself refuses request lines
 * over 64 KiB with a bare 400 before the app runs; this limit sits below that.)
 *
 * @example
 * ```ts
 * app.use("*", urlLimit({ maxBytes: 16_384 }));
 * ```
 */
export const urlLimit = ({ maxBytes = URL_LIMIT_DEFAULT }: UrlLimitOptions = {}): MiddlewareHandler =>
  async function limitUrl(c, next) {
    const url = c.req.url;
    // Origin length is not the client's doing; measure from the path on.
    const length = url.length - url.indexOf("/", url.indexOf("//") + 2);
    if (length > maxBytes) {
      return fail(
        c,
        new ChemAgentError(
          "invalid_request",
          `URL is ${length} characters; the limit is ${maxBytes}. Send large inputs in a POST body.`,
          { details: { limit_bytes: maxBytes } },
        ),
        414,
      );
    }
    await next();
  };
