/**
 * @module Command-line interface (DESIGN.md §4).
 *   deno task cli "What is the molecular weight of aspirin?"   → markdown answer
 *   deno task cli --json "targets of imatinib"                 → QueryResponse JSON
 *   deno task cli props "CCO"                                  → a tool directly (props, lookup, similar, …)
 *   deno task cli --request '{"query": "…", "options": {…}}'   → a QueryRequest as JSON (the schema every transport uses)
 *   deno task cli import FILE --name NAME                      → import a compound library (SDF, SMILES, CSV, .gz)
 *   deno task cli libraries                                    → list the imported libraries
 *   deno task cli                                              → interactive session
 * The agent is built by the same composition as the server (edge/compose.ts): cache, session memory and LLM
 * when configured. Exit codes: 0 success/partial, 1 query error, 2 usage error (an invalid request included).
 */
import { parseArgs } from "node:util";
import { createInterface } from "node:readline";
import {
  type Agent,
  ANYONE,
  ChemAgentError,
  ConfigError,
  createLogger,
  importLibrary,
  type ImportProgress,
  LIBRARY_FORMATS,
  type LibraryFormat,
  loadConfig,
  parseQueryRequest,
  type QueryRequest,
  type QueryResponse,
  renderOutput,
  toErrorBody,
} from "../../core/mod.ts";
import { buildAgent } from "../compose.ts";

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
  "no-cache"?: boolean;
  llm?: string;
  request?: string;
  help?: boolean;
  name?: string;
  format?: string;
}

const USAGE = `ChemAgent CLI
  chemagent "<question>"            answer a question (markdown)
  chemagent --json "<question>"     print the QueryResponse JSON
  chemagent --session ID "<q>"      keep a conversation id
  chemagent --no-cache --llm off --limit 5 "<q>"   query options
  chemagent --request '<json>'      a QueryRequest {query, session_id?, options?} as JSON
  chemagent                         interactive session
  chemagent <command> ...           run a tool directly:
${Object.values(COMMANDS).map((c) => "    " + c.usage).join("\n")}
  chemagent depict <SMILES> > out.svg
  chemagent import FILE --name NAME [--format sdf|smiles|csv]   import a library (FILE may end in .gz)
  chemagent libraries               list the imported libraries`;

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

/** Flags (or --request JSON) → a QueryRequest, validated by the schema every transport uses. */
function requestFrom(question: string | undefined, o: Opts): QueryRequest {
  if (o.request !== undefined) {
    if (question !== undefined) {
      throw new UsageError("give the question in --request or as arguments, not both");
    }
    let raw: unknown;
    try {
      raw = JSON.parse(o.request);
    } catch {
      throw new ChemAgentError("invalid_request", "--request is not valid JSON.");
    }
    return parseQueryRequest(raw);
  }
  const options = {
    ...(o["no-cache"] ? { cache: false } : {}),
    ...(o.llm !== undefined ? { llm: o.llm } : {}),
    ...(o.limit !== undefined ? { limit: /^-?\d+(\.\d+)?$/.test(o.limit) ? Number(o.limit) : o.limit } : {}),
  };
  return parseQueryRequest({
    query: question ?? "",
    ...(o.session !== undefined ? { session_id: o.session } : {}),
    ...(Object.keys(options).length ? { options } : {}),
  });
}

async function ask(agent: Agent, req: QueryRequest, o: Opts): Promise<number> {
  const r: QueryResponse = await agent.query(req);
  console.log(o.json ? JSON.stringify(r, null, 2) : r.answer);
  return r.success ? 0 : 1;
}

