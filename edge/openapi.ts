/** @module The OpenAPI 3.1 document for the HTTP API and a dependency-free docs page. */
import { z } from "zod";
import { ERROR_CODES, queryRequestSchema } from "../core/mod.ts";
import { propertiesBody } from "./routes/chemistry.ts";

const envelope = {
  type: "object",
  properties: {
    success: { type: "boolean" },
    result: { type: "object" },
    provenance: {
      type: "array",
      items: {
        type: "object",
        properties: { source: { type: "string" }, id: { type: "string" }, note: { type: "string" } },
      },
    },
    error: { $ref: "#/components/schemas/Error" },
    timing_ms: { type: "object" },
  },
  required: ["success"],
};

/** Dashboard figures cover user traffic unless asked otherwise. */
function originParam() {
  return queryParam(
    "origin",
    "string",
    "whose queries: user (default; warm-up and probes excluded), warmup, probe or all",
  );
}
/** An array of question spans (text with its start/end offsets), plus any extra fields. */
const spans = (extra: Record<string, unknown> = {}, required: string[] = []) => ({
  type: "array",
  items: {
    type: "object",
    properties: { text: { type: "string" }, start: { type: "integer" }, end: { type: "integer" }, ...extra },
    required: ["text", "start", "end", ...required],
  },
});
const json = (schema: unknown) => ({ "application/json": { schema } });
const responses = (extra: Record<string, string> = {}) => ({
  "200": { description: "Envelope with result", content: json({ $ref: "#/components/schemas/Envelope" }) },
  "400": {
    description: "invalid_parameter / invalid_request / invalid_smiles",
    content: json({ $ref: "#/components/schemas/Envelope" }),
  },
  ...Object.fromEntries(
    Object.entries(extra).map((
      [k, v],
    ) => [k, { description: v, content: json({ $ref: "#/components/schemas/Envelope" }) }]),
  ),
});
const pathParam = (name: string, description: string) => ({
  name,
  in: "path",
  required: true,
  schema: { type: "string" },
  description,
});
const queryParam = (
  name: string,
  type: string,
  description: string,
  extra: Record<string, unknown> = {},
) => ({
  name,
  in: "query",
  required: false,
  schema: { type, ...extra },
  description,
});
/** GET /api/query and the SSE stream take the QueryRequest as parameters (options flat); others are refused. */
const QUERY_PARAMS = [
  queryParam("q", "string", "the question (or `query`)"),
  queryParam("session_id", "string", "conversation id"),
  queryParam("cache", "boolean", "false bypasses the cache"),
  queryParam("llm", "string", "auto or off", { enum: ["auto", "off"] }),
  queryParam("limit", "integer", "result rows per step", { minimum: 1, maximum: 500 }),
  queryParam("parallel", "boolean", "run independent steps in parallel"),
];

const envelopeResponse = (description: string) => ({
  description,
  content: json({ $ref: "#/components/schemas/Envelope" }),
});

/** Operator operations: need the `admin` role when AUTH_REQUIRED=true. */
const ADMIN_ONLY = new Set([
  "get /metrics",
  "get /api/metrics/queries",
  "get /api/metrics/errors",
  "get /api/metrics/slow-queries",
  "get /api/metrics/report.pdf",
  "delete /api/cache",
  "post /api/cache/events",
  "post /api/cache/warm",
  "post /api/alerts/{id}/ack",
  "post /api/alerts/silences",
  "delete /api/alerts/silences/{id}",
]);

/** The responses every API operation can give, added once instead of repeated per route: auth (401/403),
 * limits (413 body, 414 URL) and the rate limit (429 with Retry-After). */
