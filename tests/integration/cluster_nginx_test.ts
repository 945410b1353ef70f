/** The Compose topology on one machine: 3 real API processes + Redis + nginx (Debian) with the committed
 * nginx.conf. Load balancing, WebSocket upgrade through nginx, shared cache, a replica killed under load
 * (no lost query), and a zero-downtime rolling restart (each replica SIGTERMed and restarted in turn under HTTP and
 * WebSocket load: no failed request, every WebSocket event exactly once). */
import assert from "node:assert/strict";
import { ChemAgentClient, type QueryEvent } from "../../sdk/mod.ts";
import { startRedis } from "../services.ts";

const root = new URL("../../", import.meta.url).pathname;
const opts = { sanitizeOps: false, sanitizeResources: false };

async function startApi(port: number, redisUrl: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-read", "--allow-env", "--allow-write", "--allow-sys", "main.ts"],
    cwd: root,
    env: {
      CHEMAGENT_PORT: String(port),
      CHEMAGENT_HOST: "127.0.0.1",
      REDIS_URL: redisUrl,
      CACHE_WARM: "false",
      CACHE_L2_TIMEOUT_MS: "3000",
      LOG_LEVEL: "error",
      MEMORY_SQLITE_PATH: ":memory:",
      METRICS_DB_PATH: ":memory:",
      HOSTNAME: `api-${port}`,
    },
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (let i = 0; i < 400; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/ready`);
      const b = await r.json();
      if (r.ok && b.instance === `api-${port}`) return child;
    } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`API on ${port} did not become ready`);
}

async function startNginx(ports: number[], listen: number) {
  const dir = await Deno.makeTempDir();
  let conf = await Deno.readTextFile(`${root}deploy/nginx/nginx.conf`);
  ports.forEach((p, i) => conf = conf.replace(`server api${i + 1}:8000`, `server 127.0.0.1:${p}`));
  conf = conf.replace("listen 8080;", `listen 127.0.0.1:${listen};`).replace(
    "/tmp/chemagent-nginx.pid",
    `${dir}/nginx.pid`,
  )
    .replace(/\/tmp\/nginx-/g, `${dir}/nginx-`).replace(
      "limit_req zone=api burst=40 nodelay;",
      "limit_req zone=api burst=100000 nodelay;",
    );
  await Deno.writeTextFile(`${dir}/nginx.conf`, conf);
  const child = new Deno.Command("nginx", {
    args: ["-c", `${dir}/nginx.conf`, "-p", dir, "-g", "daemon off;"],
    stdout: "null",
    stderr: Deno.env.get("DBG") ? "inherit" : "null",
  }).spawn();
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${listen}/health`);
      await r.body?.cancel();
      if (r.ok) break;
    } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 20));
  }
  return child;
}

/** A client that retries a failed request once or twice (network error or 5xx), as a browser or the SDK would. */
async function ask(base: string, q: string): Promise<Record<string, unknown>> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const r = await fetch(`${base}/api/query`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: q }),
      });
      if (r.status >= 500) throw new Error(`HTTP ${r.status}`);
      return await r.json();
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw last;
}

