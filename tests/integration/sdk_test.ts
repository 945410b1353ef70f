/** The SDK (sdk/client.ts) in Deno against real servers: results, events, reconnection across a server
 * restart mid-query with every remaining event exactly once, and sends queued while offline. */
import assert from "node:assert/strict";
import { ChemAgentClient, type QueryEvent } from "../../sdk/mod.ts";
import { startRedis } from "../services.ts";
import { startWsServer } from "../ws_helpers.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  ...opts,
  name: "query() resolves to the response and iterates the events; cancel through AbortSignal",
  async fn() {
    const s = await startWsServer({ slowMs: 100 });
    const client = new ChemAgentClient(s.url);
    const progress: number[] = [];
    const run = client.query("What are the targets of imatinib?", { onProgress: (p) => progress.push(p) });
    const seen: string[] = [];
    for await (const ev of run) seen.push(ev.type);
    const r = await run;
    assert.equal(r.status, "success");
    assert.equal(seen.at(-1), "result");
    assert.equal(progress.at(-1), 1);
    const ac = new AbortController();
    const slow = client.query("Find compounds similar to aspirin and get their targets", {
      signal: ac.signal,
      onEvent: (e) => e.type === "step_start" && ac.abort(),
    });
    await assert.rejects(async () => await slow, (e: Error) => /cancelled/i.test(e.message));
    client.close();
    await s.stop();
  },
});

Deno.test({
  ...opts,
  name: "server restarted mid-query: the client reconnects and receives every remaining event exactly once",
  async fn() {
    const redis = await startRedis();
    let server = await startWsServer({ redisUrl: redis.url, slowMs: 150 });
    const port = server.port;
    const states: string[] = [];
    const client = new ChemAgentClient(server.url, {
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
      onConnectionChange: (s) => states.push(s),
    });
    const events: QueryEvent[] = [];
    let restarted: Promise<void> | undefined;
    const run = client.query("Find compounds similar to aspirin and get their targets", {
      onEvent: (e) => {
        events.push(e);
        if (e.type === "step_start" && !restarted) {
          // Graceful restart: drain (clients told to reconnect, the running query finishes and is logged), new process.
          restarted = (async () => {
            await server.stop(true);
            server = await startWsServer({ redisUrl: redis.url, port });
          })();
        }
      },
    });
    const r = await run;
    await restarted;
    assert.equal(r.status, "success");
    const seqs = events.filter((e) => e.seq > 0).map((e) => e.seq);
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1), `gap-free, no duplicates: ${seqs.join(",")}`);
    assert.equal(events.at(-1)!.type, "result");
    assert.ok(states.filter((s) => s === "open").length >= 2, `reconnected: ${states.join(" → ")}`);
    client.close();
    await server.stop(false);
    await redis.stop();
  },
});

Deno.test({
  ...opts,
  name: "sends made while offline are delivered after reconnect",
  async fn() {
    let server = await startWsServer();
    const port = server.port;
    const client = new ChemAgentClient(server.url, { reconnect: { initialDelayMs: 50, maxDelayMs: 200 } });
    await client.connect();
    await server.stop(true);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(client.connected, false);
    const run = client.query("molecular weight of caffeine"); // queued while the server is down
    await new Promise((r) => setTimeout(r, 200));
    server = await startWsServer({ port });
    const res = await run;
    assert.equal(res.status, "success");
    assert.match(res.answer, /194\.19/);
    client.close();
    await server.stop(false);
  },
});

Deno.test({
  ...opts,
  name: "a rate-limited query is resent after retry_after_ms; a query the server refuses fails with its code",
  async fn() {
    // 2 messages/s with a burst of 2: a burst of 4 queries runs into the limit (but not into the strike limit).
    const server = await startWsServer({ limits: { msgsPerSec: 2, burst: 2, maxStrikes: 10 } });
    const client = new ChemAgentClient(server.url);
    const limited: string[] = [];
    const results = await Promise.all(
      ["aspirin", "caffeine", "ibuprofen", "paracetamol"].map((c) =>
        client.query(`molecular weight of ${c}`, { onError: (e) => limited.push(e.code) })
      ),
    );
    assert.deepEqual(results.map((r) => r.status), ["success", "success", "success", "success"]);
    assert.deepEqual(limited, [], "rate limiting is absorbed by the SDK, not reported as a failure");
    // A malformed session id is refused before acceptance (invalid_request naming the query): the handle fails.
    await assert.rejects(
      async () => void await client.query("targets of aspirin", { sessionId: "not a valid id!" }),
      (e: Error & { body?: { code: string } }) => e.body?.code === "invalid_request",
    );
    client.close();
    await server.stop(false);
  },
});
