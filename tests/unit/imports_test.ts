/** Import rules that keep core/ one unit with one door: (1) everything outside core that ships (edge/, main.ts,
 * the Deno Deploy entry, bench/, tools/, the dashboard) imports core only through core/mod.ts, type-only imports
 * included; (2) core's folders depend on each other one way only (no cycle in the folder-level graph). Tests are
 * exempt from (1): they may reach a stage directly to test it in isolation. */
import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";

const ROOT = normalize(join(dirname(new URL(import.meta.url).pathname), "../.."));
const CORE = join(ROOT, "core");
const DOOR = join(CORE, "mod.ts");
/** Places outside core that must use the door. */
const OUTSIDE = ["edge", "main.ts", "deploy", "bench", "tools", "dashboard/src"];
/** Deep imports allowed on purpose, with the reason. Empty: nothing outside core needs one (the chemistry worker
 * entry is loaded by core/chem itself; the PDF report stays lazy through `metricsReportPdf` in core/mod.ts). */
const EXCEPTIONS: Record<string, string> = {};

/** Every module specifier in a source text: static and dynamic imports, re-exports, type-only forms and
 * `import("…")` type expressions. Comments are dropped first so prose that mentions a path does not count. */
export function specifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const out: string[] = [];
  for (const m of code.matchAll(/\b(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) out.push(m[1]);
  return out;
}

function* sourceFiles(path: string): Generator<string> {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch {
    return;
  }
  if (info.isFile) {
    if (/\.(ts|tsx|mts|js|mjs)$/.test(path)) yield path;
    return;
  }
  for (const e of Deno.readDirSync(path)) {
    if (e.name === "node_modules" || e.name === "dist" || e.name.startsWith(".")) continue;
    yield* sourceFiles(join(path, e.name));
  }
}

/** The files under core/ that a file imports (resolved paths; bare and URL specifiers are not core). */
function coreTargets(file: string): string[] {
  return specifiers(Deno.readTextFileSync(file))
    .filter((s) => s.startsWith("."))
    .map((s) => normalize(join(dirname(file), s)))
    .filter((t) => t.startsWith(CORE + "/"));
}

Deno.test("the scanner sees every import form (so the rules below can fail)", () => {
  const src = `import { a } from "../core/x.ts";
import type { B } from '../core/y/z.ts';
import {
  c,
} from "../core/multi.ts";
export { d } from "../core/re.ts";
export * from "../core/star.ts";
import "../core/side.ts";
const e = await import("../core/lazy.ts");
type F = import("../core/t.ts").T;
// import { no } from "../core/comment.ts";
/* import { no } from "../core/block.ts"; */
const url = "https://example.org/x"; // not an import`;
  assert.deepEqual(specifiers(src), [
    "../core/x.ts",
    "../core/y/z.ts",
    "../core/multi.ts",
    "../core/re.ts",
    "../core/star.ts",
    "../core/side.ts",
    "../core/lazy.ts",
    "../core/t.ts",
  ]);
});

Deno.test("edge/, main.ts, deploy/, bench/, tools/ and the dashboard import core only through core/mod.ts", () => {
  const deep: string[] = [];
  let files = 0;
  for (const place of OUTSIDE) {
    for (const file of sourceFiles(join(ROOT, place))) {
      files++;
      const rel = relative(ROOT, file);
      for (const t of coreTargets(file)) {
        if (t !== DOOR && !(rel in EXCEPTIONS)) deep.push(`${rel} → ${relative(ROOT, t)}`);
      }
    }
  }
  assert.ok(files > 50, `scanned only ${files} files: the folder list is stale`);
  assert.deepEqual(deep, [], "export what is needed from core/mod.ts instead of importing past it");
});

/** A node of core's folder graph: the first path segment under core/ (a folder, or a top-level file). */
const nodeOf = (file: string) => relative(CORE, file).split("/")[0];

/** The folder-level graph of core: node → nodes it imports (type-only imports included), with one example
 * file per edge for the failure message. */
function coreGraph(): Map<string, Map<string, string>> {
  const g = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(CORE)) {
    const from = nodeOf(file);
    for (const t of coreTargets(file)) {
      const to = nodeOf(t);
      if (to === from) continue;
      if (!g.has(from)) g.set(from, new Map());
      g.get(from)!.set(to, relative(ROOT, file));
    }
  }
  return g;
}

/** The cycles of a graph, one per strongly connected component with more than one node (Tarjan). */
export function cycles(g: Map<string, Map<string, string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [];
  const on = new Set<string>(), found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index), low.set(v, index++), stack.push(v), on.add(v);
    for (const w of g.get(v)?.keys() ?? []) {
      if (!idx.has(w)) visit(w), low.set(v, Math.min(low.get(v)!, low.get(w)!));
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do on.delete(w = stack.pop()!), scc.push(w); while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return found;
}

Deno.test("the cycle finder reports a two-way and a three-way dependency", () => {
  const g = (edges: [string, string][]) => {
    const m = new Map<string, Map<string, string>>();
    for (const [a, b] of edges) m.set(a, (m.get(a) ?? new Map()).set(b, a));
    return m;
  };
  assert.deepEqual(cycles(g([["cache", "obs"], ["obs", "cache"], ["obs", "types.ts"]])), [["cache", "obs"]]);
  assert.deepEqual(cycles(g([["a", "b"], ["b", "c"], ["c", "a"]])), [["a", "b", "c"]]);
  assert.deepEqual(cycles(g([["a", "b"], ["b", "c"]])), []);
});

Deno.test("core's folders depend on each other one way only (no cycle in the folder-level import graph)", () => {
  const g = coreGraph();
  assert.ok(g.get("agent.ts")?.has("execute"), "the graph is missing known edges: the scanner is broken");
  const explain = cycles(g).map((scc) =>
    scc.flatMap((a) =>
      [...(g.get(a) ?? new Map<string, string>())].filter(([b]) => scc.includes(b)).map(([b, f]) =>
        `${a} → ${b} (${f})`
      )
    ).join("; ")
  );
  assert.deepEqual(explain, []);
});
