/** `deno task docs:api`: renders docs/api-reference.md from the OpenAPI document the server serves at
 * /openapi.json (edge/openapi.ts), so the reference cannot drift from the API (a test compares them). */
import { openApiDocument } from "../edge/openapi.ts";
import { ERROR_CODES, HTTP_STATUS } from "../core/mod.ts";

type Schema = Record<string, unknown>;
type Param = { name: string; in: string; required?: boolean; description?: string; schema?: Schema };
type Op = {
  summary?: string;
  description?: string;
  parameters?: Param[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string }>;
};

const cell = (s: unknown) => String(s ?? "").replaceAll("|", "\\|").replaceAll("\n", " ");
const typeOf = (s: Schema | undefined): string => {
  if (!s) return "";
  const range = [
    s.minimum !== undefined ? `≥ ${s.minimum}` : "",
    s.maximum !== undefined ? `≤ ${s.maximum}` : "",
  ]
    .filter(Boolean).join(", ");
  return `${s.type ?? (s.$ref ? String(s.$ref).split("/").pop() : "")}${range ? ` (${range})` : ""}`;
};

export function renderApiReference(): string {
  const doc = openApiDocument("reference") as unknown as {
    info: { title: string; description: string };
    paths: Record<string, Record<string, Op>>;
    components: { schemas: Record<string, Schema> };
  };
  const out: string[] = [
    `# ${doc.info.title} reference`,
    "",
    "Generated from the OpenAPI 3.1 document (`GET /openapi.json`, interactive page at `/docs`) by",
    "`deno task docs:api`; do not edit by hand. Every JSON answer except `/api/query` uses the envelope",
    "`{success, result, provenance, error, timing_ms}`; errors carry a typed `error.code` (table at the end).",
    "",
    doc.info.description,
    "",
  ];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      out.push(`## ${method.toUpperCase()} ${path}`, "", op.summary ?? "", "");
      if (op.description) out.push(op.description, "");
      if (op.parameters?.length) {
        out.push("| parameter | in | type | required | description |", "| --- | --- | --- | --- | --- |");
        for (const p of op.parameters) {
          out.push(
            `| \`${p.name}\` | ${p.in} | ${cell(typeOf(p.schema))} | ${p.required ? "yes" : "no"} | ${
              cell(p.description)
            } |`,
          );
        }
        out.push("");
      }
      const body = op.requestBody?.content["application/json"]?.schema;
      if (body) {
        out.push("Request body (JSON Schema):", "", "```json", JSON.stringify(body, null, 2), "```", "");
      }
      out.push(
        "Responses: " +
          Object.entries(op.responses).map(([code, r]) => `**${code}** ${r.description}`).join(" · "),
        "",
      );
    }
  }
  out.push(
    "## Error codes",
    "",
    "| code | HTTP status (for a failed request; understood questions answer 200 with `status`) |",
    "| --- | --- |",
    ...ERROR_CODES.map((c) => `| \`${c}\` | ${HTTP_STATUS[c]} |`),
    "",
    "## Schemas",
    "",
  );
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    out.push(`### ${name}`, "", "```json", JSON.stringify(schema, null, 2), "```", "");
  }
  return out.join("\n").trimEnd() + "\n";
}

if (import.meta.main) {
  const path = new URL("../docs/api-reference.md", import.meta.url);
  await Deno.writeTextFile(path, renderApiReference());
  console.log(`wrote ${path.pathname}`);
}
