/** @module JSON Schema for MCP tool inputs, generated from the zod schemas the HTTP API validates with. */
import { z } from "zod";

/** An MCP tool's `inputSchema`: JSON Schema 2020-12 of what callers send (defaults optional), always an object. */
export function inputSchemaOf(schema: z.ZodType): { type: "object"; [key: string]: unknown } {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  // MCP requires an object schema at the top; a schema zod could not express becomes "any object".
  return json.type === "object" ? json as { type: "object" } : { ...json, type: "object" };
}
