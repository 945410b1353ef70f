/**
 * @module The one QueryRequest schema (DESIGN.md §3) every transport validates with: POST/GET /api/query,
 * SSE, WebSocket (`config` accepted as an alias of `options`), the CLI and the MCP server. Unknown fields are
 * refused with `invalid_request` naming the field, so a misplaced field (a top-level `cache`) is never dropped
 * silently.
 */
import { z } from "zod";
import { ChemAgentError } from "./errors.ts";
import type { QueryRequest } from "./types.ts";

/** "is required" when absent, else what the value must be. */
const expected = (what: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : what),
});

export const queryOptionsSchema = z.strictObject({
  cache: z.boolean(expected("must be true or false")).optional(),
  llm: z.enum(["auto", "off"], expected('must be "auto" or "off"')).optional(),
  limit: z.number(expected("must be a number")).int({ error: "must be a whole number" })
    .min(1, { error: "must be at least 1" }).max(500, { error: "must be at most 500" }).optional(),
  parallel: z.boolean(expected("must be true or false")).optional(),
});

export const sessionIdSchema = z.string(expected("must be a string")).min(1, { error: "must not be empty" })
  .max(100, { error: "must be at most 100 characters" })
  .regex(/^[\w:.-]+$/, { error: "may hold letters, digits and _ : . -" });

/** The request body of POST /api/query (also the JSON Schema in openapi.json). */
export const queryRequestSchema = z.strictObject({
  query: z.string(expected("must be a string")),
  session_id: sessionIdSchema.optional(),
  options: queryOptionsSchema.optional(),
}) satisfies z.ZodType<QueryRequest>;

/** Names of the option fields, for "did you mean options.cache?" hints. */
const OPTION_NAMES = new Set(Object.keys(queryOptionsSchema.shape));

/** The first problem of a failed parse as one sentence naming the field. */
export function describeIssue(issues: z.core.$ZodIssue[], where = "request"): string {
  const issue = issues[0];
  const path = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k));
    const hint = !path && issue.keys.length === 1 && OPTION_NAMES.has(issue.keys[0])
      ? ` (did you mean options.${issue.keys[0]}?)`
      : "";
    return `Unknown field${keys.length > 1 ? "s" : ""} ${keys.map((k) => `"${k}"`).join(", ")}${hint}.`;
  }
  return `${path || where} ${issue.message}.`;
}

/** Validates anything (a JSON body, a WebSocket message, CLI flags) as a QueryRequest; throws `invalid_request`. */
export function parseQueryRequest(raw: unknown): QueryRequest {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ChemAgentError("invalid_request", "The request must be a JSON object with a query field.");
  }
  const parsed = queryRequestSchema.safeParse(raw);
  if (!parsed.success) throw new ChemAgentError("invalid_request", describeIssue(parsed.error.issues));
  return parsed.data;
}

/** Accepts the WebSocket spelling: `config` is an alias of `options` (giving both is ambiguous). */
export function withOptionsAlias(raw: Record<string, unknown>): Record<string, unknown> {
  if (!("config" in raw)) return raw;
  const { config, ...rest } = raw;
  if ("options" in rest) {
    throw new ChemAgentError("invalid_request", 'Give "options" or its alias "config", not both.');
  }
  return { ...rest, options: config };
}

const BOOLEAN_PARAMS: Record<string, boolean> = { true: true, "1": true, false: false, "0": false };

/**
 * URL query parameters (GET /api/query, SSE) as a QueryRequest: `q` (or `query`), `session_id`, and the
 * options flat (`cache`, `llm`, `limit`, `parallel`). The same rules as a JSON body: unknown parameters are
 * refused, a parameter given twice is refused, booleans are true/false/1/0, limit is a number.
 */
export function queryRequestFromParams(params: URLSearchParams): QueryRequest {
  const raw: Record<string, unknown> = {};
  const options: Record<string, unknown> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    if (values.length > 1) throw new ChemAgentError("invalid_request", `Parameter "${name}" is given twice.`);
    const v = values[0];
    if (name === "q" || name === "query") {
      if ("query" in raw) throw new ChemAgentError("invalid_request", 'Give "q" or "query", not both.');
      raw.query = v;
    } else if (name === "session_id") raw.session_id = v;
    else if (name === "cache" || name === "parallel") options[name] = BOOLEAN_PARAMS[v] ?? v;
    else if (name === "limit") options.limit = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    else if (name === "llm") options.llm = v;
    else raw[name] = v; // refused by the schema, naming the parameter
  }
  if (!("query" in raw)) {
    throw new ChemAgentError("invalid_request", "query is required: give the question as ?q=….");
  }
  if (Object.keys(options).length) raw.options = options;
  return parseQueryRequest(raw);
}
