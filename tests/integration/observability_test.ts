/** Observability over the real app: Prometheus exposition passes promtool, logs correlate request → query
 * and never contain secrets, the metrics API answers from rollups. */
import assert from "node:assert/strict";
import { createLogger } from "../../core/obs/log.ts";
import { observedStack } from "../helpers.ts";

const { lines, app } = await observedStack({
  level: "debug",
  alerts: true,
  accessLog: true,
});
const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
const u = (p: string) => `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}${p}`;
const post = (q: string, headers: Record<string, string> = {}) =>
  fetch(u("/api/query"), {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query: q }),
  }).then((r) => r.json());

Deno.test({
  name: "observability",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    for (
      const q of [
        "targets of aspirin",
        "targets of aspirin",
        "zorblaxinol",
        "Find compounds similar to aspirin and get their targets",
      ]
    ) await post(q);
    await post("ligands of EGFR", { "x-request-id": "corr-123", authorization: "Bearer super-secret-token" });

    await t.step("GET /metrics passes promtool check metrics", async () => {
      const res = await fetch(u("/metrics"), { headers: { "x-request-id": "scrape-1" } });
      assert.equal(
        res.headers.get("x-request-id"),
        "scrape-1",
        "the text exposition carries the request id too",
      );
      const text = await res.text();
      const file = await Deno.makeTempFile();
      await Deno.writeTextFile(file, text);
      const check = await new Deno.Command("sh", {
        args: ["-c", `promtool check metrics < ${file}`],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const out = new TextDecoder().decode(check.stdout) + new TextDecoder().decode(check.stderr);
      assert.equal(check.code, 0, out);
      for (
        const m of [
          "chemagent_queries_total",
          "chemagent_query_duration_seconds_bucket",
          "chemagent_tool_executions_total",
          "chemagent_cache_operations_total",
          "chemagent_http_requests_total",
          "chemagent_process_resident_memory_bytes",
        ]
      ) {
        assert.ok(text.includes(m), m);
      }
      // Bounded labels: route patterns, never raw paths, ids or query text.
      assert.ok(!/CHEMBL|aspirin|q_[a-z0-9]{6}/.test(text));
    });

    await t.step("logs carry the request id into the query's lines, and secrets never appear", () => {
      const q = lines.find((l) => l.msg === "query answered" && l.request_id === "corr-123");
      assert.ok(q, "query line with the caller's request id");
      assert.ok(
        lines.some((l) => l.msg === "http" && l.request_id === "corr-123" && l.route === "/api/query"),
      );
      assert.ok(!JSON.stringify(lines).includes("super-secret-token"));
      const probe: string[] = [];
      createLogger("info", {}, (l) => probe.push(l)).info("probe", {
        authorization: "Bearer abc.def.ghi",
        token: "t0k3n",
        api_key: "sk-live-1",
        password: "hunter2",
        nested: { secret: "shh", url: "redis://user:pa55@cache:6379", note: "sent Bearer xyz.123" },
      });
      for (const s of ["abc.def.ghi", "t0k3n", "sk-live-1", "hunter2", "shh", "pa55", "xyz.123"]) {
        assert.ok(!probe[0].includes(s), s);
      }
    });

    await t.step("metrics API: summary, history, errors, slow queries; bad parameters", async () => {
      const s = (await (await fetch(u("/api/metrics/summary?window=24h"))).json()).result;
      assert.equal(s.queries, 5);
      assert.equal(s.errors, 0, "a user's not_found is not a service error");
      assert.ok(s.cache_hit_rate > 0);
      const h = (await (await fetch(u("/api/metrics/history?metric=queries&window=1m"))).json()).result;
      assert.equal(h.points.reduce((a: number, p: { value: number }) => a + p.value, 0), 5);
      const e = (await (await fetch(u("/api/metrics/errors"))).json()).result;
      assert.equal(e.errors[0].error_code, "not_found");
      const slow = (await (await fetch(u("/api/metrics/slow-queries?limit=2"))).json()).result;
      assert.equal(slow.queries.length, 2);
      assert.equal((await fetch(u("/api/metrics/history?window=2m"))).status, 400);
      assert.equal((await fetch(u("/api/metrics/history?from=yesterday"))).status, 400);
      assert.equal((await fetch(u("/api/metrics/summary?window=1y"))).status, 400);
    });
  },
});

Deno.test({ name: "close", sanitizeOps: false, sanitizeResources: false, fn: () => server.shutdown() });
