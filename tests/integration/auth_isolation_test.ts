/** Per-user isolation with AUTH_REQUIRED=true, on a real server process over HTTP and WebSocket: two users'
 * tokens, and every cross-user access refused — per route and per WebSocket action. */
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { startServerProcess } from "../../bench/lib.ts";
import { createRedisClient } from "../../core/cache/mod.ts";
import { Access, QueryOwners } from "../../edge/ws/access.ts";
import { startRedis } from "../services.ts";
import { rawClient, startWsServer } from "../ws_helpers.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const SECRET = "isolation-test-secret-".padEnd(40, "x");
const ISSUER = "https://id.chemagent.test";
const AUDIENCE = "chemagent-api";
const key = new TextEncoder().encode(SECRET);

type Claims = { sub?: string; roles?: string[]; iss?: string; aud?: string; exp?: number | null };
/** A token with sensible defaults; `exp: null` leaves the expiry out. */
function sign({ sub = "alice", roles = [], iss = ISSUER, aud = AUDIENCE, exp = 3600 }: Claims = {}) {
  const jwt = new SignJWT({ roles }).setProtectedHeader({ alg: "HS256" }).setIssuer(iss).setAudience(aud);
  if (sub) jwt.setSubject(sub);
  if (exp !== null) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + exp);
  return jwt.sign(key);
}

type Json = Record<string, unknown> & { error?: { code: string; message: string } };
type Client = Awaited<ReturnType<typeof rawClient>>;

/** Sends a WebSocket message and waits for the first reply matching `pick` among the new messages. */
async function ask(c: Client, msg: Record<string, unknown>, pick: (m: Json) => boolean, ms = 5000) {
  const from = c.messages.length;
  c.send(msg);
  const found = () => (c.messages.slice(from) as Json[]).find(pick);
  assert.ok(await c.until(() => !!found(), ms), `no reply to ${JSON.stringify(msg)}`);
  return found()!;
}
const replyTo = (m: Json) => m.type === "error" || m.type === "pong" || m.type === "accepted";
const errorCode = (m: Json) => ((m.data as Json | undefined)?.error as { code?: string } | undefined)?.code;

