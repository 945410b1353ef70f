/**
 * @module One MCP server (SDK low-level `Server`) per MCP session: tools, `ask`, resources, prompts, completion and
 * logging over the shared agent. Transports (Streamable HTTP, stdio) connect to it; it knows neither.
 */
import { Server } from "./sdk.ts";
import { z } from "zod";
import {
  type CallToolResult,
  CompleteRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from "./sdk.ts";
import { type Agent, ChemAgentError, type Viewer } from "../../core/mod.ts";
import type { Principal } from "../ws/auth.ts";
import type { Access } from "../ws/access.ts";
import { ask, ASK_TOOL } from "./ask.ts";
import { toolError } from "./errors.ts";
import { getPrompt, PROMPTS } from "./prompts.ts";
import {
  completeCompound,
  completeLibrary,
  completeTarget,
  LIBRARY_TEMPLATE,
  readResource,
  RESOURCE_TEMPLATES,
  resourceList,
} from "./resources.ts";
import { callChemTool, chemToolList, isChemTool } from "./tools.ts";

export const SERVER_INFO = { name: "chemagent", title: "ChemAgent", version: "0.1.0" };

export interface McpServerOptions {
  /**
   * The verified caller for every request (stdio). Over HTTP each request carries its own, in
   * `authInfo.extra.principal`, so one server can serve many callers (stateless mode pools servers).
   */
  principal?: Principal;
  /** Ownership rules shared with the HTTP API and WebSocket (sessions belong to the token's `sub`). */
  access?: Access;
  /** Told when a tool call starts (+1) and ends (-1): the host waits for running calls when it drains. */
  onCall?: (delta: 1 | -1) => void;
  /** Reports errors that are not ChemAgent errors (bugs): logged by the host, answered as `internal`. */
  onUnexpected?: (err: unknown) => void;
}

const INSTRUCTIONS =
  "ChemAgent answers medicinal-chemistry questions over an embedded ChEMBL 18 + DrugCentral " +
  "dataset with RDKit-computed chemistry and provenance. Use `ask` for questions in plain English, the other " +
  "tools for single operations; read chemagent://dataset for what the data holds.";

/** A fresh MCP server over the agent (one per session: the SDK binds a server to one transport). */
export function createMcpServer(agent: Agent, o: McpServerOptions = {}): Server {
  const server = new Server(SERVER_INFO, {
    capabilities: {
      tools: { listChanged: false },
      resources: { listChanged: false },
      prompts: { listChanged: false },
      completions: {},
      logging: {},
    },
    instructions: INSTRUCTIONS,
  });
  const tools = [ASK_TOOL, ...chemToolList()];
  const principalOf = (extra: { authInfo?: { extra?: Record<string, unknown> } }) =>
    (extra.authInfo?.extra?.principal as Principal | undefined) ?? o.principal;
  // Library visibility, as on the HTTP API (edge/routes/libraries.ts viewerOf): the token's `sub`, ownership
  // enforced when auth is on. Without access rules (stdio) the agent's default viewer applies.
  const viewerOf = (extra: { authInfo?: { extra?: Record<string, unknown> } }): Viewer =>
    o.access ? { sub: principalOf(extra)?.sub, enforced: o.access.enforced } : agent.defaultViewer;

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));

  // tools/call is registered below the SDK Server's wrapper, which re-validates the request and then the
  // result with zod on every call (our results are built here, from typed values): the protocol layer gets a
  // method-only schema, and the params are checked by hand, with the same InvalidParams error.
  registerUnwrapped(server, TOOLS_CALL, async (req, extra): Promise<CallToolResult> => {
    const { name, arguments: args = {} } = callParams(req.params);
    o.onCall?.(1);
    try {
      if (name === "ask") {
        return await ask(agent, args, {
          ...(o.access
            ? { claimSession: (id: string) => o.access!.claimSession(principalOf(extra), id) }
            : {}),
          viewer: viewerOf(extra),
          signal: extra.signal,
          progressToken: extra._meta?.progressToken,
          sendNotification: extra.sendNotification,
        });
      }
      if (!isChemTool(name)) {
        throw new ChemAgentError("not_found", `Unknown tool "${name}".`, {
          suggestions: tools.map((t) => t.name).filter((t) => t.includes(name) || name.includes(t)),
        });
      }
      return await callChemTool(agent, name, args, extra.signal, viewerOf(extra));
    } catch (e) {
      return toolError(e, o.onUnexpected);
    } finally {
      o.onCall?.(-1);
    }
  });

  server.setRequestHandler(
    ListResourcesRequestSchema,
    (_req, extra) => ({ resources: resourceList(agent, viewerOf(extra)) }),
  );
  server.setRequestHandler(
    ListResourceTemplatesRequestSchema,
    () => ({ resourceTemplates: RESOURCE_TEMPLATES }),
  );
  server.setRequestHandler(
    ReadResourceRequestSchema,
    (req, extra) => protocolErrors(() => readResource(agent, req.params.uri, viewerOf(extra)), o),
  );

  server.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts: PROMPTS }));
  server.setRequestHandler(
    GetPromptRequestSchema,
    (req) => protocolErrors(() => getPrompt(req.params.name, req.params.arguments), o),
  );

  server.setRequestHandler(CompleteRequestSchema, async (req, extra) => {
    const { ref, argument } = req.params;
    let values: string[] = [];
    const wanted = argument.name;
    if (ref.type === "ref/resource") {
      if (ref.uri === "chemagent://compound/{id}" && wanted === "id") {
        values = await completeCompound(agent, argument.value);
      }
      if (ref.uri === "chemagent://target/{id}" && wanted === "id") {
        values = completeTarget(agent, argument.value);
      }
      if (ref.uri === LIBRARY_TEMPLATE && wanted === "id") {
        values = completeLibrary(agent, argument.value, viewerOf(extra));
      }
    } else if (
      ref.type === "ref/prompt" && wanted === "compound" && PROMPTS.some((p) => p.name === ref.name)
    ) {
      values = await completeCompound(agent, argument.value);
    }
    // Anything else (another server's prompt, an argument without suggestions) completes to nothing: completion
    // is advisory, and an empty list is the honest answer.
    return { completion: { values, total: values.length, hasMore: false } };
  });

  return server;
}

