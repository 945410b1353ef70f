/** @module The PostgreSQL connection pool and the mapping of connection failures to `upstream_unavailable`. */
import postgres from "postgres";
import { ChemAgentError } from "../../../errors.ts";

export type Sql = postgres.Sql;

export interface PoolOptions {
  url: string;
  /** Connections in the pool (default 10). */
  max?: number;
  /** Seconds to wait for a connection before the query fails with upstream_unavailable (default 5). */
  connectTimeoutS?: number;
}

/** A pooled client; connections are opened on demand and re-opened after the server comes back. */
export function openPool(opts: PoolOptions): Sql {
  return postgres(opts.url, {
    max: opts.max ?? 10,
    connect_timeout: opts.connectTimeoutS ?? 5,
    idle_timeout: 60,
    onnotice: () => {},
    // numeric and bigint come back as strings by default; the catalogue converts the few it reads.
  });
}

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
