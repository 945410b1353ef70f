/** Memory-layer overhead per query (SQLite, Redis) vs no session, and LLM classification latency with a
 * local OpenAI-protocol server at 0 ms and 500 ms injected latency (budget 2 s, then 300 ms). */
import {
  Agent,
  createAgent,
  createLLMRefiner,
  createProvider,
  createRedisClient,
  GuardedLLM,
  loadConfig,
  RedisSessionStore,
  SqliteSessionStore,
} from "../core/mod.ts";
import { startLLMServer } from "../tests/llm_servers.ts";
import { fmt, percentile } from "./lib.ts";

export async function benchConversation(): Promise<string[]> {
  const base = await createAgent();
  const lines: string[] = [];
  const qs = [
    "molecular weight of aspirin",
    "targets of imatinib",
    "Is caffeine drug-like?",
    "ligands of EGFR",
  ];
  const timeIt = async (agent: Agent, session?: string) => {
    for (let i = 0; i < 100; i++) {
      await agent.query({ query: qs[i % qs.length], ...(session ? { session_id: session + (i % 50) } : {}) });
    }
    const lat: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const t = performance.now();
      await agent.query({ query: qs[i % qs.length], ...(session ? { session_id: session + (i % 50) } : {}) });
      lat.push(performance.now() - t);
    }
    return percentile(lat, 50);
  };
  const none = await timeIt(new Agent(base.data, base.chem));
  const dir = await Deno.makeTempDir();
  const sqlite = await timeIt(
    new Agent(base.data, base.chem, { memory: new SqliteSessionStore(`${dir}/b.db`) }),
    "s_b_",
  );
  const client = createRedisClient({ url: "redis://127.0.0.1:6379", offlineQueue: true });
  client.on("error", () => {});
  const redis = await timeIt(
    new Agent(base.data, base.chem, { memory: new RedisSessionStore(client) }),
    `s_bench_${Date.now()}_`,
  );
  client.disconnect();
  await Deno.remove(dir, { recursive: true });
  lines.push(
    `query p50 without session ${fmt(none, 3)} ms; with SQLite memory ${fmt(sqlite, 3)} ms (×${
      fmt(sqlite / none)
    }); with Redis memory ${fmt(redis, 3)} ms (×${fmt(redis / none)})`,
  );

  for (const [delay, budget] of [[0, 2000], [500, 2000], [500, 300]]) {
    const server = startLLMServer(
      "openai",
      () => ({
        delayMs: delay,
        content: JSON.stringify({
          intent: "property_query",
          compounds: ["aspirin"],
          properties: ["molecular_weight"],
        }),
      }),
    );
    const provider = await createProvider(
      loadConfig({ LLM_PROVIDER: "openai", LLM_MODEL: "bench", LLM_API_KEY: "x", LLM_BASE_URL: server.url }),
    );
    const llm = new GuardedLLM(provider!, {
      ratePerSec: 1000,
      burst: 1000,
    });
    const agent = new Agent(base.data, base.chem, {
      refiner: createLLMRefiner(llm, { data: base.data, chem: base.chem, budgetMs: budget }),
    });
    const lat: number[] = [];
    let viaLlm = 0;
    for (let i = 0; i < (delay ? 10 : 50); i++) {
      const t = performance.now();
      const r = await agent.query({ query: "gimme the heft of aspirin pls" });
      lat.push(performance.now() - t);
      if (r.intent.source === "llm") viaLlm++;
    }
    lines.push(
      `LLM classification, ${delay} ms injected latency, ${budget} ms budget: end-to-end p50 ${
        fmt(percentile(lat, 50))
      } ms, max ${fmt(Math.max(...lat))} ms, answered via LLM ${viaLlm}/${lat.length}` +
        (Math.max(...lat) <= budget + 150 ? " (budget honoured)" : " (BUDGET EXCEEDED)"),
    );
    await server.close();
  }
  return lines;
}

if (import.meta.main) {
  for (const l of await benchConversation()) console.log(l);
  Deno.exit(0); // idle chemistry workers would keep the process alive
}