Deno.test({
  name: "auth on (main.ts process): tokens, sessions, replays, clarifications, rooms and operator endpoints",
  ...opts,
  async fn(t) {
    const server = await startServerProcess({
      AUTH_REQUIRED: "true",
      JWT_SECRET: SECRET,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      MEMORY_SQLITE_PATH: ":memory:",
      METRICS_DB_PATH: ":memory:",
      CACHE_WARM: "false",
    });
    const [alice, bob, admin] = await Promise.all([
      sign({ sub: "alice" }),
      sign({ sub: "bob" }),
      sign({ sub: "root", roles: ["admin"] }),
    ]);
    const http = async (path: string, token: string | undefined, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      if (token) headers.set("authorization", `Bearer ${token}`);
      if (init.body) headers.set("content-type", "application/json");
      const res = await fetch(server.url + path, { ...init, headers });
      const text = await res.text();
      let body: Json;
      try {
        body = JSON.parse(text);
      } catch {
        body = { raw: text };
      }
      return { status: res.status, body };
    };
    const post = (path: string, token: string | undefined, payload: unknown) =>
      http(path, token, { method: "POST", body: JSON.stringify(payload) });
    const wsUrl = server.url.replace("http", "ws") + "/ws";
    const clients: Client[] = [];
    try {
      await t.step(
        "tokens: no exp, wrong issuer, wrong audience, no sub, none → 401; a good one → 200",
        async () => {
          const bad = {
            "no exp": await sign({ exp: null }),
            "wrong iss": await sign({ iss: "https://evil.test" }),
            "wrong aud": await sign({ aud: "someone-else" }),
            "no sub": await sign({ sub: "" }),
            "expired": await sign({ exp: -60 }),
          };
          for (const [why, token] of Object.entries(bad)) {
            const r = await http("/api/compounds/CHEMBL25", token);
            assert.equal(r.status, 401, why);
            assert.equal(r.body.error?.code, "unauthorized", why);
            const ws = await fetch(server.url + "/ws", {
              headers: { upgrade: "websocket", authorization: `Bearer ${token}` },
            });
            assert.equal(ws.status, 401, `ws ${why}`);
            await ws.body?.cancel();
          }
          assert.equal((await http("/api/compounds/CHEMBL25", undefined)).status, 401);
          assert.equal((await http("/api/compounds/CHEMBL25", alice)).status, 200);
        },
      );

      let session = "";
      await t.step("session ids are random 128-bit values and belong to their creator", async () => {
        const a = await post("/api/sessions", alice, {});
        const b = await post("/api/sessions", alice, {});
        session = (a.body.result as { session_id: string }).session_id;
        assert.match(session, /^s_[0-9a-f]{32}$/);
        assert.notEqual(session, (b.body.result as { session_id: string }).session_id);
        const q = await post("/api/query", alice, { query: "targets of aspirin", session_id: session });
        assert.equal(q.status, 200);
        assert.equal(q.body.session_id, session);
      });

      await t.step(
        "another user's session is 404 on every HTTP route (read, delete, continue, stream)",
        async () => {
          const cases: [string, Promise<{ status: number; body: Json }>][] = [
            ["GET /api/sessions/:id", http(`/api/sessions/${session}`, bob)],
            ["DELETE /api/sessions/:id", http(`/api/sessions/${session}`, bob, { method: "DELETE" })],
            [
              "POST /api/query",
              post("/api/query", bob, { query: "What about its targets?", session_id: session }),
            ],
            [
              "GET /api/query",
              http(`/api/query?q=${encodeURIComponent("and ibuprofen?")}&session_id=${session}`, bob),
            ],
            ["GET /api/query/stream", http(`/api/query/stream?q=aspirin&session_id=${session}`, bob)],
          ];
          for (const [route, pending] of cases) {
            const r = await pending;
            assert.equal(r.status, 404, `${route}: ${JSON.stringify(r.body).slice(0, 200)}`);
            assert.equal(r.body.error?.code, "not_found", route);
          }
          // Nothing leaked or changed: alice still has exactly her one exchange.
          const own = await http(`/api/sessions/${session}`, alice);
          assert.equal(own.status, 200);
          const s = own.body.result as { exchanges: { question: string }[]; owner: string };
          assert.deepEqual(s.exchanges.map((e) => e.question), ["targets of aspirin"]);
          // A session id named by one user first cannot be taken over by another.
          assert.equal(
            (await post("/api/query", bob, { query: "aspirin", session_id: "s_mine" })).status,
            200,
          );
          assert.equal(
            (await post("/api/query", alice, { query: "aspirin", session_id: "s_mine" })).status,
            404,
          );
        },
      );

      await t.step(
        "operator endpoints need the admin role: 401 without a token, 403 without the role",
        async () => {
          const routes: [string, string, unknown?][] = [
            ["GET", "/metrics"],
            ["GET", "/api/metrics/queries"],
            ["GET", "/api/metrics/errors"],
            ["GET", "/api/metrics/slow-queries"],
            ["DELETE", "/api/cache?namespace=*"],
            ["POST", "/api/cache/events", { type: "dataset_reloaded" }],
            ["POST", "/api/cache/warm", {}],
            ["POST", "/api/alerts/nope/ack", {}],
            ["POST", "/api/alerts/silences", { rule: "HighErrorRate", minutes: 5 }],
            ["DELETE", "/api/alerts/silences/nope"],
          ];
          for (const [method, path, payload] of routes) {
            const init = { method, ...(payload ? { body: JSON.stringify(payload) } : {}) };
            const anon = await http(path, undefined, init);
            assert.equal(anon.status, 401, `${method} ${path} anonymous`);
            const user = await http(path, bob, init);
            assert.equal(user.status, 403, `${method} ${path} as bob`);
            assert.equal(user.body.error?.code, "forbidden");
            if (path === "/api/cache/warm") continue; // allowed for admins, but warming is slow work
            const op = await http(path, admin, init);
            assert.ok(![401, 403].includes(op.status), `${method} ${path} as admin → ${op.status}`);
          }
          // What every user may read: aggregates without anyone's questions, and their own cache stats.
          assert.equal((await http("/api/metrics/summary", bob)).status, 200);
          assert.equal((await http("/api/cache/stats", bob)).status, 200);
        },
      );

      await t.step("WebSocket: sessions, replays, query rooms, clarifications and the ops room", async () => {
        const [a, b, op] = await Promise.all([
          rawClient(wsUrl, ["bearer", alice]),
          rawClient(wsUrl, ["bearer", bob]),
          rawClient(wsUrl, ["bearer", admin]),
        ]);
        clients.push(a, b, op);
        assert.ok(a.opened && b.opened && op.opened);

        // Alice runs a query in her session; her query id is what bob will try to use.
        const accepted = await ask(
          a,
          { action: "query", query: "targets of imatinib", session_id: session },
          (m) => m.type === "accepted",
        );
        const q = accepted.query_id as string;
        assert.ok(await a.until(() => a.messages.some((m) => m.type === "result" && m.query_id === q)));

        const refused: [string, Record<string, unknown>, string][] = [
          [
            "query in her session",
            { action: "query", query: "and its ligands?", session_id: session },
            "not_found",
          ],
          ["join her session room", { action: "join", room: `session:${session}` }, "not_found"],
          ["join her query room", { action: "join", room: `query:${q}` }, "not_found"],
          ["replay her query", { action: "replay", query_id: q }, "not_found"],
          [
            "resume her query from an event id",
            { action: "replay", query_id: q, last_event_id: `${q}:1` },
            "not_found",
          ],
          ["cancel her query", { action: "cancel", query_id: q }, "not_found"],
          ["pause her query", { action: "pause", query_id: q }, "not_found"],
          ["resume her query", { action: "resume", query_id: q }, "not_found"],
          ["join the ops room", { action: "join", room: "ops" }, "forbidden"],
        ];
        for (const [what, msg, code] of refused) {
          const reply = await ask(b, msg, replyTo);
          assert.equal(reply.type, "error", `bob: ${what} → ${JSON.stringify(reply).slice(0, 200)}`);
          assert.equal(errorCode(reply), code, `bob: ${what}`);
        }
        // Bob saw none of alice's events.
        assert.ok(!b.messages.some((m) => m.query_id === q && m.type !== "error"));

        // The owner can do each of those.
        assert.equal((await ask(a, { action: "join", room: `session:${session}` }, replyTo)).type, "pong");
        // Ownership is the user's, not the connection's: alice reconnecting may resume her query.
        const a2 = await rawClient(wsUrl, ["bearer", alice]);
        clients.push(a2);
        const replayed = await ask(
          a2,
          { action: "replay", query_id: q, last_event_id: `${q}:1` },
          (m) => m.query_id === q && (m.type === "result" || m.type === "error"),
        );
        assert.equal(replayed.type, "result");
        assert.equal((await ask(op, { action: "join", room: "ops" }, replyTo)).type, "pong");

        // A clarification is answered only by the user who was asked.
        const asked = await ask(
          a,
          { action: "query", query: "Thrombin" },
          (m) => m.type === "clarification_needed",
        );
        const cq = asked.query_id as string;
        const bobAnswer = await ask(b, { action: "clarify", query_id: cq, answer: "the target" }, replyTo);
        assert.equal(bobAnswer.type, "error");
        assert.equal(errorCode(bobAnswer), "not_found");
        const aliceAnswer = await ask(
          a,
          { action: "clarify", query_id: cq, answer: "the target" },
          (m) => m.type === "accepted" && (m.data as Json).answers === cq,
        );
        assert.ok(aliceAnswer.query_id);
      });

      await t.step("alice deletes her own session; afterwards it is gone for her too", async () => {
        assert.equal((await http(`/api/sessions/${session}`, alice, { method: "DELETE" })).status, 200);
        assert.equal((await http(`/api/sessions/${session}`, alice)).status, 404);
      });
    } finally {
      for (const c of clients) c.ws.close();
      await server.stop();
    }
  },
});

