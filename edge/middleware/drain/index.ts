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
  /** When the last request arrived, answered or refused (Date.now(): a builtin; performance.now() is an op call). */
  lastArrival?: number;
}

export interface DrainOptions {
  state: DrainState;
  /** Seconds a refused client should wait (Retry-After): longer than a drain takes, so a client that honours
   * it does not come back to a listener that is closing (it finds another instance, or a refused connection). */
  retryAfterS?: number;
  /** Paths served while draining (probes, metrics scrapes). */
  exempt?: string[];
}

export function drain(
  { state, retryAfterS = 5, exempt = ["/health", "/ready", "/metrics"] }: DrainOptions,
): MiddlewareHandler {
  return async function drainGate(c, next) {
    state.lastArrival = Date.now();
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

/** Resolves once no request is in flight and none arrived for `quietMs` (clients still sending have had their
 * 503 and closed their connections), or after `timeoutMs`. True when settled. */
export async function requestsSettled(state: DrainState, timeoutMs: number, quietMs = 0): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  const settled = () =>
    (state.inFlight ?? 0) === 0 && Date.now() - (state.lastArrival ?? -Infinity) >= quietMs;
  while (!settled() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return settled();
}
