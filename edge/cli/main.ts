/**
 * @module Command-line interface (DESIGN.md §4).
 *   deno task cli "What is the molecular weight of aspirin?"   → markdown answer
 *   deno task cli --json "targets of imatinib"                 → QueryResponse JSON
 *   deno task cli props "CCO"                                  → a tool directly (props, lookup, similar, …)
 *   deno task cli                                              → interactive session
 * Exit codes: 0 success/partial, 1 query error, 2 usage error.
 */
import { parseArgs } from "node:util";
import { createInterface } from "node:readline";
import { type Agent, ChemAgentError, createAgent, type QueryResponse, toErrorBody } from "../../core/mod.ts";
import { renderOutput } from "../../core/answer/render.ts";
import { SqliteSessionStore } from "../../core/memory/mod.ts";

const COMMANDS: Record<
  string,
  { tool: string; usage: string; args: (pos: string[], o: Opts) => Record<string, unknown> }
> = {
  lookup: {
    tool: "compound_lookup",
    usage: "lookup <name|ChEMBL ID|SMILES>",
    args: (p) => ({ query: p.join(" ") }),
  },
  props: { tool: "properties", usage: "props <SMILES|name|ChEMBL ID>", args: (p) => molecule(p.join(" ")) },
  lipinski: { tool: "lipinski", usage: "lipinski <SMILES|name>", args: (p) => molecule(p.join(" ")) },
  similar: {
    tool: "similarity_search",
    usage: "similar <SMILES|name> [--threshold 0.7] [--limit 10]",
    args: (p, o) => ({
      ...molecule(p.join(" ")),
      threshold: num(o.threshold, 0.7, "threshold"),
      limit: num(o.limit, 10, "limit"),
    }),
  },
  substructure: {
    tool: "substructure_search",
    usage: "substructure <SMARTS|SMILES> [--limit 20]",
    args: (p, o) => ({ query: p.join(" "), limit: num(o.limit, 20, "limit") }),
  },
  targets: {
    tool: "targets_of_compound",
    usage: "targets <compound>",
    args: (p) => ({ compound: p.join(" ") }),
  },
  ligands: {
    tool: "ligands_of_target",
    usage: "ligands <gene|target name|ChEMBL target ID> [--limit 200]",
    args: (p, o) => ({ target: p.join(" "), limit: num(o.limit, 200, "limit") }),
  },
  compare: {
    tool: "compare_properties",
    usage: "compare <compound> <compound> [...]",
    args: (p) => ({ compounds: p }),
  },
};

interface Opts {
  json?: boolean;
  session?: string;
  threshold?: string;
  limit?: string;
  help?: boolean;
}

const USAGE = `ChemAgent CLI
  chemagent "<question>"            answer a question (markdown)
  chemagent --json "<question>"     print the QueryResponse JSON
  chemagent --session ID "<q>"      keep a conversation id
  chemagent                         interactive session
  chemagent <command> ...           run a tool directly:
${Object.values(COMMANDS).map((c) => "    " + c.usage).join("\n")}
  chemagent depict <SMILES> > out.svg`;

class UsageError extends Error {}

function molecule(text: string): Record<string, string> {
  return /^[A-Za-z0-9@+\-\[\]()=#$%\\/.:*~]+$/.test(text) && /[^A-Za-z]|^[CNOS]+$/.test(text) &&
      !/^CHEMBL\d+$/i.test(text)
    ? { smiles: text }
    : { compound: text };
}

function num(v: string | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number (got "${v}")`);
  return n;
}

async function ask(agent: Agent, question: string, o: Opts): Promise<number> {
  const r: QueryResponse = await agent.query({
    query: question,
    ...(o.session ? { session_id: o.session } : {}),
  });
  console.log(o.json ? JSON.stringify(r, null, 2) : r.answer);
  return r.success ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: "boolean" },
        session: { type: "string" },
        threshold: { type: "string" },
        limit: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const o = parsed.values as Opts;
  const pos = parsed.positionals;
  if (o.help) {
    console.log(USAGE);
    return 0;
  }
  // Conversations (interactive mode, --session) remember context in the same SQLite file the server uses.
  await Deno.mkdir(".chemagent", { recursive: true }).catch(() => {});
  const agent = await createAgent({ memory: new SqliteSessionStore(".chemagent/sessions.db") });
  try {
    if (pos[0] === "depict") {
      if (!pos[1]) throw new UsageError("depict needs a SMILES");
      const known = agent.data.compoundById(pos[1]);
      console.log(await agent.chem.depict(known?.canonical_smiles ?? pos[1], { trusted: !!known }));
      return 0;
    }
    const cmd = COMMANDS[pos[0]];
    if (cmd && pos.length > 1) {
      const out = await agent.runTool(cmd.tool, cmd.args(pos.slice(1), o));
      console.log(
        o.json ? JSON.stringify({ success: true, result: out }, null, 2) : renderOutput(cmd.tool, out),
      );
      return 0;
    }
    if (cmd && pos.length === 1) throw new UsageError(`usage: ${cmd.usage}`);
    if (pos.length) return await ask(agent, pos.join(" "), o);
    return await interactive(agent, o);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${e.message}\n\n${USAGE}`);
      return 2;
    }
    const body = toErrorBody(e);
    if (o.json) console.log(JSON.stringify({ success: false, error: body }, null, 2));
    else {console.error(
        `error (${body.code}): ${body.message}${
          body.suggestions?.length ? `\nsuggestions: ${body.suggestions.join(", ")}` : ""
        }`,
      );}
    if (!(e instanceof ChemAgentError)) console.error(e);
    return e instanceof ChemAgentError ? 1 : 1;
  }
}

async function interactive(agent: Agent, o: Opts): Promise<number> {
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: Deno.stdin.isTerminal(),
  });
  const session = o.session ?? `s_cli_${Date.now().toString(36)}`;
  console.log(
    `ChemAgent (${agent.data.version}, ${agent.data.compounds.length} compounds). Ask a question; "exit" to quit.`,
  );
  rl.setPrompt("chemagent> ");
  rl.prompt();
  // Piped input can end while an answer is still being computed (chemistry runs in workers).
  let closed = false;
  rl.on("close", () => closed = true);
  for await (const line of rl) {
    const q = line.trim();
    if (q === "exit" || q === "quit") break;
    if (q) await ask(agent, q, { ...o, session });
    if (!closed) rl.prompt();
  }
  rl.close();
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
