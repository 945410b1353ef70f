/** Property-based fuzzing against a real server process, a small deterministic sample of every generator
 * (`deno task fuzz` sends ≥ 100,000): every input gets a 2xx or a typed 4xx within the deadline — no 5xx, no
 * untyped error, no hang, no dropped connection — and after every batch aspirin's molecular weight is still
 * 180.16. Failures are listed by generator with the inputs that caused them; a crashed or blocked server is
 * restarted so the other generators are still tested. */
import assert from "node:assert/strict";
import { GENERATORS, sample } from "./generators.ts";
import type { Failure } from "./outcomes.ts";
import { formatFailures, formatTally, runGenerator } from "./run_generator.ts";
import { FuzzServer } from "./server.ts";

const SEED = Number(Deno.env.get("FUZZ_SEED") ?? 20261129);
const PER_GENERATOR = Number(Deno.env.get("FUZZ_PER_GENERATOR") ?? 30);
// Generous: the product promises a typed answer in < 2 s; 5 s only separates slow from hung.
// The first server restart ends a generator's step (reported with its inputs) and keeps the run bounded.
const options = { deadlineMs: 5000, concurrency: 3, batch: 15, budgetMs: 90_000, stopOnBreak: true };

Deno.test({
  name: `fuzz: ${PER_GENERATOR} inputs per generator (seed ${SEED}), each answered 2xx or typed 4xx`,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const server = new FuzzServer();
    await server.start();
    try {
      for (const [i, [name, generator]] of Object.entries(GENERATORS).entries()) {
        await t.step(name, async () => {
          const failures: Failure[] = [];
          const inputs = sample(generator, PER_GENERATOR, SEED + i);
          const tally = await runGenerator(server, name, inputs, options, failures);
          console.log(formatTally(name, tally));
          if (failures.length > 0) {
            assert.fail(`${name}: ${failures.length} failures\n${formatFailures(failures)}`);
          }
          assert.equal(tally.sent, inputs.length, `${name}: time budget ran out after ${tally.sent} inputs`);
        });
      }
      assert.equal(await server.chemistryWorks(), undefined, "aspirin after the whole run");
    } finally {
      await server.stop();
    }
  },
});
