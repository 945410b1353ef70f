/**
 * @module The SDK's Streamable HTTP transport, answering each request as JSON or as an SSE stream, chosen per
 * request. The SDK chooses once per transport (`enableJsonResponse`); the spec lets a server answer any request
 * with either. A short call that nobody streams (no progress token) is cheaper as one JSON body: no stream, no
 * priming event, no event-store writes, one write with a Content-Length. Requests that stream keep SSE (and its
 * resumability).
 *
 * A single well-formed request is answered on a JSON path of our own that registers the request with the SDK's
 * bookkeeping exactly as its JSON mode does; anything else goes through the SDK, with its private
 * `_enableJsonResponse` flipped around the synchronous parts of `handleRequest` and `send` that read it. The SDK
 * is pinned; the constructor refuses to run if the private fields used here moved, and
 * tests/integration/mcp_test.ts covers both shapes.
 */
import { type JSONRPCMessage, type RequestId, WebStandardStreamableHTTPServerTransport } from "./sdk.ts";

type Options = ConstructorParameters<typeof WebStandardStreamableHTTPServerTransport>[0];
type HandleOptions = Parameters<WebStandardStreamableHTTPServerTransport["handleRequest"]>[1];
type SendOptions = Parameters<WebStandardStreamableHTTPServerTransport["send"]>[1];

/** The SDK fields and checks the per-request choice relies on (1.32.2). */
interface Internals {
  _enableJsonResponse: boolean;
  _streamMapping: Map<string, { resolveJson?: (res: Response) => void; cleanup?: () => void }>;
  _requestToStreamMapping: Map<RequestId, string>;
  _closed: boolean;
  _initialized: boolean;
  _hasHandledRequest: boolean;
  validateSession(req: Request): Response | undefined;
  validateProtocolVersion(req: Request): Response | undefined;
}

/** A single JSON-RPC request, in the shape the SDK's schema accepts (anything else takes the SDK's path). */
interface PlainRequest {
  jsonrpc: "2.0";
  id: string | number;
  method: string;
  params?: Record<string, unknown>;
}

function isPlainRequest(m: unknown): m is PlainRequest {
  if (!m || typeof m !== "object" || Array.isArray(m)) return false;
  const r = m as Record<string, unknown>;
  const params = r.params;
  return r.jsonrpc === "2.0" && typeof r.method === "string" &&
    (typeof r.id === "string" || (typeof r.id === "number" && Number.isInteger(r.id))) &&
    (params === undefined || (typeof params === "object" && params !== null && !Array.isArray(params))) &&
    !("result" in r) && !("error" in r);
}

/** The request's headers and URL for handlers, built only if one asks (none of ours does). */
function lazyRequestInfo(req: Request) {
  let headers: Record<string, string> | undefined, url: URL | undefined;
  return {
    get headers() {
      return headers ??= Object.fromEntries(req.headers.entries());
    },
    get url() {
      return url ??= new URL(req.url);
    },
  };
}

export class McpTransport extends WebStandardStreamableHTTPServerTransport {
  readonly #sdk: Internals;

  constructor(options: Options) {
    super({ ...options, enableJsonResponse: false });
    this.#sdk = this as unknown as Internals;
    const sdk = this.#sdk;
    if (
      typeof sdk._enableJsonResponse !== "boolean" || !(sdk._streamMapping instanceof Map) ||
      !(sdk._requestToStreamMapping instanceof Map) || typeof sdk._closed !== "boolean" ||
      typeof sdk._initialized !== "boolean" ||
      typeof sdk._hasHandledRequest !== "boolean" || typeof sdk.validateSession !== "function" ||
      typeof sdk.validateProtocolVersion !== "function"
    ) {
      throw new Error("MCP SDK transport internals changed: edge/mcp/transport.ts needs updating");
    }
  }

