/**
 * @module The `ask` tool: a natural-language question in the one QueryRequest shape (core/request.ts), answered by
 * the agent. The query's events become MCP progress notifications; MCP cancellation aborts the query.
 */
import type { CallToolResult, ServerNotification, Tool as McpTool } from "./sdk.ts";
import {
  type Agent,
  ChemAgentError,
  parseQueryRequest,
  type QueryEvent,
  queryRequestSchema,
  type QueryResponse,
  type Viewer,
} from "../../core/mod.ts";
import { inputSchemaOf } from "./schema.ts";

export const ASK_TOOL: McpTool = {
  name: "ask",
  title: "Ask ChemAgent",
  description:
    'Answers a medicinal-chemistry question in plain English ("What are the targets of imatinib?", ' +
    '"Find compounds similar to ibuprofen with MW < 300") over ChEMBL 18 + DrugCentral, with RDKit-computed ' +
    "properties and provenance. Streams progress; says what it could not use. session_id keeps a conversation.",
  inputSchema: inputSchemaOf(queryRequestSchema),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: false },
};

export interface AskContext {
  /** May the caller use this conversation? (edge/ws/access.ts: sessions belong to the token's `sub`.) */
  claimSession?: (sessionId: string) => Promise<boolean>;
  /** The caller, for library visibility (undefined: the agent's default). */
  viewer?: Viewer;
  signal: AbortSignal;
  progressToken?: string | number;
  sendNotification(n: ServerNotification): Promise<void>;
}

/** Runs the question; never throws for a question's own outcome (an error answer is an `isError` result). */
export async function ask(agent: Agent, raw: unknown, ctx: AskContext): Promise<CallToolResult> {
  const req = parseQueryRequest(raw);
  // Another user's conversation is reported as not found, as on every other transport.
  if (req.session_id && ctx.claimSession && !(await ctx.claimSession(req.session_id))) {
    throw new ChemAgentError("not_found", `No session ${req.session_id}.`);
  }
  const { progressToken } = ctx;
  const onEvent = progressToken === undefined ? undefined : (e: QueryEvent) => {
    // seq is gap-free and increasing per query: exactly what MCP asks of a progress value.
    ctx.sendNotification({
      method: "notifications/progress",
      params: { progressToken, progress: e.seq, message: describeEvent(e) },
    }).catch(() => {/* the client went away; the answer still completes */});
  };
  const res = await agent.query(req, {
    signal: ctx.signal,
    ...(onEvent ? { onEvent } : {}),
    ...(ctx.viewer ? { viewer: ctx.viewer } : {}),
  });
  return toResult(res);
}

function describeEvent(e: QueryEvent): string {
  const pct = `${Math.round(e.progress * 100)}%`;
  const intent = e.data.intent as { type?: unknown } | string | undefined;
  const what = [e.data.tool, typeof intent === "object" ? intent?.type : intent]
    .find((v): v is string => typeof v === "string");
  return what ? `${e.type} ${what} (${pct})` : `${e.type} (${pct})`;
}

function toResult(res: QueryResponse): CallToolResult {
  const structured = res as unknown as Record<string, unknown>;
  if (res.status === "error") {
    const code = res.error?.code ?? "internal";
    const hint = res.error?.suggestions?.length ? `\nDid you mean: ${res.error.suggestions.join(", ")}?` : "";
    return {
      isError: true,
      content: [{ type: "text", text: `Error (${code}): ${res.error?.message ?? res.answer}${hint}` }],
      structuredContent: structured,
    };
  }
  const lines = [res.answer];
  if (res.status === "clarification_needed" && res.clarification) {
    lines.push(res.clarification.question, ...res.clarification.options.map((o) => `- ${o}`));
  }
  if (res.notes?.length) lines.push("", ...res.notes.map((n) => `Note: ${n}`));
  return {
    content: [{ type: "text", text: lines.filter(Boolean).join("\n") }],
    structuredContent: structured,
  };
}
