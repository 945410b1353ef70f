/** Alerts end to end: a synthetic error burst fires the error-rate alert once (throttled), it reaches a local
 * SMTP receiver and local webhook/Slack/PagerDuty receivers over real sockets, ack and resolve work. */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { MetricsStore } from "../../core/obs/metrics_store.ts";
import { AlertEngine } from "../../core/obs/alerts/engine.ts";
import {
  EmailChannel,
  PagerDutyChannel,
  SlackChannel,
  WebhookChannel,
} from "../../core/obs/alerts/channels.ts";

/** A minimal SMTP server (RFC 5321 subset) that stores each message it accepts. */
function startSmtp() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const messages: { from: string; to: string[]; data: string }[] = [];
  (async () => {
    for await (const conn of listener) {
      (async () => {
        const enc = new TextEncoder(), dec = new TextDecoder();
        const say = (s: string) => conn.write(enc.encode(s + "\r\n"));
        await say("220 localhost ESMTP test");
        let buf = "", from = "", to: string[] = [], inData = false, data = "";
        const chunk = new Uint8Array(65536);
        while (true) {
          const n = await conn.read(chunk).catch(() => null);
          if (!n) break;
          buf += dec.decode(chunk.subarray(0, n));
          let i;
          while ((i = buf.indexOf("\r\n")) >= 0) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 2);
            if (inData) {
              if (line === ".") {
                inData = false;
                messages.push({ from, to, data });
                data = "";
                to = [];
                await say("250 OK queued");
              } else data += line + "\n";
              continue;
            }
            const cmd = line.slice(0, 4).toUpperCase();
            if (cmd === "EHLO" || cmd === "HELO") await say("250 localhost");
            else if (cmd === "MAIL") (from = line, await say("250 OK"));
            else if (cmd === "RCPT") (to.push(line), await say("250 OK"));
            else if (cmd === "DATA") (inData = true, await say("354 End data with <CR><LF>.<CR><LF>"));
            else if (cmd === "QUIT") {
              await say("221 Bye");
              conn.close();
              return;
            } else if (cmd === "RSET" || cmd === "NOOP") await say("250 OK");
            else await say("502 Not implemented");
          }
        }
      })().catch(() => {});
    }
  })().catch(() => {});
  return { port: (listener.addr as Deno.NetAddr).port, messages, close: () => listener.close() };
}

