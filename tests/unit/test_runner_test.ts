/** The test runner (tools/test): summary parsing, the final line CI reads, and the provisioning decisions. */
import assert from "node:assert/strict";
import { finalLine, ignoredTest, parseSummary } from "../../tools/test/summary.ts";
import { findTool, installCommand, missingTools, packagesFor } from "../../tools/test/system_packages.ts";

Deno.test("reads deno test summary lines, with or without colours, steps and ignored counts", () => {
  assert.deepEqual(parseSummary("ok | 12 passed (3 steps) | 0 failed (4s)"), {
    passed: 12,
    failed: 0,
    ignored: 0,
  });
  assert.deepEqual(
    parseSummary(
      "\x1b[0m\x1b[31mFAILED\x1b[0m | 1 passed (1 step) | 1 failed | 1 ignored \x1b[0m\x1b[38;5;245m(7ms)",
    ),
    { passed: 1, failed: 1, ignored: 1 },
  );
  assert.deepEqual(parseSummary("FAILED | 3 passed | 2 failed (1 step) | 4 ignored (1m2s)"), {
    passed: 3,
    failed: 2,
    ignored: 4,
  });
  assert.equal(parseSummary("ok | just a test name"), undefined);
  assert.equal(parseSummary("running 3 tests from ./tests/unit/x_test.ts"), undefined);
});

Deno.test("names ignored tests so a skip is reported, never hidden", () => {
  assert.equal(ignoredTest("live OpenAI ... \x1b[33mignored\x1b[0m (0ms)"), "live OpenAI");
  assert.equal(ignoredTest("live OpenAI ... ok (3ms)"), undefined);
});

Deno.test("the final line is `N passed, N failed, N skipped`", () => {
  assert.equal(finalLine({ passed: 412, failed: 0, ignored: 2 }), "412 passed, 0 failed, 2 skipped");
  assert.match(finalLine({ passed: 1, failed: 3, ignored: 0 }), /^\d+ passed, \d+ failed/);
});

Deno.test("a missing tool is found missing and mapped to its Debian package, once", async () => {
  const tools = [
    { tool: "surely-not-installed-chemagent-tool", pkg: "pkg-a", why: "x" },
    { tool: "another-missing-chemagent-tool", pkg: "pkg-a", why: "y" },
    { tool: Deno.execPath(), pkg: "deno", why: "present" },
  ];
  const missing = await missingTools(tools);
  assert.deepEqual(missing.map((t) => t.pkg), ["pkg-a", "pkg-a"]);
  assert.deepEqual(packagesFor(missing), ["pkg-a"]);
  assert.equal(typeof await findTool("sh", "/usr/bin:/bin"), "string");
});

Deno.test("without root the exact install command is printed with sudo", () => {
  assert.equal(
    installCommand(["nginx", "chromium"], false),
    "sudo apt-get update && sudo apt-get install -y nginx chromium",
  );
  assert.equal(
    installCommand(["nginx"], true),
    "apt-get update && apt-get install -y nginx",
  );
});
