/**
 * `deno task fuzz`: the long fuzz run — FUZZ_INPUTS (default 100,000) inputs spread evenly over every generator,
 * against one real server process, deterministic (FUZZ_SEED). Prints per generator and in total the 2xx / 4xx
 * / 5xx / untyped / hang / dropped counts, answers slower than 2 s, server restarts and the server's peak RSS;
 * lists the failing inputs; writes test-output/fuzz-report.json. Exit code 1 on any failure.
 */
import { GENERATORS, sample } from "./generators.ts";
import { addTally, emptyTally, type Failure } from "./outcomes.ts";
import { formatFailures, formatTally, runGenerator } from "./run_generator.ts";
import { FuzzServer } from "./server.ts";

const total = Number(Deno.env.get("FUZZ_INPUTS") ?? 100_000);
const seed = Number(Deno.env.get("FUZZ_SEED") ?? 20261129);
const CHUNK = 1000; // inputs generated at a time, so memory stays flat however long the run
const options = {
  deadlineMs: Number(Deno.env.get("FUZZ_DEADLINE_MS") ?? 5000),
  concurrency: Number(Deno.env.get("FUZZ_CONCURRENCY") ?? 8),
  batch: 200,
  budgetMs: Infinity,
  stopOnBreak: false,
};

const server = new FuzzServer();
await server.start();
const rssAtStart = await server.sampleRss();
const rssTimer = setInterval(() => server.sampleRss(), 500);
const t0 = performance.now();
const names = Object.keys(GENERATORS);
const perGenerator = Math.ceil(total / names.length);
const failures: Failure[] = [];
const all = emptyTally();
const report: Record<string, unknown> = {};
console.log(`fuzz: ${total} inputs (${perGenerator} per generator), seed ${seed}, server pid ${server.pid}`);
for (const [i, name] of names.entries()) {
  const tally = emptyTally();
  for (let at = 0; at < perGenerator; at += CHUNK) {
    const inputs = sample(GENERATORS[name], Math.min(CHUNK, perGenerator - at), seed + i * 1_000_003 + at);
    addTally(tally, await runGenerator(server, name, inputs, options, failures));
  }
  addTally(all, tally);
  report[name] = tally;
  console.log(formatTally(name, tally));
}
clearInterval(rssTimer);
await server.sampleRss();
const healthy = await server.chemistryWorks();
await server.stop();

const seconds = (performance.now() - t0) / 1000;
console.log(formatTally("total", all));
console.log(
  `server RSS: ${Math.round(rssAtStart / 1024)} MB at start, peak ${
    Math.round(server.maxRssKb / 1024)
  } MB; ` +
    `${seconds.toFixed(0)} s, ${(all.sent / seconds).toFixed(0)} inputs/s; aspirin afterwards: ${
      healthy ?? "180.16 ✓"
    }`,
);
if (failures.length > 0) console.log(`\nfailures:\n${formatFailures(failures)}`);
await Deno.mkdir(new URL("../../test-output/", import.meta.url), { recursive: true });
await Deno.writeTextFile(
  new URL("../../test-output/fuzz-report.json", import.meta.url),
  JSON.stringify(
    {
      seed,
      inputs: all.sent,
      seconds,
      rss_mb: { start: rssAtStart / 1024, peak: server.maxRssKb / 1024 },
      total: all,
      generators: report,
      failures: failures.slice(0, 500),
    },
    null,
    2,
  ),
);
Deno.exit(failures.length === 0 && !healthy ? 0 : 1);