Deno.test({
  name: "auth on: another user cannot cancel, pause or resume a running query; its owner can",
  ...opts,
  async fn() {
    const s = await startWsServer({
      jwtSecret: SECRET,
      authRequired: true,
      slowMs: 150,
      access: new Access({ enforced: true }),
    });
    // startWsServer's verifier checks exp but not iss/aud.
    const [alice, bob] = await Promise.all([sign({ sub: "alice" }), sign({ sub: "bob" })]);
    const a = await rawClient(s.url, ["bearer", alice]);
    const b = await rawClient(s.url, ["bearer", bob]);
    try {
      const workflow = "Find compounds similar to ibuprofen with MW < 300";
      const started = await ask(a, { action: "query", query: workflow }, (m) => m.type === "accepted");
      const q = started.query_id as string;
      for (const action of ["pause", "cancel", "resume"]) {
        const reply = await ask(b, { action, query_id: q }, replyTo);
        assert.equal(errorCode(reply), "not_found", action);
      }
      // Bob's cancel did nothing: alice's query finishes with its result.
      assert.ok(await a.until(() => a.messages.some((m) => m.query_id === q && m.type === "result"), 10_000));
      assert.ok(!a.messages.some((m) => m.query_id === q && (m.type === "cancelled" || m.type === "paused")));

      // The owner's own controls work.
      const mine = await ask(
        a,
        { action: "query", query: workflow, config: { cache: false } },
        (m) => m.type === "accepted",
      );
      const q2 = mine.query_id as string;
      a.send({ action: "cancel", query_id: q2 });
      assert.ok(
        await a.until(() => a.messages.some((m) => m.query_id === q2 && m.type === "cancelled"), 10_000),
      );
    } finally {
      a.ws.close();
      b.ws.close();
      await s.stop(false);
    }
  },
});

