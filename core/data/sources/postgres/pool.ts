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
    onnotice: () => {},
    // numeric and bigint come back as strings by default; the catalogue converts the few it reads.
  });
}
