/** @module Connection failures of the database become the typed 503 `upstream_unavailable`. */
import { ChemAgentError } from "../../../errors.ts";

// Connection-level failures: network errors of the client, and the server's connection/shutdown classes
// (08 connection exception, 57P0x operator intervention / shutdown, 53300 too many connections).
const NETWORK = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);

export function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== "string") return false;
  return NETWORK.has(code) || code.startsWith("08") || code.startsWith("57P") || code === "53300";
}

/** Runs a query; a lost database becomes the typed 503 (the pool reconnects on the next call). */
export async function guarded<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (isConnectionError(e)) {
      throw new ChemAgentError(
        "upstream_unavailable",
        `The ChEMBL database is unavailable (${what}); try again shortly.`,
        { details: { source: "postgres", reason: String((e as { code?: string }).code) } },
      );
    }
    throw e;
  }
}
