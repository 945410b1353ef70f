/** @module Cache warming (above the cache: it asks the agent, the cache stores the answers): run common questions (and the most frequent recent ones) in the background. */
import type { Agent } from "./agent.ts";

export interface WarmReport {
  total: number;
  warmed: number;
  failed: number;
  ms: number;
}

/** Loads data/common_queries.json (a list of questions). */
export async function commonQueries(
  url = new URL("../data/common_queries.json", import.meta.url),
): Promise<string[]> {
  const doc = JSON.parse(await Deno.readTextFile(url)) as { queries: string[] };
  return doc.queries;
}

/** Runs each question once through the cache, a few at a time, reporting progress; never throws. */
export async function warmCache(
  agent: Agent,
  queries: string[],
  opts: { concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<WarmReport> {
  const t0 = performance.now();
  const list = [...new Set(queries)];
  let next = 0, warmed = 0, failed = 0;
  const worker = async () => {
    while (next < list.length) {
      const q = list[next++];
      try {
        const r = await agent.query({ query: q }, { origin: "warmup" });
        if (r.status === "error" && r.error?.code === "internal") failed++;
        else warmed++;
      } catch {
        failed++;
      }
      opts.onProgress?.(warmed + failed, list.length);
      // Yield between questions so warming never starves live traffic.
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 2 }, worker));
  return { total: list.length, warmed, failed, ms: Math.round(performance.now() - t0) };
}
