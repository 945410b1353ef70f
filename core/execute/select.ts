/** @module Resolves step references: `{ $from: "s1", path: "hits[].id" }` → values from earlier outputs. */
import type { StepRef } from "../types.ts";

/** Reads a dotted path; a segment ending in [] maps over an array ("hits[].id" → every hit's id). */
export function select(value: unknown, path: string): unknown {
  if (!path) return value;
  const [head, ...rest] = path.split(".");
  const tail = rest.join(".");
  const isList = head.endsWith("[]");
  const key = isList ? head.slice(0, -2) : head;
  const next = key ? (value as Record<string, unknown> | null)?.[key] : value;
  if (isList) {
    return Array.isArray(next)
      ? next.map((v) => select(v, tail)).filter((v) => v !== undefined && v !== null)
      : [];
  }
  return next === undefined || next === null ? undefined : select(next, tail);
}

export const isRef = (v: unknown): v is StepRef =>
  !!v && typeof v === "object" && "$from" in v && "path" in v;

/** Deep-replaces references in step arguments with values from `outputs`. */
export function resolveArgs(args: unknown, outputs: Map<string, unknown>): unknown {
  if (isRef(args)) return select(outputs.get(args.$from), args.path);
  if (Array.isArray(args)) return args.map((a) => resolveArgs(a, outputs));
  if (args && typeof args === "object") {
    return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, resolveArgs(v, outputs)]));
  }
  return args;
}
