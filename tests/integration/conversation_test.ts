/** Conversations without an LLM: ≥ 90% of dialogue turns resolved, clarification over HTTP, context that
 * survives a restart (SQLite) and a switch of instance (Redis), bounded memory. */
import assert from "node:assert/strict";
import { Agent, MEMORY_UNSAVED } from "../../core/mod.ts";
import { createRedisClient } from "../../core/cache/mod.ts";
import { type Exchange, RedisSessionStore, SqliteSessionStore } from "../../core/memory/mod.ts";
import { createApp } from "../../edge/app.ts";
import { runDialogues } from "../eval/dialogues.ts";
import { postJson, testAgent } from "../helpers.ts";
import { startRedis } from "../services.ts";

const base = await testAgent();
const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test("≥ 30 multi-turn dialogues: follow-ups resolved in ≥ 90% of turns", async () => {
  const agent = new Agent(base.data, base.chem, { memory: new SqliteSessionStore(":memory:") });
  const r = await runDialogues(agent);
  const dialogues = JSON.parse(await Deno.readTextFile(new URL("../eval/dialogues.json", import.meta.url)));
  assert.ok(dialogues.length >= 30);
  console.log(`dialogue turns resolved: ${r.correct}/${r.turns}`);
  assert.ok(r.correct / r.turns >= 0.9, r.failures.join("\n"));
});

