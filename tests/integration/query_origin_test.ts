/** Query origins and outcomes in the metrics rollups: warm-up and probe queries stay out of user-traffic
 * figures unless asked for, every query is exactly one of answered / user error / system error, and the
 * cache hit rate is one figure (queries answered from the cache ÷ queries). */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { Agent } from "../../core/mod.ts";
import { LayeredCache } from "../../core/cache/mod.ts";
import { warmCache } from "../../core/warm.ts";
import { MetricsStore } from "../../core/obs/metrics_store.ts";
import { outcomeKind } from "../../core/obs/outcome.ts";
import type { QueryEvent } from "../../core/mod.ts";
import { testAgent } from "../helpers.ts";
import { Metrics } from "../../core/obs/metrics.ts";
import { queryLogger } from "../../core/obs/query_log.ts";
import { createLogger } from "../../core/obs/log.ts";
import { AlertEngine } from "../../core/obs/alerts/engine.ts";
import { createApp } from "../../edge/app.ts";

Deno.test("outcome kinds: answered, user error and system error cover every status", () => {
  assert.equal(outcomeKind("success"), "answered");
  assert.equal(outcomeKind("partial", "partial_failure"), "answered");
  assert.equal(outcomeKind("clarification_needed"), "answered");
  assert.equal(outcomeKind("error", "not_found"), "user_error");
  assert.equal(outcomeKind("error", "invalid_smiles"), "user_error");
  assert.equal(outcomeKind("cancelled", "cancelled"), "user_error");
  assert.equal(outcomeKind("error", "internal"), "system_error");
  assert.equal(outcomeKind("error", "timeout"), "system_error");
  assert.equal(outcomeKind("error"), "system_error");
});

Deno.test("warm-up queries carry origin warmup and are not user traffic; user figures add up", async () => {
  const base = await testAgent();
  const store = new MetricsStore(":memory:");
  const accepted: QueryEvent[] = [];
  const agent = new Agent(base.data, base.chem, {
    cache: new LayeredCache(),
    observers: [store.listener(), (e) => e.type === "accepted" && accepted.push(e)],
  });
  const warm = [
    "targets of aspirin",
    "molecular weight of caffeine",
    "ligands of EGFR",
    "Is ibuprofen drug-like?",
  ];
  await warmCache(agent, warm);
  const asked = [
    "targets of aspirin", // cached by the warm-up
    "molecular weight of caffeine", // cached
    "What is the molecular weight of zzyxorinol?", // user error (not_found)
    "compare aspirin and ibuprofen", // computed
  ];
  for (const q of asked) await agent.query({ query: q });
  assert.deepEqual(accepted.map((e) => e.data.origin), [
    ...warm.map(() => "warmup"),
    ...asked.map(() => "user"),
  ]);

  const user = await store.summary(3_600_000);
  assert.equal(user.origin, "user");
  assert.equal(user.queries, 4);
  assert.deepEqual(user.outcomes, { answered: 3, user_error: 1, system_error: 0 });
  assert.equal(user.outcomes.answered + user.outcomes.user_error + user.outcomes.system_error, user.queries);
  assert.equal(user.cache_hit_rate, 0.5); // 2 of 4 user queries answered from the cache
  const all = await store.summary(3_600_000, "all");
  assert.equal(all.queries, 8);
  assert.equal(all.cache_hit_rate, 0.25);
  assert.equal((await store.summary(3_600_000, "warmup")).queries, 4);

  assert.equal(store.recentQueries(100).length, 4);
  assert.ok(store.recentQueries(100).every((q) => q.origin === "user"));
  assert.equal(store.recentQueries(100, "all").length, 8);
  assert.ok(store.slowQueries(100).every((q) => q.origin === "user"));
  const history = await store.history("queries", "1m", Date.now() - 3_600_000, Date.now());
  assert.equal(history.reduce((a, p) => a + (p.value ?? 0), 0), 4);
  const userErrors = await store.history("user_errors", "1m", Date.now() - 3_600_000, Date.now());
  assert.equal(userErrors.reduce((a, p) => a + (p.value ?? 0), 0), 1);
  const toolRuns = (o?: string) => store.tools(o).reduce((a, t) => a + t.count, 0);
  assert.ok(toolRuns("all") > toolRuns());
  store.close();
});