function withCommonResponses<P extends Record<string, Record<string, { responses: object }>>>(paths: P): P {
  const all = paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
  for (const [path, ops] of Object.entries(all)) {
    if (!path.startsWith("/api/") && path !== "/metrics") continue;
    for (const [method, op] of Object.entries(ops)) {
      const admin = ADMIN_ONLY.has(`${method} ${path}`);
      op.responses = {
        ...op.responses,
        "401": envelopeResponse("unauthorized: missing, invalid or expired token (AUTH_REQUIRED=true)"),
        ...(admin ? { "403": envelopeResponse('forbidden: the token lacks the "admin" role') } : {}),
        ...(method === "post" || method === "put" ? { "413": envelopeResponse("payload_too_large") } : {}),
        "414": envelopeResponse("invalid_request: URL longer than CHEMAGENT_MAX_URL_BYTES"),
        ...(path !== "/metrics"
          ? {
            "429": {
              ...envelopeResponse("rate_limited (per user, or per client address when anonymous)"),
              headers: { "Retry-After": { schema: { type: "integer" }, description: "seconds" } },
            },
          }
          : {}),
      };
      if (admin) (op as Record<string, unknown>)["x-required-role"] = "admin";
    }
  }
  return paths;
}

export function openApiDocument(version: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "ChemAgent API",
      version,
      description:
        "Natural-language research assistant for medicinal chemistry. Data: ChEMBL 18 (EMBL-EBI) and DrugCentral, CC BY-SA 4.0.",
      license: { name: "MIT (code); CC BY-SA 4.0 (data)" },
    },
    security: [{ bearer: [] }, {}],
    paths: withCommonResponses({
      "/health": { get: { summary: "Liveness", responses: { "200": { description: "ok" } } } },
      "/ready": {
        get: {
          summary: "Readiness (dataset loaded, not draining)",
          responses: { "200": { description: "ready" }, "503": { description: "draining" } },
        },
      },
      "/ready/query": {
        get: {
          summary: "Deep readiness: answers one known question end to end (origin probe: not user traffic)",
          responses: { "200": { description: "answered" }, "503": { description: "failing or draining" } },
        },
      },
      "/api/query": {
        get: {
          summary: "Ask a question with a GET (same answer as POST /api/query; `q` or `query`)",
          parameters: [
            ...QUERY_PARAMS,
          ],
          responses: {
            "200": {
              description: "QueryResponse",
              content: json({ $ref: "#/components/schemas/QueryResponse" }),
            },
            "400": { description: "invalid_request" },
          },
        },
        post: {
          summary: "Ask a question in plain English",
          requestBody: { required: true, content: json(z.toJSONSchema(queryRequestSchema)) },
          responses: {
            "200": {
              description: "QueryResponse",
              content: json({ $ref: "#/components/schemas/QueryResponse" }),
            },
            "400": { description: "invalid request" },
            "413": { description: "payload_too_large" },
          },
        },
      },
      "/api/query/stream": {
        get: {
          summary: "Server-sent events of a query (same QueryEvents as the WebSocket)",
          parameters: [
            ...QUERY_PARAMS,
          ],
          responses: {
            "200": { description: "text/event-stream" },
            "400": { description: "invalid_request (the same QueryRequest rules as POST)" },
          },
        },
      },
      "/api/compounds": {
        get: {
          summary: "Search compounds by name",
          parameters: [
            queryParam("search", "string", "name, synonym, ID or SMILES"),
            queryParam("limit", "integer", "1–100", { minimum: 1, maximum: 100 }),
          ],
          responses: responses(),
        },
      },
      "/api/compounds/{id}": {
        get: {
          summary: "Compound by ChEMBL ID, name or SMILES",
          parameters: [pathParam("id", "CHEMBL25, aspirin, …")],
          responses: responses({ "404": "not_found" }),
        },
      },
      "/api/compounds/{id}/similar": {
        get: {
          summary: "Similar compounds (Morgan r2/2048 Tanimoto)",
          parameters: [
            pathParam("id", "compound"),
            queryParam("threshold", "number", "0–1 (default 0.7)", { minimum: 0, maximum: 1 }),
            queryParam("limit", "integer", "1–500 (default 10)"),
          ],
          responses: responses({ "404": "not_found" }),
        },
      },
      "/api/compounds/{id}/targets": {
        get: {
          summary: "Targets of a compound",
          parameters: [
            pathParam("id", "compound"),
            queryParam("curated", "boolean", "only curated mechanisms"),
          ],
          responses: responses({ "404": "not_found" }),
        },
      },
      "/api/targets/{id}/ligands": {
        get: {
          summary: "Ligands of a target (gene symbol, alias, name, ChEMBL target ID or UniProt)",
          parameters: [
            pathParam("id", "EGFR, COX-2, CHEMBL203, P00533"),
            queryParam("limit", "integer", "1–2000"),
            queryParam("curated", "boolean", "only curated mechanisms"),
          ],
          responses: responses({ "404": "not_found" }),
        },
      },
      "/api/properties": {
        post: {
          summary: "Descriptors, Lipinski and Veber for a SMILES or compound",
          requestBody: { required: true, content: json(z.toJSONSchema(propertiesBody)) },
          responses: responses({ "413": "payload_too_large" }),
        },
      },
      "/api/tools/{name}": {
        post: {
          summary: "Call any tool with JSON arguments",
          parameters: [
            pathParam(
              "name",
              "compound_lookup, properties, lipinski, similarity_search, substructure_search, targets_of_compound, ligands_of_target, compare_properties, filter_by_properties, rank",
            ),
          ],
          responses: responses({ "404": "not_found: no such tool (error.suggestions lists the tools)" }),
        },
      },
      "/api/sessions": {
        post: { summary: "Start a conversation (returns a session_id)", responses: responses() },
      },
      "/api/sessions/{id}": {
        get: {
          summary: "Conversation history and context (last compounds, targets, results)",
          parameters: [pathParam("id", "session id")],
          responses: responses({ "404": "not_found (also another user's session when AUTH_REQUIRED=true)" }),
        },
        delete: {
          summary: "Forget a conversation",
          parameters: [pathParam("id", "session id")],
          responses: responses({ "404": "not_found (also another user's session when AUTH_REQUIRED=true)" }),
        },
      },
      "/api/libraries": {
        post: {
          summary:
            "Upload a compound library (SDF, SMILES or CSV with a SMILES column; the file is the request body, " +
            "streamed; gzip via Content-Encoding: gzip or a .gz filename). Records are standardised (largest " +
            "fragment, neutralised, canonical SMILES), described and fingerprinted in the RDKit workers; bad records " +
            "and duplicates are reported with their record and line numbers, never failing the import. With " +
            "Accept: text/event-stream the answer is SSE: accepted, library_progress…, then library_imported or " +
            "error (the event envelope of the WebSocket protocol).",
          parameters: [
            queryParam("name", "string", "library name (1–80 characters), unique per user"),
            queryParam("format", "string", "sdf | smiles | csv (default: from filename, else sniffed)"),
            queryParam("filename", "string", "the uploaded file's name (format and .gz are read from it)"),
          ],
          requestBody: {
            content: {
              "chemical/x-mdl-sdfile": { schema: { type: "string", format: "binary" } },
              "text/plain": { schema: { type: "string" } },
              "text/csv": { schema: { type: "string" } },
              "application/gzip": { schema: { type: "string", format: "binary" } },
            },
          },
          responses: responses({
            "400":
              "invalid_parameter (name, format, duplicate name) / invalid_request (no usable record, no SMILES column)",
            "413": "payload_too_large (over CHEMAGENT_MAX_LIBRARY_BYTES, compressed or decompressed)",
          }),
        },
        get: {
          summary: "The caller's libraries (every library when AUTH_REQUIRED=false)",
          responses: responses(),
        },
      },
      "/api/libraries/{id}": {
        get: {
          summary: "One library with its import report (rejected and duplicate records, molecules/s)",
          parameters: [pathParam("id", "library id (lib_…)")],
          responses: responses({ "404": "not_found (also another user's library when AUTH_REQUIRED=true)" }),
        },
        delete: {
          summary: "Delete a library (memory and state directory)",
          parameters: [pathParam("id", "library id (lib_…)")],
          responses: responses({ "404": "not_found (also another user's library when AUTH_REQUIRED=true)" }),
        },
      },
      "/api/cache/stats": {
        get: {
          summary: "Cache statistics per tier (hits, misses, size, evictions, L2 health)",
          responses: responses(),
        },
      },
      "/api/cache": {
        delete: {
          summary: "Invalidate by tag, namespace or key",
          parameters: [
            queryParam("tag", "string", "repeatable, e.g. compound:CHEMBL25"),
            queryParam("namespace", "string", "query, tool or *"),
            queryParam("key", "string", "repeatable cache key"),
          ],
          responses: responses(),
        },
      },
      "/api/cache/events": {
        post: {
          summary:
            "Data-change event → invalidation: {type: compound_updated, id} | {type: dataset_reloaded} | {type: tool_changed, tool}",
          responses: responses({ "413": "payload_too_large" }),
        },
      },
      "/api/cache/warm": {
        post: {
          summary: "Warm the cache with the common and most frequent questions",
          responses: responses(),
        },
      },
      "/api/metrics/summary": {
        get: {
          summary:
            "Totals, outcomes (answered / user error / system error), latency percentiles, cache hit rate, health score",
          parameters: [queryParam("window", "string", "24h, 7d or 30d (default 24h)"), originParam()],
          responses: responses(),
        },
      },
      "/api/metrics/history": {
        get: {
          summary: "A metric as a time series from the persisted rollups (fleet-wide with Redis)",
          parameters: [
            queryParam(
              "metric",
              "string",
              "queries, errors, user_errors, answered, error_rate, cache_hit_rate, latency_avg, latency_p95",
            ),
            queryParam("window", "string", "1m, 5m, 1h or 1d (default 5m)"),
            queryParam("from", "string", "ISO-8601 or epoch ms (default to − 24 h)"),
            queryParam("to", "string", "ISO-8601 or epoch ms (default now)"),
            originParam(),
          ],
          responses: responses(),
        },
      },
      "/api/metrics/errors": {
        get: { summary: "Recent errors (stack traces for operators only)", responses: responses() },
      },
      "/api/metrics/slow-queries": { get: { summary: "Slowest recent queries", responses: responses() } },
      "/api/metrics/queries": {
        get: { summary: "Recent queries", parameters: [originParam()], responses: responses() },
      },
      "/api/metrics/tools": {
        get: {
          summary: "Per-tool count, latency and error rate",
          parameters: [originParam()],
          responses: responses(),
        },
      },
      "/api/metrics/report.pdf": {
        get: {
          summary: "The dashboard report as a PDF",
          parameters: [queryParam("window", "string", "24h, 7d or 30d")],
          responses: { "200": { description: "application/pdf" } },
        },
      },
      "/api/alerts": {
        get: { summary: "Alert rules, firing alerts, silences and history", responses: responses() },
      },
      "/api/alerts/{id}/ack": {
        post: {
          summary: "Acknowledge an alert (stops re-notification)",
          parameters: [pathParam("id", "alert id")],
          responses: responses({ "404": "not_found" }),
        },
      },
      "/api/alerts/silences": {
        post: {
          summary: "Silence a rule: {rule, minutes, reason}",
          responses: responses({ "413": "payload_too_large" }),
        },
      },
      "/api/alerts/silences/{id}": {
        delete: {
          summary: "Remove a silence",
          parameters: [pathParam("id", "silence id")],
          responses: responses({ "404": "not_found" }),
        },
      },
      "/metrics": {
        get: {
          summary: "Prometheus exposition (text format 0.0.4)",
          responses: { "200": { description: "text/plain" } },
        },
      },
      "/ws": {
        get: {
          summary:
            "WebSocket upgrade: streamed query events, cancel/pause/resume/clarify, rooms, replay (docs/protocol.md)",
          responses: {
            "101": { description: "Switching Protocols" },
            "401": { description: "unauthorized" },
          },
        },
      },
      "/api/depict": {
        get: {
          summary: "SVG depiction",
          parameters: [
            queryParam("smiles", "string", "SMILES or compound ID"),
            queryParam("width", "integer", "50–2000"),
            queryParam("height", "integer", "50–2000"),
            queryParam("highlight", "string", "SMARTS to highlight"),
          ],
          responses: { "200": { description: "image/svg+xml" }, "400": { description: "invalid_smiles" } },
        },
      },
    }),
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "Required when AUTH_REQUIRED=true: HS256 (JWT_SECRET) or JWKS (JWT_JWKS_URL); `exp` and `sub` required, " +
            "`iss`/`aud` checked when JWT_ISSUER/JWT_AUDIENCE are set; operator endpoints need `admin` in the " +
            "roles claim (JWT_ROLES_CLAIM).",
        },
      },
      schemas: {
        Envelope: envelope,
        Error: {
          type: "object",
          properties: {
            code: { type: "string", enum: [...ERROR_CODES] },
            message: { type: "string" },
            suggestions: { type: "array", items: { type: "string" } },
          },
          required: ["code", "message"],
        },
        QueryResponse: {
          type: "object",
          properties: {
            query_id: { type: "string" },
            session_id: { type: "string" },
            status: { type: "string", enum: ["success", "partial", "error", "clarification_needed"] },
            success: { type: "boolean" },
            intent: { type: "object" },
            plan: { type: "object" },
            result: { type: "object" },
            answer: { type: "string" },
            error: { $ref: "#/components/schemas/Error" },
            clarification: { type: "object" },
            provenance: { type: "array" },
            cached: { type: "boolean" },
            timing_ms: { type: "object" },
            understanding: {
              type: "object",
              description:
                "How the question's words were used; unused content words make the answer partial.",
              properties: {
                used: spans({ as: { type: "string" }, value: { type: "string" } }, ["as"]),
                unused: spans(),
                corrections: {
                  type: "array",
                  items: {
                    type: "object",
                    properties: { from: { type: "string" }, to: { type: "string" } },
                    required: ["from", "to"],
                  },
                },
              },
              required: ["used", "unused", "corrections"],
            },
            notes: { type: "array", items: { type: "string" } },
          },
          required: [
            "query_id",
            "status",
            "success",
            "intent",
            "plan",
            "result",
            "answer",
            "understanding",
            "notes",
          ],
        },
      },
    },
  };
}