Deno.test({
  ...opts,
  name: "clarification round-trip over HTTP in one session",
  async fn() {
    const agent = new Agent(base.data, base.chem, { memory: new SqliteSessionStore(":memory:") });
    const app = createApp({ agent, config: { CHEMAGENT_MAX_BODY_BYTES: 65536, corsOrigins: ["*"] } });
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
    const url = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/api/query`;
    const first = await postJson(url, { query: "Thrombin", session_id: "s_clar" });
    assert.equal(first.status, 200);
    assert.equal(first.body.status, "clarification_needed");
    const c = first.body.clarification as {
      question: string;
      options: string[];
      suggested_queries: string[];
    };
    assert.match(c.question, /both a compound and a protein target/);
    assert.equal(c.options.length, 2);
    const second = await postJson(url, { query: "the target", session_id: "s_clar" });
    assert.equal(second.body.status, "success");
    assert.equal((second.body.intent as { type: string; source: string }).type, "reverse_target_query");
    assert.equal((second.body.intent as { source: string }).source, "context");
    // Without a session the options still come with runnable questions.
    const stateless = await postJson(url, { query: "Candesartan" });
    assert.equal(stateless.body.status, "clarification_needed");
    assert.ok(
      (stateless.body.clarification as { suggested_queries: string[] }).suggested_queries.every((q) =>
        /CHEMBL\d+/.test(q)
      ),
    );
    await server.shutdown();
  },
});

Deno.test("context survives a restart (SQLite file)", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/sessions.db`;
  const s1 = new SqliteSessionStore(path);
  await new Agent(base.data, base.chem, { memory: s1 }).query({
    query: "Find imatinib",
    session_id: "s_restart",
  });
  await s1.close();
  const s2 = new SqliteSessionStore(path); // a new process would open the same file
  const r = await new Agent(base.data, base.chem, { memory: s2 }).query({
    query: "What are its targets?",
    session_id: "s_restart",
  });
  assert.equal(r.intent.source, "context");
  assert.deepEqual(r.intent.entities.compounds.map((c) => c.id), ["CHEMBL941"]);
  await s2.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test({
  ...opts,
  name: "context follows the user to another instance (Redis)",
  async fn() {
    const redis = await startRedis();
    const mk = () => {
      const c = createRedisClient({ url: redis.url, offlineQueue: true });
      return new Agent(base.data, base.chem, { memory: new RedisSessionStore(c) });
    };
    const a = mk(), b = mk();
    await a.query({ query: "Tell me about gefitinib", session_id: "s_switch" });
    const r = await b.query({ query: "what about its targets?", session_id: "s_switch" });
    assert.equal(r.intent.type, "target_query");
    assert.deepEqual(r.intent.entities.compounds.map((c) => c.id), ["CHEMBL939"]);
    const session = await b.memory!.get("s_switch");
    assert.equal(session!.exchanges.length, 2);
    assert.ok(await b.memory!.delete("s_switch"));
    assert.equal(await a.memory!.get("s_switch"), null);
    await redis.stop();
  },
});

Deno.test({
  ...opts,
  name:
    "a hung session store: the answer comes after the bounded wait and says it was answered alone and not saved",
  async fn() {
    const redis = await startRedis();
    const client = createRedisClient({ url: redis.url, offlineQueue: true });
    const agent = new Agent(base.data, base.chem, {
      memory: new RedisSessionStore(client),
      memoryWaitMs: 300,
    });
    try {
      const first = await agent.query({ query: "Tell me about gefitinib", session_id: "s_hung" });
      assert.ok(!first.notes.includes(MEMORY_UNSAVED));
      redis.pause();
      const t0 = performance.now();
      const r = await agent.query({ query: "what about its targets?", session_id: "s_hung" });
      const ms = performance.now() - t0;
      assert.ok(ms >= 300 && ms < 5000, `answered after ${ms} ms`);
      assert.ok(r.notes.includes(MEMORY_UNSAVED), JSON.stringify(r.notes));
      assert.ok(r.notes.some((n) => n.startsWith("The conversation's earlier turns could not be read")));
      // Without its context the follow-up is not answered as if it knew the subject.
      assert.notDeepEqual(r.intent.entities.compounds.map((c) => c.id), ["CHEMBL939"]);
      redis.resume();
      const again = await agent.query({ query: "Tell me about aspirin", session_id: "s_hung2" });
      assert.ok(!again.notes.includes(MEMORY_UNSAVED), JSON.stringify(again.notes));
    } finally {
      redis.resume();
      client.disconnect();
      await redis.stop();
    }
  },
});

Deno.test("memory is bounded: retention per session, expiry, and bytes per exchange", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/m.db`;
  const store = new SqliteSessionStore(path, { maxExchanges: 50, ttlMs: 60_000 });
  // A realistic exchange: a similarity answer with 20 results and 10 targets (the summary's caps).
  const ex: Exchange = {
    question: "Find compounds similar to ibuprofen with MW < 300 and rank them by logP",
    intent: "multi_step_workflow",
    status: "success",
    summary: {
      subjects: [{ id: "CHEMBL521", name: "Ibuprofen", text: "ibuprofen" }],
      results: Array.from(
        { length: 20 },
        (_, i) => ({ id: `CHEMBL${100000 + i}`, name: `Compound name ${i}` }),
      ),
      targets: Array.from(
        { length: 10 },
        (_, i) => ({ id: `CHEMBL${200 + i}`, name: `Prostaglandin G/H synthase ${i}`, gene: "PTGS2" }),
      ),
    },
    at: Date.now(),
  };
  const sessions = 200, per = 60;
  for (let s = 0; s < sessions; s++) for (let i = 0; i < per; i++) await store.append(`s_${s}`, ex);
  assert.equal((await store.get("s_0"))!.exchanges.length, 50, "trimmed to 50 exchanges");
  await store.close();
  const bytes = (await Deno.stat(path)).size +
    ((await Deno.stat(path + "-wal").catch(() => ({ size: 0 }))).size);
  const perExchange = bytes / (sessions * 50);
  console.log(
    `SQLite: ${(perExchange / 1024).toFixed(2)} KiB per stored exchange → 10,000 sessions × 50 ≈ ${
      (perExchange * 500_000 / 2 ** 20).toFixed(0)
    } MiB`,
  );
  // Documented bound (docs/conversations.md): ≤ 3 KiB per exchange, i.e. ≤ 1.5 GiB for 10,000 × 50 worst case.
  assert.ok(perExchange <= 3 * 1024, String(perExchange));
  const expiring = new SqliteSessionStore(path, { ttlMs: 1 });
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(await expiring.get("s_1"), null, "expired sessions are not served");
  assert.equal(await expiring.purgeExpired(), sessions);
  assert.equal(await expiring.count(), 0);
  await expiring.close();
  await Deno.remove(dir, { recursive: true });
});
