import { createCacheStack, createChemPool, embeddedSource, loadConfig, Agent, Metrics, MetricsStore, queryLogger, createLogger } from "../core/mod.ts";
import { createApp } from "../edge/app.ts";
const config = loadConfig({ CACHE_WARM: "false", LOG_LEVEL: "warn" });
const [data, chem] = await Promise.all([embeddedSource().load(), createChemPool()]);
const metrics = new Metrics();
const store = new MetricsStore(":memory:");
const stack = await createCacheStack(config);
metrics.watchCache(stack.cache);
const agent = new Agent(data, chem, { cache: stack.cache, observers: [metrics.listener(), store.listener(), queryLogger(createLogger("warn", {}, () => {}))] });
const app = createApp({ agent, config, metrics, observability: { store, showStacks: false } });
const url = "http://bench/api/query?q=" + encodeURIComponent("What are the targets of imatinib?");
for (let i = 0; i < 3; i++) await (await app.fetch(new Request(url))).arrayBuffer();
const mode = Deno.args[0] ?? "full";
const t = performance.now();
const n = 30000;
for (let i = 0; i < n; i++) {
  if (mode === "full") await (await app.fetch(new Request(url))).arrayBuffer();
  else if (mode === "nobody") { const r = await app.fetch(new Request(url)); }
  else if (mode === "cached") agent.cachedAnswer({ query: "What are the targets of imatinib?" });
}
console.log(mode, ((performance.now() - t) / n * 1000).toFixed(2), "µs");
store.close(); stack.cache.close(); chem.close();