const TOOLS_CALL = z.looseObject({ method: z.literal("tools/call"), params: z.unknown() });

type Handler = Parameters<Server["setRequestHandler"]>[1];

/** Server.setRequestHandler minus the Server's tools/call validation wrapper (the Protocol's own method). */
function registerUnwrapped(server: Server, schema: typeof TOOLS_CALL, handler: Handler): void {
  const protocolSet = Object.getPrototypeOf(Server.prototype).setRequestHandler as (
    this: Server,
    s: typeof TOOLS_CALL,
    h: Handler,
  ) => void;
  protocolSet.call(server, schema, handler);
}

/** The tools/call params CallToolRequestSchema would accept: a name, and arguments as an object when given. */
function callParams(params: unknown): { name: string; arguments?: Record<string, unknown> } {
  const p = params as { name?: unknown; arguments?: unknown } | undefined;
  const args = p?.arguments;
  if (!p || typeof p !== "object" || typeof p.name !== "string") {
    throw new McpError(ErrorCode.InvalidParams, "Invalid tools/call request: params.name must be a string.");
  }
  if (args !== undefined && (args === null || typeof args !== "object" || Array.isArray(args))) {
    throw new McpError(
      ErrorCode.InvalidParams,
      "Invalid tools/call request: params.arguments must be an object.",
    );
  }
  return p as { name: string; arguments?: Record<string, unknown> };
}

/** ChemAgent errors outside tool calls become JSON-RPC errors carrying the ChemAgent code in `data`. */
async function protocolErrors<T>(run: () => T | Promise<T>, o: McpServerOptions): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof ChemAgentError) {
      // -32002 is MCP's "resource not found"; bad arguments are invalid params.
      const rpc = e.code === "not_found"
        ? -32002
        : e.code === "internal"
        ? ErrorCode.InternalError
        : ErrorCode.InvalidParams;
      throw new McpError(rpc, e.message, e.toBody());
    }
    o.onUnexpected?.(e);
    throw new McpError(ErrorCode.InternalError, "Internal error.", { code: "internal" });
  }
}
