/** Query observers (metrics, rollups, logs, the ops room) see every event with the query's `accepted` event,
 * and one that throws does not keep the events from the others or break the answer. */
import assert from "node:assert/strict";
import { Agent } from "../../core/mod.ts";
import type { QueryEvent } from "../../core/types.ts";
import { testAgent } from "../helpers.ts";

const base = await testAgent();

Deno.test("a throwing observer neither breaks the query nor starves the observers after it", async () => {
  const seen: [string, string | undefined][] = [];
  const agent = new Agent(base.data, base.chem, {
    observers: [
      () => {
        throw new Error("disk full");
      },
      (e: QueryEvent, accepted?: QueryEvent) => seen.push([e.type, accepted?.data.request_id as string]),
    ],
  });
  const r = await agent.query({ query: "What is the molecular weight of aspirin?" }, { requestId: "req-9" });
  assert.equal(r.status, "success");
  assert.equal(seen[0][0], "accepted");
  assert.equal(seen.at(-1)![0], "result");
  assert.ok(seen.every(([, id]) => id === "req-9"), "every event comes with the accepted event's request id");
});
