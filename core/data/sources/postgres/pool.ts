/** @module The PostgreSQL connection pool (npm:postgres, loaded only when the postgres source is used). */
import postgres from "postgres";

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
    // Reconnect attempts back off to at most 1 s (the library's default grows towards 20 s), so a query during
    // an outage fails fast with upstream_unavailable instead of outliving the step deadline.
    backoff: (attempt: number) => Math.min(0.05 * 2 ** attempt, 1),
    onnotice: () => {},
    // numeric and bigint come back as strings by default; the catalogue converts the few it reads.
  });
}
