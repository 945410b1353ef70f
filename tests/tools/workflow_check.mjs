// Validates GitHub Actions workflow files with GitHub's own parser (@actions/workflow-parser, the
// workflow-v1.0 schema the Actions service uses). Runs under Node: the package imports its schema JSON
// without import attributes, which Deno refuses; the load hook below serves those imports as JSON.
// Usage: node tests/tools/workflow_check.mjs FILE...  → one JSON line per file: {file, errors, jobs}
import { register } from "node:module";
import { readFileSync } from "node:fs";

register(
  "data:text/javascript," + encodeURIComponent(`
    import { readFile } from "node:fs/promises";
    export async function load(url, context, next) {
      if (url.endsWith(".json")) return { format: "json", source: await readFile(new URL(url)), shortCircuit: true };
      return next(url, context);
    }`),
  import.meta.url,
);
const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import(
  "@actions/workflow-parser"
);

for (const file of process.argv.slice(2)) {
  const parsed = parseWorkflow(
    { name: file, content: readFileSync(file, "utf8") },
    new NoOperationTraceWriter(),
  );
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  const errors = (template.errors ?? []).map((e) => e.Message);
  console.log(JSON.stringify({ file, errors, jobs: Object.keys(template.jobs ?? {}).length }));
}