function startReceiver() {
  const received: { path: string; body: Record<string, unknown>; auth: string | null }[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    received.push({
      path: new URL(req.url).pathname,
      body: await req.json(),
      auth: req.headers.get("authorization"),
    });
    return new Response(
      new URL(req.url).pathname.includes("enqueue")
        ? JSON.stringify({ status: "success", dedup_key: "x" })
        : "ok",
      { status: 202 },
    );
  });
  return {
    url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`,
    received,
    close: () => server.shutdown(),
  };
}

Deno.test({
  name: "error burst → one throttled alert on every channel; ack; resolve; history",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    let now = Date.parse("2026-11-25T10:00:00Z");
    const clock = () => now;
    const store = new MetricsStore(":memory:", 30, clock);
    const smtp = startSmtp();
    const http = startReceiver();
    const engine = new AlertEngine(
      store,
      [
        new EmailChannel({ host: "127.0.0.1", port: smtp.port }, "alerts@chemagent.test", [
          "oncall@chemagent.test",
        ]),
        new WebhookChannel(`${http.url}/hook`, "s3cret"),
        new SlackChannel(`${http.url}/slack`),
        new PagerDutyChannel("routing-key-123", `${http.url}/v2/enqueue`),
      ],
      undefined,
      { now: clock, repeatIntervalMs: 30 * 60_000, onError: (e) => console.error(e) },
    );

    // Healthy traffic: no alert.
    for (let i = 0; i < 100; i++) {
      store.record({
        ts: now,
        query_id: `q${i}`,
        intent: "target_query",
        status: "success",
        cached: true,
        ms: 3,
      });
    }
    assert.deepEqual(await engine.evaluate(), []);
    // Synthetic error burst: 40 of the next 60 queries fail.
    for (let i = 0; i < 60; i++) {
      store.record({
        ts: now,
        query_id: `e${i}`,
        intent: "compound_lookup",
        status: i % 3 ? "error" : "success",
        cached: false,
        ms: 5,
        error_code: "internal",
        error_message: "boom",
      });
    }
    assert.deepEqual(await engine.evaluate(), [], "pending until the for-duration has passed");
    assert.equal(engine.active()[0].state, "pending");
    now += 61_000;
    const fired = await engine.evaluate();
    assert.equal(fired.length, 1);
    assert.equal(fired[0].rule, "HighErrorRate");
    assert.equal(fired[0].state, "firing");
    // Throttled: evaluating again (burst continues) sends nothing new.
    for (let t = 0; t < 5; t++) {
      now += 15_000;
      assert.deepEqual(await engine.evaluate(), []);
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(smtp.messages.length, 1);
    assert.match(smtp.messages[0].data, /Subject: \[ChemAgent FIRING\] HighErrorRate \(critical\)/);
    const hook = http.received.filter((r) => r.path === "/hook");
    assert.equal(hook.length, 1);
    assert.equal(hook[0].auth, "Bearer s3cret");
    assert.equal((hook[0].body.alert as { rule: string }).rule, "HighErrorRate");
    const slack = http.received.filter((r) => r.path === "/slack");
    assert.equal(slack.length, 1);
    assert.match(String(slack[0].body.text), /FIRING/);
    const pd = http.received.filter((r) => r.path === "/v2/enqueue");
    assert.equal(pd.length, 1);
    assert.equal(pd[0].body.event_action, "trigger");
    assert.equal(pd[0].body.routing_key, "routing-key-123");
    // Ack stops repeats even after the repeat interval.
    const id = engine.active()[0].id;
    assert.equal(engine.ack(id, "alice")?.acked_by, "alice");
    now += 31 * 60_000 - 6 * 60_000;
    for (let i = 0; i < 60; i++) {
      store.record({
        ts: now,
        query_id: `f${i}`,
        intent: "compound_lookup",
        status: "error",
        cached: false,
        ms: 5,
      });
    }
    assert.deepEqual(await engine.evaluate(), [], "acknowledged: no repeat");
    // Errors stop: after the window passes the alert resolves and every channel hears it.
    now += 6 * 60_000;
    for (let i = 0; i < 30; i++) {
      store.record({
        ts: now,
        query_id: `ok${i}`,
        intent: "target_query",
        status: "success",
        cached: true,
        ms: 2,
      });
    }
    const resolved = await engine.evaluate();
    assert.equal(resolved.length, 1);
    assert.equal(resolved[0].state, "resolved");
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(http.received.filter((r) => r.path === "/v2/enqueue").at(-1)!.body.event_action, "resolve");
    assert.equal(smtp.messages.length, 2);
    assert.equal(engine.history[0].id, id);
    assert.equal(engine.history[0].state, "resolved");
    assert.deepEqual(engine.active(), []);
    // Silences suppress notifications.
    engine.silence("HighErrorRate", 60, "maintenance", "bob");
    for (let i = 0; i < 60; i++) {
      store.record({
        ts: now,
        query_id: `g${i}`,
        intent: "compound_lookup",
        status: "error",
        cached: false,
        ms: 5,
      });
    }
    now += 61_000;
    await engine.evaluate();
    now += 61_000;
    assert.deepEqual(await engine.evaluate(), []);
    assert.equal(engine.active()[0].silenced, true);
    smtp.close();
    await http.close();
    store.close();
  },
});

Deno.test("metrics store: summary, history buckets, slow queries and errors; 30-day retention", async () => {
  let now = Date.parse("2026-11-25T10:00:00Z");
  const store = new MetricsStore(":memory:", 30, () => now);
  for (let i = 0; i < 10; i++) {
    store.record({
      ts: now + i * 60_000,
      query_id: `q${i}`,
      query: `q ${i}`,
      intent: "target_query",
      status: i >= 8 ? "error" : "success",
      cached: i % 2 === 0,
      ms: i * 10,
      error_code: i === 9 ? "internal" : i === 8 ? "not_found" : undefined,
    });
  }
  now += 10 * 60_000;
  const s = await store.summary(3_600_000);
  assert.equal(s.queries, 10);
  assert.equal(s.errors, 1, "only the internal error counts; not_found is the user's");
  assert.equal(s.cache_hit_rate, 0.5);
  assert.ok(s.latency_ms.p95 >= 50);
  const h = await store.history("queries", "5m", now - 3_600_000, now);
  assert.equal(h.reduce((a, b) => a + (b.value as number), 0), 10);
  assert.equal(store.slowQueries(3)[0].ms, 90);
  assert.deepEqual(store.recentErrors(10).map((e) => e.error_code), ["internal", "not_found"]);
  // 31 days later the rollups are gone.
  now += 31 * 86_400_000;
  store.record({ ts: now, query_id: "late", intent: "x", status: "success", cached: false, ms: 1 });
  store.flush();
  assert.equal((await store.summary(40 * 86_400_000)).queries, 1);
  store.close();
});

Deno.test("metrics store: a flush that finds the file locked by another instance keeps its minutes for the next one", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/metrics.db`;
  const store = new MetricsStore(path);
  const other = new DatabaseSync(path);
  try {
    store.record({
      ts: Date.now(),
      query_id: "q1",
      intent: "target_query",
      status: "success",
      cached: true,
      ms: 2,
    });
    other.exec("BEGIN IMMEDIATE"); // another process holds the write lock
    assert.throws(() => store.flush(), /locked|busy/i);
    // A reader still gets an answer (from what is on disk) instead of an error.
    assert.equal((await store.summary()).queries, 0);
    other.exec("ROLLBACK");
    store.flush();
    assert.equal((await store.summary()).queries, 1, "the minute kept from the failed flush is written once");
    store.flush();
    assert.equal((await store.summary()).queries, 1);
  } finally {
    other.close();
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "metrics rollups aggregate across instances through Redis",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const { startRedis } = await import("../services.ts");
    const { RedisRollups } = await import("../../core/obs/shared_rollups.ts");
    const { createRedisClient } = await import("../../core/cache/mod.ts");
    const redis = await startRedis();
    const mk = () => {
      const s = new MetricsStore(":memory:");
      const c = createRedisClient({ url: redis.url, offlineQueue: true });
      c.on("error", () => {});
      s.shared = new RedisRollups(c);
      return { s, c };
    };
    const a = mk(), b = mk();
    const now = Date.now();
    for (let i = 0; i < 7; i++) {
      a.s.record({
        ts: now,
        query_id: `a${i}`,
        intent: "target_query",
        status: "success",
        cached: i < 3,
        ms: 4,
      });
    }
    for (let i = 0; i < 5; i++) {
      b.s.record({
        ts: now,
        query_id: `b${i}`,
        intent: "compound_lookup",
        status: "error",
        cached: false,
        ms: 40,
        error_code: "internal",
      });
    }
    b.s.flush();
    const fleet = await a.s.summary(3_600_000);
    assert.equal(fleet.queries, 12);
    assert.equal(fleet.errors, 5);
    assert.equal(fleet.cache_hit_rate, 0.25);
    assert.deepEqual(Object.keys(fleet.by_intent).sort(), ["compound_lookup", "target_query"]);
    const h = await b.s.history("queries", "1h", now - 3_600_000, now);
    assert.equal(h.reduce((x, p) => x + (p.value as number), 0), 12);
    a.c.disconnect();
    b.c.disconnect();
    await redis.stop();
  },
});
