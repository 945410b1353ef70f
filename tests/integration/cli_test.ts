/** The CLI as a user runs it (a real process): answers, --json, tool commands, exit codes, conversations. */
import assert from "node:assert/strict";

import { runCli } from "../helpers.ts";

const cli = (args: string[], stdin?: string) => runCli(args, { stdin });

Deno.test("a question prints the markdown answer and exits 0", async () => {
  const r = await cli(["What is the molecular weight of aspirin?"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /180\.16 g\/mol/);
});

Deno.test("--json prints the QueryResponse", async () => {
  const r = await cli(["--json", "targets of imatinib"]);
  assert.equal(r.code, 0);
  const body = JSON.parse(r.stdout);
  assert.equal(body.intent.type, "target_query");
  assert.equal(body.status, "success");
});

Deno.test("query errors exit 1, usage errors exit 2", async () => {
  const bad = await cli(["targets of zorblaxinol"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /No compound or target named "zorblaxinol"/);
  const usage = await cli(["props"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /usage: props/);
  const flag = await cli(["--nope"]);
  assert.equal(flag.code, 2);
});

Deno.test("tool commands: props with a SMILES, similar with options", async () => {
  const props = await cli(["props", "CCO"]);
  assert.equal(props.code, 0);
  assert.match(props.stdout, /C2H6O/);
  const sim = await cli(["--json", "similar", "aspirin", "--threshold", "0.5", "--limit", "3"]);
  assert.equal(JSON.parse(sim.stdout).result.hits.length, 3);
});

Deno.test("conversations: interactive follow-ups and --session across invocations", async () => {
  const r = await cli([], "Find aspirin\nWhat about its targets?\nexit\n");
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Targets of \*\*Aspirin/);
  const s = `s_cli_${crypto.randomUUID().slice(0, 8)}`;
  await cli(["--session", s, "Find imatinib"]);
  const next = await cli(["--session", s, "what are its targets?"]);
  assert.match(next.stdout, /ABL1/);
});