  /**
   * Handles a request; `json` answers it as one JSON body. Only for a POST whose body was parsed already
   * (`parsedBody`): the SDK then reads the flag before its first await.
   */
  handle(req: Request, options: HandleOptions & { json?: boolean }): Promise<Response> {
    const { json, ...rest } = options ?? {};
    if (!json || rest.parsedBody === undefined || req.method !== "POST") return this.handleRequest(req, rest);
    if (isPlainRequest(rest.parsedBody)) return this.#answerJson(req, rest.parsedBody, rest.authInfo);
    this.#sdk._enableJsonResponse = true;
    try {
      return this.handleRequest(req, rest);
    } finally {
      this.#sdk._enableJsonResponse = false;
    }
  }

  /**
   * The SDK's JSON-mode POST for one well-formed request (Accept, Content-Type and the body were checked by the
   * caller), minus its per-request costs that buy nothing here: a zod parse of the message (checked by shape
   * above; Protocol parses params against each handler's schema anyway), the headers copied into an object and
   * the URL parsed for handlers that never read them, a random stream id.
   */
  #answerJson(
    req: Request,
    message: PlainRequest,
    authInfo: NonNullable<HandleOptions>["authInfo"],
  ): Promise<Response> {
    const sdk = this.#sdk;
    sdk._hasHandledRequest = true;
    if (sdk._closed) return Promise.resolve(this.#closedResponse());
    const refused = sdk.validateSession(req) ?? sdk.validateProtocolVersion(req);
    if (refused) return Promise.resolve(refused);
    const streamId = `json-${++this.#jsonStreams}`;
    return new Promise((resolve) => {
      sdk._streamMapping.set(streamId, {
        resolveJson: resolve,
        // The session closed before the answer (DELETE, shutdown): answer rather than leave the request hanging.
        cleanup: () => {
          sdk._streamMapping.delete(streamId);
          resolve(this.#closedResponse());
        },
      });
      sdk._requestToStreamMapping.set(message.id, streamId);
      this.onmessage?.(message, { authInfo, requestInfo: lazyRequestInfo(req) } as never);
    });
  }

  #jsonStreams = 0;

  #closedResponse(): Response {
    return new Response(
      JSON.stringify({ jsonrpc: "2.0", error: { code: -32001, message: "Session not found" }, id: null }),
      {
        status: 404,
        headers: { "content-type": "application/json" },
      },
    );
  }

  /**
   * Stateless transports serve one request each in the SDK; a pooled one (used by one request at a time, and
   * `idle` after its JSON answer) is cleared for the next.
   */
  nextExchange(): void {
    this.#sdk._hasHandledRequest = false;
  }

  /** Some request still waits for its answer to be written. */
  get answering(): boolean {
    return this.#sdk._requestToStreamMapping.size > 0;
  }

  /** No request or stream in flight. */
  get idle(): boolean {
    return this.#sdk._streamMapping.size === 0 && this.#sdk._requestToStreamMapping.size === 0;
  }

  /** Continues a session another replica initialized (its id and owner come from Redis). */
  resume(sessionId: string): void {
    this.sessionId = sessionId;
    this.#sdk._initialized = true;
  }

  /** Sends on the request's own stream: JSON when that request was answered as JSON, else SSE. */
  override send(message: JSONRPCMessage, options?: SendOptions): Promise<void> {
    const id = "id" in message && ("result" in message || "error" in message)
      ? message.id
      : options?.relatedRequestId;
    const stream = id === undefined ? undefined : this.#sdk._requestToStreamMapping.get(id);
    const json = stream !== undefined && this.#sdk._streamMapping.get(stream)?.resolveJson !== undefined;
    if (!json) return super.send(message, options);
    // JSON mode reads the flag synchronously only (no await on that path).
    this.#sdk._enableJsonResponse = true;
    try {
      return super.send(message, options);
    } finally {
      this.#sdk._enableJsonResponse = false;
      // Once the SDK has answered every request of that POST it forgets their ids, but in JSON mode it never
      // drops the stream entry itself (SDK 1.32.2 leaks one per request): drop it here.
      if (!this.#sdk._requestToStreamMapping.has(id!)) this.#sdk._streamMapping.delete(stream!);
    }
  }
}