Deno.test("rollups recorded before origins move over as origin unknown with exact user errors", async () => {
  const path = await Deno.makeTempFile({ suffix: ".db" });
  const db = new DatabaseSync(path);
  const minute = Math.floor(Date.now() / 60_000) * 60_000;
  const hist = JSON.stringify(Array(15).fill(0));
  db.exec(`CREATE TABLE rollup (minute INTEGER, intent TEXT, status TEXT, count INTEGER, errors INTEGER,
    cached INTEGER, sum_ms REAL, hist TEXT, PRIMARY KEY (minute, intent, status))`);
  db.prepare("INSERT INTO rollup VALUES (?, ?, ?, ?, ?, ?, ?, ?)").run(
    minute,
    "target_query",
    "success",
    5,
    0,
    2,
    10,
    hist,
  );
  db.prepare("INSERT INTO rollup VALUES (?, ?, ?, ?, ?, ?, ?, ?)").run(
    minute,
    "unknown",
    "error",
    4,
    1,
    0,
    4,
    hist,
  );
  db.close();
  const store = new MetricsStore(path);
  assert.equal((await store.summary(3_600_000)).queries, 0); // not known to be user traffic
  const all = await store.summary(3_600_000, "all");
  assert.equal(all.queries, 9);
  assert.deepEqual(all.outcomes, { answered: 5, user_error: 3, system_error: 1 });
  store.close();
  for (const f of [path, `${path}-wal`, `${path}-shm`]) await Deno.remove(f).catch(() => {});
});

Deno.test("over HTTP: the deep readiness probe is origin probe, ?origin= filters, the log and Prometheus say who asked", async () => {
  const base = await testAgent();
  const store = new MetricsStore(":memory:");
  const metrics = new Metrics();
  const lines: Record<string, unknown>[] = [];
  const log = createLogger("info", {}, (l) => lines.push(JSON.parse(l)));
  const agent = new Agent(base.data, base.chem, {
    cache: new LayeredCache(),
    observers: [store.listener(), metrics.listener(), queryLogger(log)],
  });
  const app = createApp({
    agent,
    config: { CHEMAGENT_MAX_BODY_BYTES: 65536, corsOrigins: ["*"] },
    metrics,
    observability: { store, alerts: new AlertEngine(store, []), showStacks: false },
  });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
  const u = (p: string) => `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}${p}`;
  try {
    const probe = await fetch(u("/ready/query"));
    assert.equal(probe.status, 200);
    assert.equal((await probe.json()).answered, "success");
    await fetch(u("/api/query"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "targets of aspirin" }),
    }).then((r) => r.json());
    const summary = async (q: string) => (await (await fetch(u(`/api/metrics/summary${q}`))).json()).result;
    assert.equal((await summary("")).queries, 1);
    assert.equal((await summary("?origin=probe")).queries, 1);
    assert.equal((await summary("?origin=all")).queries, 2);
    const recent = (await (await fetch(u("/api/metrics/queries"))).json()).result.queries;
    assert.deepEqual(recent.map((q: { origin: string }) => q.origin), ["user"]);
    const bad = await fetch(u("/api/metrics/summary?origin=robots"));
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.code, "invalid_parameter");
    assert.deepEqual(lines.filter((l) => l.msg === "query answered").map((l) => l.origin), ["probe", "user"]);
    assert.match(
      await (await fetch(u("/metrics"))).text(),
      /chemagent_queries_total\{[^}]*origin="probe"\} 1/,
    );
  } finally {
    await server.shutdown();
    store.close();
  }
});
