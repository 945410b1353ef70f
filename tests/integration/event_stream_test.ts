/** One event stream (issue 15.4): pause and resume are events of the query's own stream — gap-free seq, logged,
 * replayed to a client that reconnects with last_event_id, and seen by the agent's observers; a clarification
 * is answered from the shared event log, so any instance can take the answer. */
import assert from "node:assert/strict";
import type { QueryEvent } from "../../core/mod.ts";
import { rawClient, startWsServer } from "../ws_helpers.ts";
import { startRedis } from "../services.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test({
  ...opts,
  name: "pause/resume are stream events: replayed after reconnect with last_event_id and seen by observers",
  async fn() {
    const s = await startWsServer({ slowMs: 80 });
    const observed: QueryEvent[] = [];
    s.agent.observers.push((e) => observed.push(e));
    try {
      const a = await rawClient(s.url);
      a.send({ action: "query", query: "Find compounds similar to aspirin and get their targets" });
      assert.ok(await a.until(() => a.messages.some((m) => m.type === "step_start")));
      const q = a.messages[0].query_id as string;
      a.send({ action: "pause", query_id: q });
      assert.ok(await a.until(() => a.messages.some((m) => m.type === "paused")));
      const paused = a.messages.find((m) => m.type === "paused") as Any;
      assert.ok(paused.seq > 0, "paused has a seq of the query's stream");
      assert.equal(paused.event_id, `${q}:${paused.seq}`);
      a.send({ action: "pause", query_id: q });
      assert.ok(await a.until(() => a.messages.some((m) => m.seq === 0 && m.type === "error")));
      assert.match((a.messages.find((m) => m.seq === 0) as Any).data.error.message, /already paused/);
      a.send({ action: "resume", query_id: q });
      assert.ok(await a.until(() => a.messages.some((m) => m.type === "resumed")));
      a.ws.close(); // the client drops; the query goes on

      // Reconnect: the client last saw the event before `paused` and asks for the rest.
      const b = await rawClient(s.url);
      b.send({ action: "replay", query_id: q, last_event_id: `${q}:${paused.seq - 1}` });
      assert.ok(await b.until(() => b.messages.some((m) => m.type === "result"), 15_000));
      const replayed = b.messages.filter((m) => m.query_id === q) as unknown as QueryEvent[];
      // The step running when pause arrived may still complete; no new step starts until resumed.
      const types = replayed.map((e) => e.type);
      assert.equal(types[0], "paused");
      const resumedAt = types.indexOf("resumed");
      assert.ok(resumedAt > 0, "resumed is replayed");
      assert.ok(!types.slice(0, resumedAt).includes("step_start"), `no step starts while paused: ${types}`);
      assert.deepEqual(
        replayed.map((e) => e.seq),
        replayed.map((_, i) => paused.seq + i),
        "gap-free from there",
      );

      // Observers saw the same events, with the same ids, in the same order.
      const mine = observed.filter((e) => e.query_id === q);
      assert.deepEqual(mine.map((e) => e.seq), mine.map((_, i) => i + 1));
      assert.deepEqual(
        mine.filter((e) => e.seq >= paused.seq).map((e) => [e.type, e.event_id]),
        replayed.map((e) => [e.type, e.event_id]),
      );
      b.ws.close();
    } finally {
      await s.stop();
    }
  },
});

Deno.test({
  ...opts,
  name: "a clarification asked on instance A is answered on instance B (state in the shared event log)",
  async fn() {
    const redis = await startRedis();
    const A = await startWsServer({ redisUrl: redis.url });
    const B = await startWsServer({ redisUrl: redis.url });
    try {
      const a = await rawClient(A.url);
      a.send({ action: "query", query: "Thrombin", session_id: "s_clarify_across" });
      assert.ok(await a.until(() => a.messages.some((m) => m.type === "clarification_needed")));
      const q = a.messages[0].query_id as string;
      a.ws.close();
      const b = await rawClient(B.url);
      b.send({ action: "clarify", query_id: q, answer: "nonsense answer" });
      assert.ok(await b.until(() => b.messages.some((m) => m.type === "error")));
      assert.equal((b.messages[0].data as Any).error.code, "invalid_parameter");
      b.send({ action: "clarify", query_id: q, answer: "the target" });
      assert.ok(await b.until(() => b.messages.some((m) => m.type === "result")));
      const accepted = b.messages.find((m) => m.type === "accepted") as Any;
      assert.equal(accepted.data.answers, q);
      assert.equal(accepted.data.session_id, "s_clarify_across");
      const result = b.messages.find((m) => m.type === "result") as Any;
      assert.equal(result.data.response.intent.type, "reverse_target_query");
      b.ws.close();
    } finally {
      await A.stop();
      await B.stop();
      await redis.stop();
    }
  },
});
