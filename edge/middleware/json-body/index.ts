/** @module Reads and validates a JSON body: content type, size, syntax, then a zod schema. */
import type { Context } from "hono";
import type { z } from "zod";
import { ChemAgentError } from "../../../core/mod.ts";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "./depth.ts";

/** Parses the request body as JSON and validates it; throws typed errors for every way it can be wrong. */
export async function readJson<S extends z.ZodType>(
  c: Context,
  schema: S,
  maxBytes: number,
): Promise<z.infer<S>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new ChemAgentError(
      "invalid_request",
      `Content-Type must be application/json (got "${type.slice(0, 60) || "none"}").`,
    );
  }
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > maxBytes) {
    throw new ChemAgentError("payload_too_large", `Body is ${declared} bytes; the limit is ${maxBytes}.`);
  }
  const buf = new Uint8Array(await c.req.arrayBuffer());
  if (buf.byteLength > maxBytes) {
    throw new ChemAgentError(
      "payload_too_large",
      `Body is ${buf.byteLength} bytes; the limit is ${maxBytes}.`,
    );
  }
  const text = new TextDecoder().decode(buf);
  if (nestsDeeperThan(text)) {
    throw new ChemAgentError("invalid_request", `Body nests deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ChemAgentError("invalid_request", "Body is not valid JSON.");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ChemAgentError("invalid_request", `${issue.path.join(".") || "body"}: ${issue.message}`);
  }
  return parsed.data;
}
