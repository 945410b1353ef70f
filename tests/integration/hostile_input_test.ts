/** Hostile structures over HTTP: every one gets a typed 4xx (or a 200 error answer) quickly, never a 5xx,
 * ordinary requests keep being answered meanwhile, and chemistry still answers correctly afterwards. */
import assert from "node:assert/strict";
import { Metrics } from "../../core/obs/metrics.ts";
import type { PoolStats } from "../../core/mod.ts";
import { getJson, postJson, startServer, testAgent } from "../helpers.ts";
import { rawClient, startWsServer } from "../ws_helpers.ts";

/** Only a hang detector: the limits answer in milliseconds; bench/hostile.ts measures latency. */
const HANG_MS = 5_000;
const TYPED = new Set(["input_too_complex", "invalid_smiles", "invalid_request", "invalid_parameter"]);

const wildcards = (n: number) => Array(n).fill("*").join("~");
export const HOSTILE: Record<string, string> = {
  "chain 600": "C".repeat(600),
  "chain 1000": "C".repeat(1000),
  "chain 5000": "C".repeat(5000),
  "300 rings": "C1CC1".repeat(300),
  "1300-deep branches": "C(".repeat(1300) + "C" + ")".repeat(1300),
  "100 rings": "C1CC1".repeat(100),
  "100 spiro rings": "C1(CC1)".repeat(100) + "C",
};

/** Patterns only hurt substructure search (as a molecule, an 80-atom wildcard chain is small and valid). */
export const HOSTILE_PATTERNS: Record<string, string> = {
  "80-atom wildcard pattern": wildcards(80),
  "40-atom wildcard pattern": wildcards(40),
  "wildcards around a ring": `${wildcards(8)}c1ccccc1`,
};

interface Outcome {
  status: number;
  code?: string;
  ms: number;
}

async function timed(f: () => Promise<{ status: number; body: Record<string, unknown> }>): Promise<Outcome> {
  const t0 = performance.now();
  const { status, body } = await f();
  const err = (body.error ?? (body.response as Record<string, unknown> | undefined)?.error) as
    | { code?: string }
    | undefined;
  return { status, code: err?.code, ms: performance.now() - t0 };
}

Deno.test("hostile structures get typed errors on every route while ordinary traffic is served", async () => {
  const server = await startServer({ maxBody: 64 * 1024 });
  try {
    // Warm the pool so the first ordinary request does not pay worker start-up.
    await postJson(`${server.url}/api/properties`, { smiles: "CCO" });
    let stop = false;
    const ordinary: number[] = [];
    const background = (async () => {
      while (!stop) {
        const r = await getJson(`${server.url}/health`);
        ordinary.push(r.status);
        const p = await postJson(`${server.url}/api/properties`, { smiles: "c1ccccc1O" });
        ordinary.push(p.status);
      }
    })();
    const failures: string[] = [];
    const cases = [
      ...Object.entries(HOSTILE).map(([name, smiles]) => ({ name, smiles, molecule: true })),
      ...Object.entries(HOSTILE_PATTERNS).map(([name, smiles]) => ({ name, smiles, molecule: false })),
    ];
    for (const { name, smiles, molecule } of cases) {
      const routes: Record<string, () => Promise<{ status: number; body: Record<string, unknown> }>> = {
        properties: () => postJson(`${server.url}/api/properties`, { smiles }),
        depict: () => getJson(`${server.url}/api/depict?smiles=${encodeURIComponent(smiles)}`),
        query: () =>
          postJson(`${server.url}/api/query`, {
            query: `What is the molecular weight of ${smiles}?`,
            options: { cache: false },
          }),
        substructure: () => postJson(`${server.url}/api/tools/substructure_search`, { query: smiles }),
        "substructure question": () =>
          postJson(`${server.url}/api/query`, {
            query: `Find compounds containing ${smiles}`,
            options: { cache: false },
          }),
      };
      for (const [route, call] of Object.entries(routes)) {
        if (!molecule && !route.startsWith("substructure")) continue;
        const o = await timed(call);
        const label = `${name} via ${route}: ${o.status} ${o.code} in ${Math.round(o.ms)} ms`;
        if (o.status >= 500 || !o.code || !TYPED.has(o.code) || o.ms > HANG_MS) failures.push(label);
      }
    }
    stop = true;
    await background;
    assert.deepEqual(failures, []);
    assert.ok(ordinary.length > 0 && ordinary.every((s) => s === 200), `ordinary statuses ${ordinary}`);
    // Same process, no restart: chemistry is still right.
    const aspirin = await postJson(`${server.url}/api/properties`, { smiles: "CC(=O)Oc1ccccc1C(=O)O" });
    assert.equal(aspirin.status, 200);
    const result = (aspirin.body.result ?? aspirin.body) as { properties: { molecular_weight: number } };
    assert.equal(Math.round(result.properties.molecular_weight * 100) / 100, 180.16);
    const ready = await getJson(`${server.url}/ready`);
    assert.equal(ready.status, 200);
    assert.equal((ready.body.chemistry as { ok: boolean }).ok, true);
  } finally {
    await server.close();
  }
});

