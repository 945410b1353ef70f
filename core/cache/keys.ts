/** @module Cache keys: `chemagent:{kind}:{hash}` over normalised parts. */
import { createHash } from "node:crypto";

export const NAMESPACE = "chemagent";

/** Stable JSON (sorted object keys) so equal arguments give equal keys. */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${
      Object.keys(v).sort().map((k) =>
        `${JSON.stringify(k)}:${stableStringify((v as Record<string, unknown>)[k])}`
      ).join(",")
    }}`;
  }
  return JSON.stringify(v ?? null);
}

export function cacheKey(kind: string, ...parts: unknown[]): string {
  const hash = createHash("sha256").update(stableStringify(parts)).digest("hex").slice(0, 32);
  return `${NAMESPACE}:${kind}:${hash}`;
}

export const kindOf = (key: string) => key.split(":")[1] ?? "unknown";
export const tagKey = (tag: string) => `${NAMESPACE}:tag:${tag}`;
export const lockKey = (key: string) => `${NAMESPACE}:lock:${key.slice(NAMESPACE.length + 1)}`;

/** Normalises a question for the response cache: spacing and trailing punctuation do not matter; case does
 * (SMILES are case-sensitive: c1ccccc1 is benzene, C1CCCCC1 cyclohexane). */
export function normalizeQuery(q: string): string {
  return q.normalize("NFKC").replace(/\s+/g, " ").trim().replace(/[\s?!.]+$/, "");
}
