/** @module Request body limit counted on the stream (chunked or not): 413 `payload_too_large` at the limit. */
import type { MiddlewareHandler } from "hono";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import { ChemAgentError } from "../../../core/mod.ts";
import { fail } from "../../envelope.ts";

export interface BodyLimitOptions {
  /** Largest body accepted, in bytes. */
  maxBytes: number;
}

/**
 * Refuses bodies over `maxBytes` with the JSON envelope. A declared Content-Length is checked up front; a chunked
 * body is read chunk by chunk and abandoned as soon as the count passes the limit, so memory stays bounded by
 * `maxBytes` whatever the client sends (hono/body-limit does the counting).
 *
 * @example
 * ```ts
 * app.use("*", bodyLimit({ maxBytes: 64 * 1024 }));
 * ```
 */
export const bodyLimit = ({ maxBytes }: BodyLimitOptions): MiddlewareHandler => {
  const limit = honoBodyLimit({
    maxSize: maxBytes,
    onError: (c) =>
      fail(
        c,
        new ChemAgentError("payload_too_large", `Body is larger than the limit of ${maxBytes} bytes.`, {
          details: { limit_bytes: maxBytes },
        }),
        413,
      ),
  });
  return async function limitBody(c, next) {
    // Bodiless requests (GET, WebSocket upgrades) skip the wrapper entirely: nothing to count.
    if (!c.req.raw.body) return await next();
    return await limit(c, next);
  };
};
