/**
 * @module Connection errors that escape a client library's own handling (seen: postgres.js writing to a socket
 * the database had just closed, thrown from a socket callback). Such an error concerns one connection, which
 * the pool reopens; letting it end the process would drop every answer in flight. Anything else still crashes.
 */

const CODES = new Set([
  "EPIPE",
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "ERR_STREAM_DESTROYED",
  "ERR_STREAM_WRITE_AFTER_END",
  "ERR_SOCKET_CLOSED",
]);
const DENO_ERRORS = [Deno.errors.BadResource, Deno.errors.BrokenPipe, Deno.errors.ConnectionReset];

/** postgres.js writing to a socket its close handler already dropped (connection.js `nextWrite`, run from a
 * setImmediate after the database went away: "Cannot read properties of null (reading 'write')"; seen in CI). */
const isPostgresWriteAfterClose = (e: unknown) =>
  e instanceof TypeError && /reading 'write'/.test(e.message) &&
  /postgres\/src\/connection\.js/.test(e.stack ?? "");

/** True for an error that only says a network connection is gone. */
export function isEscapedConnectionError(e: unknown): boolean {
  if (DENO_ERRORS.some((cls) => e instanceof cls) || isPostgresWriteAfterClose(e)) return true;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && CODES.has(code);
}

/** Keeps the process up for escaped connection errors (logged once per error), uncaught or unhandled. */
export function keepServingOnConnectionErrors(
  warn: (msg: string, fields: Record<string, unknown>) => void,
): void {
  const keep = (e: unknown, ev: Event) => {
    if (!isEscapedConnectionError(e)) return;
    ev.preventDefault();
    warn("connection error outside a request (the pool reconnects)", { error: String(e).slice(0, 200) });
  };
  globalThis.addEventListener("error", (ev) => keep(ev.error, ev));
  globalThis.addEventListener("unhandledrejection", (ev) => keep(ev.reason, ev));
}
