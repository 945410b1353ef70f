/**
 * Two MCP replicas sharing one Redis (a private redis-server), as behind a load balancer without affinity: a
 * session opened on one is served by the other, refused to another caller, resumed there with Last-Event-ID, and
 * forgotten everywhere once deleted.
 */
import assert from "node:assert/strict";
import type { Redis } from "ioredis";
import { createRedisClient } from "../../core/mod.ts";
import { SignJWT } from "jose";
import { mcpHttp } from "../../edge/mcp/http.ts";
import { createVerifier } from "../../edge/ws/auth.ts";
import { testAgent } from "../helpers.ts";
import { readSse } from "../mcp_helpers.ts";
import { startRedis } from "../services.ts";

const SECRET = "mcp-redis-test-secret-0123456789abcdef0123";
const MCP_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };
const token = (sub: string) =>
  new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(sub).setExpirationTime("10m")
    .sign(new TextEncoder().encode(SECRET));

Deno.test({
  name: "MCP sessions and resumability across replicas through Redis (no load-balancer affinity)",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const redis = await startRedis();
    const agent = await testAgent();
    const verifier = createVerifier({ required: true, secret: SECRET });
    const prefix = `t${crypto.randomUUID().slice(0, 8)}:`;
    const clients: Redis[] = [];
    const replica = () => {
      // As edge/compose.ts builds it: no offline queue, short command timeout.
      const client = createRedisClient({ url: redis.url, offlineQueue: false, commandTimeoutMs: 500 });
      client.on("error", () => {});
      clients.push(client);
      const mcp = mcpHttp({
        agent,
        verifier,
        authRequired: true,
        allowedOrigins: ["localhost"],
        redis: client,
        redisOptions: { prefix },
      });
      const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, mcp.app.fetch);
      return { mcp, server, url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/mcp` };
    };
    const [a, b] = [replica(), replica()];
    // Fail-fast clients refuse commands until connected (at start-up the server connects while loading data).
    await Promise.all(clients.map((c) => c.status === "ready" || new Promise((r) => c.once("ready", r))));
    try {
      const alice = { ...MCP_HEADERS, authorization: `Bearer ${await token("alice")}` };
      const init = await fetch(a.url, {
        method: "POST",
        headers: alice,
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: {
            protocolVersion: "2025-11-25",
            capabilities: {},
            clientInfo: { name: "lb", version: "1" },
          },
        }),
      });
      const session = init.headers.get("mcp-session-id")!;
      await init.body?.cancel();
      assert.ok(a.mcp.sessions.has(session) && !b.mcp.sessions.has(session));
      const headers = { ...alice, "mcp-session-id": session, "mcp-protocol-version": "2025-11-25" };
      const post = (url: string, body: unknown, h: Record<string, string> = headers) =>
        fetch(url, { method: "POST", headers: h, body: JSON.stringify(body) });
      const initialized = await post(b.url, { jsonrpc: "2.0", method: "notifications/initialized" });
      assert.equal(initialized.status, 202);
      await initialized.body?.cancel();
      // The next request lands on the other replica, which takes the session over.
      const call = await post(b.url, {
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "properties", arguments: { compound: "aspirin" } },
      });
      assert.equal(call.status, 200);
      assert.equal((await call.json()).result.structuredContent.compound.id, "CHEMBL25");
      assert.ok(b.mcp.sessions.has(session));

      // Bob holding Alice's session id is told it does not exist, on either replica.
      for (const r of [a, b]) {
        const bob = await post(r.url, { jsonrpc: "2.0", id: 3, method: "ping" }, {
          ...headers,
          authorization: `Bearer ${await token("bob")}`,
        });
        assert.equal(bob.status, 404);
        await bob.body?.cancel();
      }

      // A stream dropped on A resumes on B with Last-Event-ID: the events are in Redis.
      const streamed = await post(a.url, {
        jsonrpc: "2.0",
        id: 4,
        method: "tools/call",
        params: { name: "properties", arguments: { compound: "ibuprofen" }, _meta: { progressToken: "p4" } },
      });
      assert.equal(streamed.headers.get("content-type"), "text/event-stream");
      const [priming] = await readSse(streamed.body!, (e) => e.id !== undefined);
      await new Promise((r) => setTimeout(r, 300));
      const resumed = await fetch(b.url, {
        headers: { ...headers, accept: "text/event-stream", "last-event-id": priming.id! },
      });
      assert.equal(resumed.status, 200);
      const replay = await readSse(resumed.body!, (e) => e.data.includes('"id":4'));
      assert.equal(JSON.parse(replay.at(-1)!.data).result.structuredContent.compound.name, "Ibuprofen");

      // Deleted on B: Redis forgets the session, so a replica that never held it refuses it.
      const del = await fetch(b.url, { method: "DELETE", headers });
      assert.equal(del.status, 200);
      await del.body?.cancel();
      const c = replica();
      await new Promise((r) => clients.at(-1)!.once("ready", r));
      try {
        const gone = await post(c.url, { jsonrpc: "2.0", id: 5, method: "ping" });
        assert.equal(gone.status, 404);
        await gone.body?.cancel();
      } finally {
        await c.mcp.close();
        await c.server.shutdown();
      }

      // Redis gone: a new session and its streamed answer still work on the replica that holds them.
      await redis.stop();
      const init2 = await post(a.url, {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "lb", version: "1" } },
      }, alice);
      assert.equal(init2.status, 200);
      const local = init2.headers.get("mcp-session-id")!;
      await init2.body?.cancel();
      const h2 = { ...headers, "mcp-session-id": local };
      const offline = await post(a.url, {
        jsonrpc: "2.0",
        id: 6,
        method: "tools/call",
        params: { name: "properties", arguments: { compound: "aspirin" }, _meta: { progressToken: 6 } },
      }, h2);
      const events = await readSse(offline.body!, (e) => e.data.includes('"id":6'));
      assert.equal(JSON.parse(events.at(-1)!.data).result.structuredContent.compound.id, "CHEMBL25");
    } finally {
      for (const r of [a, b]) {
        await r.mcp.close();
        await r.server.shutdown();
      }
      for (const c of clients) c.disconnect();
      await redis.stop();
    }
  },
});
