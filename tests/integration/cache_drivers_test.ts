/** One contract, run against every L2 driver: Redis (real server), Upstash (real client over HTTP to a local
 * Upstash-protocol server backed by Redis), and disk. */
import assert from "node:assert/strict";
import { createRedisClient, DiskTier, type L2Driver, RedisTier, UpstashTier } from "../../core/cache/mod.ts";
import { l2Contract } from "../l2_contract.ts";
import { startRedis, startUpstashServer } from "../services.ts";

const redis = await startRedis();
const upstash = startUpstashServer(redis.url, "test-token");
const diskDir = await Deno.makeTempDir({ prefix: "chemagent-disk-" });

const redisTier = new RedisTier(createRedisClient({ url: redis.url }));
assert.ok(await redisTier.ready(2000));
const drivers: [string, () => L2Driver][] = [
  ["redis", () => redisTier],
  ["upstash", () => new UpstashTier(upstash.url, "test-token")],
  ["disk", () => new DiskTier(diskDir, 64 * 1024)],
];

for (const [name, make] of drivers) {
  Deno.test({
    name: `L2 driver contract: ${name}`,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn(t) {
      const d = make();
      await l2Contract(t, d);
      await d.close();
    },
  });
}

Deno.test("disk tier stays within its size bound", async () => {
  const dir = await Deno.makeTempDir();
  const d = new DiskTier(dir, 10_000);
  for (let i = 0; i < 50; i++) await d.set(`chemagent:tool:k${i}`, new Uint8Array(1000), 60_000, []);
  assert.ok(d.bytes <= 10_000, String(d.bytes));
  assert.ok(await d.get("chemagent:tool:k49"));
  assert.equal(await d.get("chemagent:tool:k0"), null);
  await Deno.remove(dir, { recursive: true });
});

Deno.test({
  name: "stop services",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    assert.ok(upstash.requests() > 10, "the Upstash client really talked HTTP");
    await upstash.close();
    await redis.stop();
    await Deno.remove(diskDir, { recursive: true });
  },
});
