/** @module HTTP validators for the tool GETs (compounds, targets, depictions): an ETag from the dataset version and
 * the answer's content, If-None-Match → 304, Cache-Control (public, or private when callers authenticate). */
import { createHash } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { etagMatches } from "../../routes/encoded_answers.ts";

export interface ToolEtagOptions {
  /** Part of every tag: a new dataset is a new representation. */
  datasetVersion: string;
  /** Authentication enforced: answers are the caller's (private) and vary by Authorization. */
  authenticated: boolean;
  /** max-age for responses that set no Cache-Control of their own (seconds). */
  maxAge?: number;
}

const TIMING = ',"timing_ms":';

/**
 * After a successful GET: tags the body and answers 304 to a matching If-None-Match. A JSON envelope ends with
 * its per-request `timing_ms`, left out of the hash and so the tag is weak (same content, not the same bytes);
 * any other body (an SVG depiction) is hashed whole and tagged strong.
 */
export const toolEtag = (
  { datasetVersion, authenticated, maxAge = 300 }: ToolEtagOptions,
): MiddlewareHandler =>
  async function tagToolAnswer(c, next) {
    await next();
    if (c.req.method !== "GET" || c.res.status !== 200 || !c.res.body) return;
    const text = await c.res.clone().text();
    const json = (c.res.headers.get("content-type") ?? "").startsWith("application/json");
    const cut = json ? text.lastIndexOf(TIMING) : -1;
    const hash = createHash("sha256").update(cut < 0 ? text : text.slice(0, cut)).digest("base64url").slice(
      0,
      22,
    );
    const etag = `${cut < 0 ? "" : "W/"}"${datasetVersion}-${hash}"`;
    const headers = c.res.headers;
    headers.set("etag", etag);
    if (!headers.has("cache-control")) {
      headers.set("cache-control", `${authenticated ? "private" : "public"}, max-age=${maxAge}`);
    }
    if (authenticated) headers.append("vary", "Authorization");
    // Hono carries every header but Content-Type over to the replacement response.
    if (etagMatches(c.req.header("if-none-match"), etag)) c.res = new Response(null, { status: 304 });
  };
