/** Session ownership in both store drivers (SQLite, Redis): first claimer wins, atomically, and it persists. */
import assert from "node:assert/strict";
import { createRedisClient } from "../../core/cache/mod.ts";
import { RedisSessionStore, type SessionStore, SqliteSessionStore } from "../../core/memory/mod.ts";
import { startRedis } from "../services.ts";
import type { ChemAgentError } from "../../core/mod.ts";
import { Access } from "../../edge/ws/access.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const exchange = {
  question: "targets of aspirin",
  intent: "target_query" as const,
  status: "success",
  summary: { subjects: [], results: [], targets: [] },
  at: Date.now(),
};

async function ownershipContract(store: SessionStore) {
  const id = `s_${crypto.randomUUID().replaceAll("-", "")}`;
  assert.equal(await store.claim(id, "alice"), true, "a new id is claimed by its first user");
  assert.equal(await store.claim(id, "alice"), true, "claiming your own session again is fine");
  assert.equal(await store.claim(id, "bob"), false, "another user cannot take it");
  await store.append(id, exchange);
  const s = await store.get(id);
  assert.equal(s?.owner, "alice");
  assert.equal(s?.exchanges.length, 1);
  // Concurrent claims of one fresh id: exactly one winner.
  const race = `s_${crypto.randomUUID().replaceAll("-", "")}`;
  const wins = await Promise.all(["u1", "u2", "u3", "u4"].map((u) => store.claim(race, u)));
  assert.equal(wins.filter(Boolean).length, 1);
  // A session written without an owner (auth off) can be claimed once auth is on.
  const legacy = `s_${crypto.randomUUID().replaceAll("-", "")}`;
  await store.append(legacy, exchange);
  assert.equal((await store.get(legacy))?.owner, undefined);
  assert.equal(await store.claim(legacy, "carol"), true);
  assert.equal(await store.claim(legacy, "dave"), false);
  assert.equal(await store.delete(id), true);
}

Deno.test({
  name: "SQLite sessions: ownership contract, and files from before ownership gain the column",
  ...opts,
  async fn() {
    const dir = await Deno.makeTempDir();
    const path = `${dir}/old.db`;
    const { DatabaseSync } = await import("node:sqlite");
    const old = new DatabaseSync(path);
    old.exec(
      "CREATE TABLE sessions (id TEXT PRIMARY KEY, created INTEGER NOT NULL, updated INTEGER NOT NULL)",
    );
    old.prepare("INSERT INTO sessions VALUES ('s_old', 1, ?)").run(Date.now());
    old.close();
    const store = new SqliteSessionStore(path);
    assert.equal((await store.get("s_old"))?.owner, undefined);
    await ownershipContract(store);
    await store.close();
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "Redis sessions: ownership contract",
  ...opts,
  async fn() {
    const redis = await startRedis();
    const client = createRedisClient({ url: redis.url, offlineQueue: true });
    client.on("error", () => {});
    try {
      const store = new RedisSessionStore(client);
      await ownershipContract(store);
      // Store down: access is refused as unavailable within the deadline, never guessed.
      await redis.stop();
      const access = new Access({ enforced: true, sessions: store });
      const t0 = performance.now();
      await assert.rejects(
        () => access.claimSession({ sub: "alice" }, "s_any", 300),
        (e: ChemAgentError) => e.code === "upstream_unavailable",
      );
      assert.ok(performance.now() - t0 < 2000);
    } finally {
      client.disconnect();
      await redis.stop();
    }
  },
});
