/**
 * The official MCP conformance suite (npm:@modelcontextprotocol/conformance, pinned) against the real server
 * process (main.ts on a free port). Every scenario passes except those in edge/mcp/conformance-expected-failures.yml
 * (the suite's own fixture tools/resources/prompts), each with its reason; a listed scenario that starts passing
 * fails too (stale entry). The suite is an npm package, cached by Deno after the first run; it fetches nothing
 * else at run time (it only talks to our server).
 */
import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url).pathname;
const SUITE = "npm:@modelcontextprotocol/conformance@0.1.16";

async function startMain(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "chemagent-conformance-" });
  const p = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-read", "--allow-env", "--allow-write", "--allow-sys", "main.ts"],
    cwd: root,
    env: {
      CHEMAGENT_PORT: "0",
      CHEMAGENT_HOST: "127.0.0.1",
      CACHE_WARM: "false",
      METRICS_DB_PATH: ":memory:",
      MEMORY_SQLITE_PATH: `${dir}/sessions.db`,
      LOG_LEVEL: "info",
    },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const listening = Promise.withResolvers<string>();
  (async () => {
    let buf = "";
    const decoder = new TextDecoder();
    for await (const bytes of p.stdout) {
      buf += decoder.decode(bytes, { stream: true });
      const m = /"msg":"listening".*?"url":"http:\/\/[^:]+:(\d+)"/.exec(buf);
      if (m) listening.resolve(`http://127.0.0.1:${m[1]}`);
      if (buf.length > 100_000) buf = buf.slice(-10_000);
    }
    listening.reject(new Error("main.ts exited before listening"));
  })().catch(() => {});
  const timer = setTimeout(() => listening.reject(new Error("main.ts did not listen within 60 s")), 60_000);
  try {
    const url = await listening.promise;
    return {
      url,
      async stop() {
        p.kill("SIGTERM");
        await p.status;
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      },
    };
  } catch (e) {
    p.kill("SIGKILL");
    await p.status;
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

Deno.test({
  name: "the official MCP conformance suite passes, apart from the listed fixture-only scenarios",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startMain();
    const work = await Deno.makeTempDir({ prefix: "chemagent-conformance-results-" }); // the suite writes results/
    try {
      const run = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          SUITE,
          "server",
          "--url",
          `${server.url}/mcp`,
          "--suite",
          "all",
          "--expected-failures",
          `${root}edge/mcp/conformance-expected-failures.yml`,
        ],
        cwd: work,
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(300_000),
      });
      const out = await run.output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      const summary = text.slice(text.indexOf("=== SUMMARY ==="));
      assert.equal(out.code, 0, `conformance suite failed:\n${summary}`);
      assert.match(summary, /Baseline check passed/);
      for (
        const scenario of [
          "server-initialize",
          "ping",
          "tools-list",
          "completion-complete",
          "dns-rebinding-protection",
        ]
      ) {
        assert.match(summary, new RegExp(`✓ ${scenario}:`), `${scenario} did not pass`);
      }
      console.log(summary.split("\n").filter((l) => /^Total|Baseline/.test(l)).join("\n"));
    } finally {
      await server.stop();
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  },
});