export const DOCS_HTML =
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ChemAgent API</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1b2430}
h1{margin-bottom:0}.op{border:1px solid #d8dee6;border-radius:8px;margin:.8rem 0;padding:.6rem 1rem}
.m{display:inline-block;min-width:3.5rem;font-weight:700;color:#fff;border-radius:4px;padding:0 .4rem;margin-right:.5rem;text-align:center}
.get{background:#2f7d32}.post{background:#1f5fa8}code{background:#f2f4f7;padding:0 .3rem;border-radius:3px}
table{border-collapse:collapse;margin-top:.4rem}td{padding:.1rem .6rem;border-top:1px solid #eee;vertical-align:top}</style></head>
<body><h1>ChemAgent API</h1><p id="desc"></p><p>Machine-readable: <a href="/openapi.json">/openapi.json</a></p><div id="ops"></div>
<script type="module">
const doc = await (await fetch("/openapi.json")).json();
document.getElementById("desc").textContent = doc.info.description + " — version " + doc.info.version;
const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch]);
const out = [];
for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) {
  const params = (op.parameters ?? []).map((p) => "<tr><td><code>" + esc(p.name) + "</code> (" + p.in + ")</td><td>" + esc(p.description) + "</td></tr>").join("");
  const codes = Object.entries(op.responses ?? {}).map(([k, v]) => "<code>" + k + "</code> " + esc(v.description)).join(" · ");
  out.push('<div class="op"><span class="m ' + method + '">' + method.toUpperCase() + "</span><code>" + esc(path) + "</code> — " + esc(op.summary) +
    (params ? "<table>" + params + "</table>" : "") + "<div>" + codes + "</div></div>");
}
document.getElementById("ops").innerHTML = out.join("");
</script></body></html>`;