Deno.test({
  ...opts,
  name:
    "3 APIs + Redis + nginx: balancing, WebSocket through nginx, shared cache, a replica killed under load",
  async fn(t) {
    const redis = await startRedis();
    const base = 21000 + Math.floor(Math.random() * 2000) * 4;
    const ports = [base + 1, base + 2, base + 3];
    const apis = await Promise.all(ports.map((p) => startApi(p, redis.url)));
    const nginx = await startNginx(ports, base);
    const url = `http://127.0.0.1:${base}`;
    try {
      await t.step("nginx balances across the three replicas", async () => {
        const seen = new Set<string>();
        for (let i = 0; i < 30; i++) seen.add((await (await fetch(`${url}/ready`)).json()).instance);
        assert.equal(seen.size, 3, [...seen].join());
      });
      await t.step(
        "the cache is shared: a question answered by one replica is served from L2 by the others",
        async () => {
          // Wait until every replica has its Redis connection up (the client fails fast while connecting).
          for (const p of ports) {
            for (let i = 0; i < 100; i++) {
              const s = (await (await fetch(`http://127.0.0.1:${p}/api/cache/stats`)).json()).result;
              if (s.l2?.healthy && typeof s.l2.keys === "number") break;
              await new Promise((r) => setTimeout(r, 50));
            }
          }
          const q = `targets of imatinib run ${Math.floor(Math.random() * 1e6)}`;
          const first = await ask(`http://127.0.0.1:${ports[0]}`, q);
          assert.equal(first.status, "success");
          assert.equal(first.cached, false);
          for (const p of ports.slice(1)) {
            const r = await ask(`http://127.0.0.1:${p}`, q);
            assert.equal(r.cached, true);
            assert.equal(r.cache_tier, "l2");
          }
        },
      );
      await t.step("WebSocket upgrade through nginx", async () => {
        const client = new ChemAgentClient(`ws://127.0.0.1:${base}/ws`);
        const r = await client.query("What are the targets of aspirin?");
        assert.equal(r.status, "success");
        client.close();
      });
      await t.step("a replica killed during load loses no query", async () => {
        const qs = [
          "targets of aspirin",
          "molecular weight of caffeine",
          "ligands of EGFR",
          "Is ibuprofen drug-like?",
        ];
        let failed = 0, done = 0;
        const load = Promise.all(Array.from({ length: 8 }, async (_, w) => {
          for (let i = 0; i < 40; i++) {
            try {
              const r = await ask(url, `${qs[(w + i) % qs.length]} run ${w} ${i}`);
              if (r.status !== "success") {
                (failed++, console.error("failed:", JSON.stringify(r).slice(0, 200)));
              }
            } catch (e) {
              failed++;
              console.error("failed:", String(e));
            }
            done++;
          }
        }));
        while (done < 80) await new Promise((r) => setTimeout(r, 5));
        apis[2].kill("SIGKILL");
        await load;
        assert.equal(done, 320);
        assert.equal(failed, 0);
        apis[2] = await startApi(ports[2], redis.url);
      });
      await t.step(
        "rolling restart under load: each replica SIGTERMed and restarted in turn, 0 failed requests (no client retry), every WebSocket event exactly once",
        async () => {
          const qs = [
            "targets of aspirin",
            "molecular weight of caffeine",
            "ligands of EGFR",
            "Is ibuprofen drug-like?",
          ];
          let stop = false, ok = 0, wsOk = 0;
          const failures: string[] = [];
          const http = Promise.all(Array.from({ length: 6 }, async (_, w) => {
            for (let i = 0; !stop; i++) {
              try {
                const r = await fetch(`${url}/api/query`, {
                  method: "POST",
                  headers: { "content-type": "application/json" },
                  body: JSON.stringify({
                    query: `${qs[(w + i) % qs.length]} roll ${w} ${i}`,
                    options: { cache: i % 2 === 0 },
                  }),
                  signal: AbortSignal.timeout(15_000),
                });
                const text = await r.text();
                if (r.status === 200 && JSON.parse(text).status === "success") ok++;
                else failures.push(`HTTP ${r.status} ${text.slice(0, 100)} at ${new Date().toISOString()}`);
              } catch (e) {
                failures.push(`HTTP ${e} at ${new Date().toISOString()}`);
              }
            }
          }));
          const client = new ChemAgentClient(`ws://127.0.0.1:${base}/ws`, {
            reconnect: { initialDelayMs: 50, maxDelayMs: 250 },
          });
          const ws = (async () => {
            while (!stop) {
              const events: QueryEvent[] = [];
              try {
                const r = await client.query("Find compounds similar to aspirin and get their targets", {
                  cache: false,
                  onEvent: (e) => events.push(e),
                });
                const seqs = events.filter((e) => e.seq > 0).map((e) => e.seq);
                if (r.status !== "success") failures.push(`WS status ${r.status}`);
                else if (seqs.some((s, k) => s !== k + 1)) {
                  failures.push(`WS events not exactly once: ${seqs}`);
                } else wsOk++;
              } catch (e) {
                failures.push(`WS ${e}`);
              }
            }
          })();
          for (let k = 0; k < apis.length; k++) {
            await new Promise((r) => setTimeout(r, 400));
            apis[k].kill("SIGTERM");
            assert.equal((await apis[k].status).code, 0, "graceful exit");
            apis[k] = await startApi(ports[k], redis.url);
          }
          await new Promise((r) => setTimeout(r, 400));
          stop = true;
          await Promise.all([http, ws]);
          client.close();
          if (Deno.env.get("DBG")) console.error(`rolling restart: ${ok} HTTP + ${wsOk} WS answered`);
          assert.deepEqual(
            failures.slice(0, 5),
            [],
            `${failures.length} failed of ${ok + wsOk + failures.length}`,
          );
          assert.ok(ok >= 100, `HTTP load ran: ${ok}`);
          assert.ok(wsOk >= 3, `WebSocket load ran: ${wsOk}`);
        },
      );
    } finally {
      for (const a of apis) {
        try {
          a.kill("SIGKILL");
        } catch { /* gone */ }
        await a.status;
      }
      nginx.kill("SIGTERM");
      await nginx.status;
      await redis.stop();
    }
  },
});
