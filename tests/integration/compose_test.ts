/** One composition (issue 15.6): the Deno Deploy entry and the CLI are built by edge/compose.ts like main.ts, so
 * they have the server's features — observers (metrics), the WebSocket hub, session memory with its context
 * window; the CLI's cache and memory when configured. Real processes, as an operator or user runs them. */
import assert from "node:assert/strict";
import { rawClient } from "../ws_helpers.ts";
import { startRedis } from "../services.ts";
import { runCli, spawnListening } from "../helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test({
  name: "the Deno Deploy entry serves with observers, the WebSocket hub and session memory",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const { p, url, pumped } = await spawnListening(
      ["--allow-net", "--allow-read", "--allow-env", "--allow-sys", "deploy/deno-deploy/main.ts"],
      { PORT: "0", CACHE_WARM: "false", LOG_LEVEL: "info" },
    );
    try {
      const ask = (query: string) =>
        fetch(`${url}/api/query`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query, session_id: "s_deploy_1" }),
        }).then((r) => r.json());
      assert.equal((await ask("Find imatinib")).status, "success");
      // Session memory: a follow-up resolves against the previous question.
      const next = await ask("what are its targets?");
      assert.equal(next.intent.type, "target_query", JSON.stringify(next).slice(0, 300));
      assert.match(next.answer, /ABL1/);
      // Observers: the metrics listener counted the queries.
      const metrics = await (await fetch(`${url}/metrics`)).text();
      assert.match(metrics, /chemagent_queries_total\{[^}]*\} [1-9]/);
      // The WebSocket hub.
      const c = await rawClient(url.replace("http", "ws") + "/ws");
      c.send({ action: "query", query: "targets of imatinib" });
      assert.ok(await c.until(() => c.messages.some((m) => m.type === "result"), 15_000));
      c.ws.close();
    } finally {
      p.kill("SIGTERM");
      await p.status;
      await pumped;
    }
  },
});

const cli = (args: string[], env: Record<string, string>) => runCli(args, { env });

Deno.test({
  name: "the CLI uses the configured cache and session memory (Redis): a repeated question comes from L2",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const redis = await startRedis();
    try {
      const env = { REDIS_URL: redis.url, LOG_LEVEL: "error" };
      const first = await cli(["--json", "What are the targets of imatinib?"], env);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(JSON.parse(first.stdout).cached, false);
      const second = await cli(["--json", "What are the targets of imatinib?"], env);
      const body = JSON.parse(second.stdout) as Any;
      assert.equal(body.cached, true, "answered from the Redis tier the configuration names");
      assert.equal(body.cache_tier, "l2");
      const bypass = await cli(["--json", "--no-cache", "What are the targets of imatinib?"], env);
      assert.equal(JSON.parse(bypass.stdout).cached, false, "--no-cache is options.cache = false");
      // Session memory in Redis: a conversation carries across invocations.
      await cli(["--session", "s_cli_redis", "Find imatinib"], env);
      const next = await cli(["--session", "s_cli_redis", "what are its targets?"], env);
      assert.match(next.stdout, /ABL1/);
    } finally {
      await redis.stop();
    }
  },
});
