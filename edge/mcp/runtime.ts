/** @module What serving MCP needs at run time (the SDK server and transport, ~60–110 ms to load): imported by
 * http.ts on the first `/mcp` request or shortly after start, never on the start-up path. */
export { createMcpServer } from "./server.ts";
export { McpTransport } from "./transport.ts";
