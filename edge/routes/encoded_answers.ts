/** @module Cached answers as bytes: each L1 entry's JSON encoded once, with its gzip and brotli variants and a
 * strong ETag, kept beside the entry (a WeakMap on it, so they leave with it); content negotiation and
 * If-None-Match for the query routes. */
import { createHash } from "node:crypto";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Context } from "hono";
import { type QueryResponse, sharedAnswerJson, sharedTail, volatileHead } from "../../core/mod.ts";

export interface EncodedAnswer {
  identity: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
  br: Uint8Array<ArrayBuffer>;
  /** The common fields after a per-request head (POST hits keep their own query id and timing). A string:
   * head + tail is then one lazy concatenation that Deno copies once when it sends it. */
  tail: string;
  /** Strong: the same bytes for every hit of the entry (dataset version + content hash). */
  etag: string;
}

const encoded = new WeakMap<object, EncodedAnswer>();

/** Totals for the bench and /metrics: bytes the compressed variants save per answer. */
export const compressionStats = { answers: 0, identityBytes: 0, gzipBytes: 0, brBytes: 0 };

export function encodedAnswer(shared: QueryResponse, datasetVersion: string): EncodedAnswer {
  let e = encoded.get(shared);
  if (!e) {
    const identity = new TextEncoder().encode(sharedAnswerJson(shared));
    const hash = createHash("sha256").update(identity).digest("base64url").slice(0, 22);
    e = {
      identity,
      gzip: new Uint8Array(gzipSync(identity, { level: 6 })),
      // Quality 5: within a few % of 11 on JSON, at a fraction of the time (computed once per entry).
      br: new Uint8Array(brotliCompressSync(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })),
      etag: `"${datasetVersion}-${hash}"`,
      tail: sharedTail(shared),
    };
    encoded.set(shared, e);
    compressionStats.answers++;
    compressionStats.identityBytes += identity.byteLength;
    compressionStats.gzipBytes += e.gzip.byteLength;
    compressionStats.brBytes += e.br.byteLength;
  }
  return e;
}

const negotiated = new Map<string, "br" | "gzip" | undefined>();

/** br, then gzip, when the client accepts them (a q=0 refuses); identity otherwise. Memoised per header value
 * (clients send a handful of distinct values; the memo is cleared when it grows past 256). */
export function negotiate(acceptEncoding: string | null | undefined): "br" | "gzip" | undefined {
  if (!acceptEncoding) return undefined;
  let coding = negotiated.get(acceptEncoding);
  if (coding === undefined && !negotiated.has(acceptEncoding)) {
    const accepts = (name: string) => {
      const m = new RegExp(`(?:^|,)\\s*${name}\\s*(?:;\\s*q=([0-9.]+))?\\s*(?:,|$)`, "i").exec(
        acceptEncoding,
      );
      return !!m && (m[1] === undefined || Number(m[1]) > 0);
    };
    coding = accepts("br") ? "br" : accepts("gzip") ? "gzip" : undefined;
    if (negotiated.size >= 256) negotiated.clear();
    negotiated.set(acceptEncoding, coding);
  }
  return coding;
}

/** True when an If-None-Match header names this ETag (or `*`); weak comparison, as RFC 9110 §13.1.2 asks. */
export function etagMatches(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const opaque = etag.replace(/^W\//, "");
  return ifNoneMatch.split(",").some((t) => t.trim().replace(/^W\//, "") === opaque);
}

export interface CachePolicy {
  /** Authentication enforced: answers are for the caller only (private), and vary by Authorization. */
  authenticated: boolean;
  /** max-age of dataset-versioned GET answers (seconds). */
  maxAge?: number;
}

/** A cached answer's response, independent of the framework: status, headers (lower-case names), body (the
 * entry's shared bytes for GET, this request's own text for POST). */
export type HitResponse =
  & { headers: Record<string, string> }
  & ({ status: 200; body: Uint8Array<ArrayBuffer> | string } | { status: 304; body: null });

/**
 * A cached answer as sent. GET: the entry's shared bytes (strong ETag, 304 on a matching If-None-Match, the
 * negotiated br/gzip variant). POST (not cacheable by HTTP): this request's own head — its query id, timing —
 * followed by the entry's pre-encoded common bytes.
 */
export function hitResponse(
  e: EncodedAnswer,
  response: QueryResponse,
  policy: CachePolicy,
  isGet: boolean,
  ifNoneMatch: string | null | undefined,
  acceptEncoding: string | null | undefined,
): HitResponse {
  const vary = policy.authenticated ? "Accept-Encoding, Authorization" : "Accept-Encoding";
  if (!isGet) {
    return {
      status: 200,
      headers: { "x-query-id": response.query_id, vary, "content-type": "application/json" },
      body: volatileHead(response) + e.tail,
    };
  }
  const headers: Record<string, string> = {
    "x-query-id": response.query_id,
    vary,
    "content-type": "application/json",
    etag: e.etag,
    "cache-control": `${policy.authenticated ? "private" : "public"}, max-age=${policy.maxAge ?? 300}`,
  };
  if (etagMatches(ifNoneMatch, e.etag)) return { status: 304, headers, body: null };
  const coding = negotiate(acceptEncoding);
  if (coding) headers["content-encoding"] = coding;
  return { status: 200, headers, body: coding === "br" ? e.br : coding === "gzip" ? e.gzip : e.identity };
}

/** hitResponse through Hono's context (the routed path; edge/fast_path.ts builds the Response itself). */
export function sendEncoded(c: Context, e: EncodedAnswer, response: QueryResponse, policy: CachePolicy) {
  const r = hitResponse(
    e,
    response,
    policy,
    c.req.method === "GET",
    c.req.header("if-none-match"),
    c.req.header("accept-encoding"),
  );
  for (const k in r.headers) c.header(k, r.headers[k]);
  return r.status === 304 ? c.body(null, 304) : c.body(r.body, 200);
}
