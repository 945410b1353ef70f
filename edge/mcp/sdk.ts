/**
 * @module The MCP TypeScript SDK, imported in one place. Its `./*` export maps types to `*.d.ts`, which Deno does
 * not apply to `.js` subpaths (they would type as inferred JavaScript, mostly `any`): `@ts-types` points each
 * runtime `.js` import at its declaration file.
 */
// @ts-types="@modelcontextprotocol/sdk/server"
export { Server } from "@modelcontextprotocol/sdk/server/index.js";
// @ts-types="@modelcontextprotocol/sdk/server/webStandardStreamableHttp"
export {
  type EventId,
  type EventStore,
  type StreamId,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/server/stdio"
export { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
// @ts-types="@modelcontextprotocol/sdk/types"
export * from "@modelcontextprotocol/sdk/types.js";
