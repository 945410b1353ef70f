/** @module How a tool is declared: a name, a zod schema for its arguments, and a run function. */
import { z } from "zod";
import { ChemAgentError } from "../errors.ts";
import type { Provenance, ToolContext } from "./context.ts";

export interface ToolOutput {
  provenance: Provenance[];
}

export interface Tool<A = unknown, R extends ToolOutput = ToolOutput> {
  name: string;
  description: string;
  args: z.ZodType<A>;
  run(args: A, ctx: ToolContext): R | Promise<R>;
  /** Markdown for the answer (tools without one fall back to answer/render.ts). */
  render?(out: R, focus: string[]): string;
  /** One line for this output when the tool ran once per item of an earlier list (for_each). */
  renderItem?(out: R): string;
}

/** Declares a tool; `invoke` validates raw args first so every caller gets `invalid_parameter`, never a crash. */
export function defineTool<S extends z.ZodType, R extends ToolOutput>(
  spec: {
    name: string;
    description: string;
    args: S;
    run(args: z.infer<S>, ctx: ToolContext): R | Promise<R>;
    render?(out: NoInfer<R>, focus: string[]): string;
    renderItem?(out: NoInfer<R>): string;
  },
): Tool<z.infer<S>, R> {
  return spec as unknown as Tool<z.infer<S>, R>;
}

// deno-lint-ignore no-explicit-any
export type AnyTool = Tool<any, ToolOutput>;

export async function invokeTool<A, R extends ToolOutput>(
  tool: Tool<A, R>,
  raw: unknown,
  ctx: ToolContext,
): Promise<R> {
  const parsed = tool.args.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? issue.path.join(".") : "arguments";
    throw new ChemAgentError(
      "invalid_parameter",
      `${tool.name}: ${where} ${issue.message.replace(/^Invalid input: /, "")}`.trim(),
      {
        details: { tool: tool.name, path: issue.path.map(String) },
      },
    );
  }
  ctx.signal?.throwIfAborted();
  return await tool.run(parsed.data, ctx);
}

/** Shared argument pieces. */
export const ref = {
  compound: z.string().trim().min(1, "must not be empty").max(4000),
  threshold: z.number({ error: "must be a number between 0 and 1" }).min(0, "must be between 0 and 1").max(
    1,
    "must be between 0 and 1",
  ),
  limit: (max: number, dflt: number) =>
    z.number({ error: "must be a whole number" }).int("must be a whole number").min(1, "must be at least 1")
      .max(max, `must be at most ${max}`).default(dflt),
};
