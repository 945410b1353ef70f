/** @module Structured JSON-line logs with levels; secrets are redacted before anything is written. */

export type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEYS = /(?:secret|token|password|passwd|api[_-]?key|authorization|cookie)/i;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
  /** Whether a level is written (lets hot paths skip building fields). */
  enabled(level: Level): boolean;
}

/** Replaces values of secret-looking keys and bearer tokens in strings. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return "[deep]";
  if (typeof value === "string") {
    return value.replace(/\b(Bearer\s+)[\w.~+/=-]+/gi, "$1[redacted]").replace(
      /(redis(?:s)?:\/\/[^:@/]*:)[^@]+@/gi,
      "$1[redacted]@",
    );
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redact(value.message), stack: value.stack };
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) ? "[redacted]" : redact(v, depth + 1)]),
    );
  }
  return value;
}

export function createLogger(
  level: Level = "info",
  base: Record<string, unknown> = {},
  write: (line: string) => void = (l) => console.log(l),
): Logger {
  const emit = (lvl: Level, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    write(JSON.stringify(redact({ ts: new Date().toISOString(), level: lvl, msg, ...base, ...fields })));
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
    enabled: (lvl) => ORDER[lvl] >= ORDER[level],
  };
}
