/**
 * @module The SDK's Streamable HTTP transport, answering each request as JSON or as an SSE stream, chosen per
 * request. The SDK chooses once per transport (`enableJsonResponse`); the spec lets a server answer any request
 * with either. A short call that nobody streams (no progress token) is cheaper as one JSON body: no stream, no
 * priming event, no event-store writes, one write with a Content-Length. Requests that stream keep SSE (and its
 * resumability).
 *
 * The choice is made by flipping the SDK's private `_enableJsonResponse` around the synchronous parts of
 * `handleRequest` and `send` that read it (the SDK is pinned; the constructor refuses to run if those fields
 * moved, and tests/integration/mcp_test.ts covers both shapes).
 */
import { type JSONRPCMessage, type RequestId, WebStandardStreamableHTTPServerTransport } from "./sdk.ts";

type Options = ConstructorParameters<typeof WebStandardStreamableHTTPServerTransport>[0];
type HandleOptions = Parameters<WebStandardStreamableHTTPServerTransport["handleRequest"]>[1];
type SendOptions = Parameters<WebStandardStreamableHTTPServerTransport["send"]>[1];

/** The SDK fields the per-request choice relies on (1.32.2). */
interface Internals {
  _enableJsonResponse: boolean;
  _streamMapping: Map<string, { resolveJson?: unknown }>;
  _requestToStreamMapping: Map<RequestId, string>;
}

export class McpTransport extends WebStandardStreamableHTTPServerTransport {
  readonly #sdk: Internals;

  constructor(options: Options) {
    super({ ...options, enableJsonResponse: false });
    this.#sdk = this as unknown as Internals;
    if (
      typeof this.#sdk._enableJsonResponse !== "boolean" || !(this.#sdk._streamMapping instanceof Map) ||
      !(this.#sdk._requestToStreamMapping instanceof Map)
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
    this.#sdk._enableJsonResponse = true;
    try {
      return this.handleRequest(req, rest);
    } finally {
      this.#sdk._enableJsonResponse = false;
    }
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
