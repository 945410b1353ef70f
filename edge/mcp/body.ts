/**
 * @module A JSON-RPC request body read and bounded before the SDK sees it: size (413) and nesting depth (400,
 * checked on the text before JSON.parse: hostile input nests params thousands deep to overflow recursive code
 * such as schema validation). Errors are JSON-RPC errors whose `data` carries the ChemAgent code. Also decides
 * whether a request is answered as one JSON body or as an SSE stream.
 */
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../middleware/json-body/depth.ts";
import type { ErrorCode } from "../../core/mod.ts";

/** Largest body when the host sets none (the SDK's own default). */
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

export interface Parsed {
  /** The JSON-RPC message (or batch) as parsed. */
  message: unknown;
}

/** A JSON-RPC error response (`id: null`: the request could not be read) with the ChemAgent code in `data`. */
export function rpcBodyError(status: number, rpc: number, code: ErrorCode, message: string): Response {
  return new Response(
    JSON.stringify({ jsonrpc: "2.0", error: { code: rpc, message, data: { code, message } }, id: null }),
    { status, headers: { "content-type": "application/json" } },
  );
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;

/**
 * The parsed body, an error response, or undefined when the request is not a JSON POST the SDK would read
 * (wrong Content-Type or Accept: the SDK answers those with its own 415/406).
 */
export async function readRpcBody(
  req: Request,
  maxBytes = DEFAULT_MAX_BYTES,
): Promise<Parsed | Response | undefined> {
  const accept = req.headers.get("accept") ?? "";
  if (!JSON_TYPE.test(req.headers.get("content-type") ?? "")) return undefined;
  if (!accept.includes("application/json") || !accept.includes("text/event-stream")) return undefined;
  const tooLarge = (n: number | string) =>
    rpcBodyError(413, -32000, "payload_too_large", `Body is ${n} bytes; the limit is ${maxBytes}.`);
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) return tooLarge(declared);
  let text: string;
  try {
    const buf = await readBounded(req, maxBytes);
    if (!buf) return tooLarge(`more than ${maxBytes}`);
    text = new TextDecoder().decode(buf);
  } catch {
    return rpcBodyError(400, -32700, "invalid_request", "Parse error: the body could not be read.");
  }
  if (nestsDeeperThan(text)) {
    return rpcBodyError(
      400,
      -32600,
      "invalid_request",
      `Invalid Request: the body nests deeper than ${MAX_JSON_DEPTH} levels.`,
    );
  }
  try {
    return { message: JSON.parse(text) };
  } catch {
    return rpcBodyError(400, -32700, "invalid_request", "Parse error: Invalid JSON");
  }
}

/** The body's bytes, or undefined once they pass `maxBytes` (counted as they stream in, chunked or not). */
async function readBounded(req: Request, maxBytes: number): Promise<Uint8Array | undefined> {
  if (!req.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) out.set(c, at), at += c.byteLength;
  return out;
}

/**
 * Answer as one JSON body? Yes for a single request nobody streams: no progress token, not `initialize` (its
 * SSE answer is what older clients were tested against) and not `ask` (a workflow that may run for seconds keeps
 * its resumable stream). Everything else streams as SSE.
 */
export function wantsJson(parsed: Parsed): boolean {
  const m = parsed.message as {
    id?: unknown;
    method?: unknown;
    params?: { name?: unknown; _meta?: { progressToken?: unknown } };
  } | null;
  if (!m || typeof m !== "object" || Array.isArray(m) || m.id === undefined || typeof m.method !== "string") {
    return false;
  }
  if (m.method === "initialize") return false;
  if (m.params?._meta?.progressToken !== undefined) return false;
  return !(m.method === "tools/call" && m.params?.name === "ask");
}