Deno.test({
  name: "auth on, two instances + Redis: a replay on the other instance is checked against the query's owner",
  ...opts,
  async fn() {
    const redis = await startRedis();
    const owners = [0, 1].map(() => createRedisClient({ url: redis.url, offlineQueue: true }));
    for (const c of owners) c.on("error", () => {});
    const mk = (i: number) =>
      startWsServer({
        jwtSecret: SECRET,
        authRequired: true,
        redisUrl: redis.url,
        access: new Access({ enforced: true, queries: new QueryOwners(owners[i]) }),
      });
    const [s1, s2] = await Promise.all([mk(0), mk(1)]);
    const [alice, bob] = await Promise.all([sign({ sub: "alice" }), sign({ sub: "bob" })]);
    const a1 = await rawClient(s1.url, ["bearer", alice]);
    const a2 = await rawClient(s2.url, ["bearer", alice]);
    const b2 = await rawClient(s2.url, ["bearer", bob]);
    try {
      const started = await ask(
        a1,
        { action: "query", query: "targets of aspirin" },
        (m) => m.type === "accepted",
      );
      const q = started.query_id as string;
      assert.ok(await a1.until(() => a1.messages.some((m) => m.query_id === q && m.type === "result")));
      const refused = await ask(b2, { action: "replay", query_id: q }, replyTo);
      assert.equal(errorCode(refused), "not_found");
      const replayed = await ask(
        a2,
        { action: "replay", query_id: q },
        (m) => m.query_id === q && m.type === "result",
      );
      assert.equal(replayed.type, "result");
    } finally {
      for (const c of [a1, a2, b2]) c.ws.close();
      await Promise.all([s1.stop(false), s2.stop(false)]);
      for (const c of owners) c.disconnect();
      await redis.stop();
    }
  },
});