Deno.test("over-limit structures name the limit they broke", async () => {
  const server = await startServer();
  try {
    const r = await postJson(`${server.url}/api/properties`, { smiles: "C".repeat(1000) });
    assert.equal(r.status, 400);
    const error = r.body.error as { code: string; message: string; details: { limit: string } };
    assert.equal(error.code, "input_too_complex");
    assert.match(error.message, /heavy-atom count is 1000, the limit is 250/);
    assert.equal(error.details.limit, "heavyAtoms");
    const q = await postJson(`${server.url}/api/query`, {
      query: `Find compounds containing ${wildcards(80)}`,
      options: { cache: false },
    });
    assert.equal(q.status, 200);
    assert.equal((q.body.error as { code: string }).code, "input_too_complex");
  } finally {
    await server.close();
  }
});

Deno.test("/ready reports a real chemistry probe and the pool state", async () => {
  const server = await startServer();
  try {
    const r = await getJson(`${server.url}/ready`);
    assert.equal(r.status, 200);
    const chem = r.body.chemistry as {
      ok: boolean;
      probe_ms: number;
      pool: { size: number; restarts: object };
    };
    assert.equal(chem.ok, true);
    assert.ok(chem.pool.size >= 1);
    assert.deepEqual(Object.keys(chem.pool.restarts).sort(), ["cancelled", "crashed", "timeout"]);
  } finally {
    await server.close();
  }
});

Deno.test("/metrics shows worker restarts by reason and busy workers", async () => {
  const stats: PoolStats = {
    size: 2,
    busy: 1,
    queued: 0,
    restarts: { timeout: 2, cancelled: 0, crashed: 1 },
    spare_ready: true,
    calls: 10,
  };
  const m = new Metrics();
  m.watchChemPool({ stats: () => stats });
  let text = await m.registry.metrics();
  assert.match(text, /chemagent_chem_worker_restarts_total\{reason="timeout"\} 2/);
  assert.match(text, /chemagent_chem_worker_restarts_total\{reason="crashed"\} 1/);
  assert.match(text, /chemagent_chem_workers\{state="busy"\} 1/);
  stats.restarts.crashed = 4;
  text = await m.registry.metrics();
  assert.match(text, /chemagent_chem_worker_restarts_total\{reason="crashed"\} 4/);
});

Deno.test({
  name: "cancelling a query during a real substructure search terminates the worker doing it",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const agent = await testAgent();
    await agent.substructures.build(); // pattern fingerprints ready: the search itself is what runs
    const s = await startWsServer();
    const c = await rawClient(s.url);
    try {
      const before = agent.chem.stats().restarts.cancelled;
      // Within the limits (6 wildcards of 12 atoms) yet seconds of matching over the whole dataset.
      c.send({
        action: "query",
        query: "Find compounds containing *~*~*~*~*~*~C~C~C~C~C~C",
        options: { cache: false },
      });
      assert.ok(await c.until(() => c.messages.some((m) => m.type === "step_start")));
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(agent.chem.stats().busy > 0, true, "a worker is matching");
      c.send({ action: "cancel", query_id: c.messages[0].query_id as string });
      assert.ok(await c.until(() => c.messages.some((m) => m.type === "cancelled")));
      assert.ok(!c.messages.some((m) => m.type === "result"));
      assert.equal(agent.chem.stats().restarts.cancelled, before + 1, "the busy worker was terminated");
      // And chemistry goes on.
      assert.equal((await agent.chem.descriptors("CC(=O)Oc1ccccc1C(=O)O")).molecular_weight, 180.159);
    } finally {
      c.ws.close();
      await s.stop();
    }
  },
});