/** An invalid request is a usage error (exit 2), reported like the server's envelope. */
function refuse(e: ChemAgentError, o: Opts): number {
  if (o.json) console.log(JSON.stringify({ success: false, error: toErrorBody(e) }, null, 2));
  else console.error(`error (${e.code}): ${e.message}`);
  return 2;
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
        "no-cache": { type: "boolean" },
        llm: { type: "string" },
        request: { type: "string" },
        help: { type: "boolean", short: "h" },
        name: { type: "string" },
        format: { type: "string" },
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
  const cmd = COMMANDS[pos[0]];
  // A question is validated before anything is loaded: a bad request costs no start-up time.
  let req: QueryRequest | undefined;
  const library = pos[0] === "import" || (pos[0] === "libraries" && pos.length === 1);
  if (pos[0] === "import" && (pos.length !== 2 || !o.name)) {
    console.error(`usage: import FILE --name NAME [--format ${LIBRARY_FORMATS.join("|")}]\n\n${USAGE}`);
    return 2;
  }
  if (o.format !== undefined && !LIBRARY_FORMATS.includes(o.format as LibraryFormat)) {
    console.error(`--format must be one of ${LIBRARY_FORMATS.join(", ")}`);
    return 2;
  }
  if ((!cmd && !library && pos[0] !== "depict" && pos.length) || o.request !== undefined) {
    try {
      req = requestFrom(pos.length ? pos.join(" ") : undefined, o);
    } catch (e) {
      if (e instanceof UsageError) {
        console.error(`${e.message}\n\n${USAGE}`);
        return 2;
      }
      return refuse(e as ChemAgentError, o);
    }
  }
  // The server's composition: cache, session memory (conversations across invocations) and LLM when configured.
  // Logs go to stderr so that --json output stays parseable.
  let agent: Agent;
  try {
    const config = loadConfig(Deno.env.toObject());
    const log = createLogger(config.LOG_LEVEL, { service: "chemagent-cli" }, (l) => console.error(l));
    agent = (await buildAgent(config, { log })).agent;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    return 2;
  }
  try {
    if (pos[0] === "depict") {
      if (!pos[1]) throw new UsageError("depict needs a SMILES");
      const known = agent.data.compoundById(pos[1]);
      console.log(await agent.chem.depict(known?.canonical_smiles ?? pos[1], { trusted: !!known }));
      return 0;
    }
    if (pos[0] === "import") return await importFile(agent, pos[1], o);
    if (library) {
      const libs = agent.libraries?.list(ANYONE) ?? [];
      if (o.json) {
        console.log(
          JSON.stringify({ success: true, result: { libraries: libs.map((l) => l.meta) } }, null, 2),
        );
      } else if (!libs.length) console.log("No libraries yet: deno task cli import FILE --name NAME");
      else {
        for (const l of libs) {
          console.log(
            `${l.meta.id}  ${l.meta.name}  ${l.size} structures  (${l.meta.created_at.slice(0, 10)})`,
          );
        }
      }
      return 0;
    }
    if (cmd && pos.length > 1) {
      const out = await agent.runTool(cmd.tool, cmd.args(pos.slice(1), o));
      console.log(
        o.json ? JSON.stringify({ success: true, result: out }, null, 2) : renderOutput(cmd.tool, out),
      );
      return 0;
    }
    if (cmd && pos.length === 1) throw new UsageError(`usage: ${cmd.usage}`);
    if (req) return await ask(agent, req, o);
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

/** `import FILE --name NAME`: streams the file through the same import as POST /api/libraries. */
async function importFile(agent: Agent, path: string, o: Opts): Promise<number> {
  if (!agent.libraries) throw new ChemAgentError("not_available", "Libraries are not enabled.");
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
  const size = (await file.stat()).size;
  const tty = Deno.stderr.isTerminal();
  let last = 0;
  const show = (p: ImportProgress) => {
    if (!tty && performance.now() - last < 2000) return;
    last = performance.now();
    const pct = size ? ` ${Math.min(100, Math.round((p.bytes / size) * 100))}%` : "";
    const line = `importing${pct}: ${p.records} records, ${p.accepted} accepted, ${p.rejected} rejected, ` +
      `${p.duplicates} duplicates (${p.molecules_per_s} molecules/s)`;
    if (tty) Deno.stderr.writeSync(new TextEncoder().encode(`\r${line}\x1b[K`));
    else console.error(line);
  };
  const { library, report } = await importLibrary(file.readable, {
    name: o.name!,
    filename: path.split("/").pop(),
    ...(o.format ? { format: o.format as LibraryFormat } : {}),
    maxBytes: Number.MAX_SAFE_INTEGER, // a local file: the operator's own disk is the limit
    totalBytes: size,
    viewer: ANYONE,
    chem: agent.chem,
    store: agent.libraries,
    onProgress: show,
  });
  if (tty) console.error("");
  if (o.json) {
    console.log(JSON.stringify({ success: true, result: { library: library.meta, report } }, null, 2));
    return 0;
  }
  console.log(
    `Imported library **${library.meta.name}** (${library.meta.id}): ${report.accepted} structures from ` +
      `${report.records} records (${report.format}); ${report.rejected} rejected, ${report.duplicates} duplicates, ` +
      `${report.standardized} standardised; ${report.molecules_per_s} molecules/s.`,
  );
  for (const r of report.rejected_records.slice(0, 20)) {
    console.log(`  rejected record ${r.record} (line ${r.line}): ${r.reason}`);
  }
  for (const d of report.duplicate_records.slice(0, 20)) {
    console.log(`  duplicate record ${d.record} (line ${d.line}) of record ${d.duplicate_of}`);
  }
  const more = report.rejected + report.duplicates - Math.min(20, report.rejected_records.length) -
    Math.min(20, report.duplicate_records.length);
  if (more > 0) console.log(`  … ${more} more (--json prints the full report)`);
  return 0;
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
    if (!q) {
      if (!closed) rl.prompt();
      continue;
    }
    try {
      await ask(agent, requestFrom(q, { ...o, session }), o);
    } catch (e) {
      if (!(e instanceof ChemAgentError)) throw e;
      refuse(e, o);
    }
    if (!closed) rl.prompt();
  }
  rl.close();
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
