/** @module Lossless shutdown for HTTP: counts requests in flight and, once draining, answers new ones with a 503
 * `upstream_unavailable` envelope and Retry-After before any work is done. Every response sent while draining
 * carries `Connection: close`, so no client reuses a keep-alive connection the server is about to close (the
 * race that showed as a reset). Liveness and readiness keep answering (readiness says "draining"). */
import type { MiddlewareHandler } from "hono";
import { ChemAgentError } from "../../../core/mod.ts";
import { fail } from "../../envelope.ts";

export interface DrainState {
  draining: boolean;
  /** HTTP requests accepted and not yet answered. */
  inFlight?: number;
}

export interface DrainOptions {
  state: DrainState;
  /** Seconds a refused client should wait (Retry-After). */
  retryAfterS?: number;
  /** Paths served while draining (probes, metrics scrapes). */
  exempt?: string[];
}

export function drain(
  { state, retryAfterS = 1, exempt = ["/health", "/ready", "/metrics"] }: DrainOptions,
): MiddlewareHandler {
  return async function drainGate(c, next) {
    if (state.draining && !exempt.includes(c.req.path)) {
      const res = fail(
        c,
        new ChemAgentError("upstream_unavailable", "Server is shutting down: retry on another instance."),
      );
      res.headers.set("Retry-After", String(retryAfterS));
      res.headers.set("Connection", "close");
      return res;
    }
    state.inFlight = (state.inFlight ?? 0) + 1;
    try {
      await next();
    } finally {
      state.inFlight--;
      if (state.draining && c.res.status !== 101) {
        try {
          c.res.headers.set("Connection", "close");
        } catch { /* immutable headers (a proxied response): the client reconnects on its own */ }
      }
    }
  };
}

/** Resolves once no request is in flight, or after `timeoutMs`. */
export async function requestsSettled(state: DrainState, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while ((state.inFlight ?? 0) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return (state.inFlight ?? 0) === 0;
}
