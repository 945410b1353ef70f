/** QueryControl: pause and resume are events of the query's own stream; the gate holds steps while paused. */
import assert from "node:assert/strict";
import { EventStream, QueryControl, type QueryEvent } from "../../core/mod.ts";

function setup() {
  const events: QueryEvent[] = [];
  const stream = new EventStream("q_test", (e) => events.push(e));
  const control = new QueryControl();
  stream.emit("accepted", {}, 0);
  control.attach(stream);
  return { events, stream, control };
}

Deno.test("pause and resume are emitted on the query's stream with the next seq", () => {
  const { events, control } = setup();
  assert.equal(control.pause(), true);
  assert.equal(control.pause(), false, "already paused: no second event");
  assert.equal(control.resume(), true);
  assert.equal(control.resume(), false, "not paused: no event");
  assert.deepEqual(events.map((e) => [e.type, e.seq, e.event_id]), [
    ["accepted", 1, "q_test:1"],
    ["paused", 2, "q_test:2"],
    ["resumed", 3, "q_test:3"],
  ]);
});

Deno.test("the gate holds while paused and opens on resume or cancel", async () => {
  const { control } = setup();
  let passed = false;
  control.pause();
  const waiting = control.gate().then(() => passed = true);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(passed, false);
  control.resume();
  await waiting;
  assert.equal(passed, true);

  control.pause();
  const held = control.gate();
  control.cancel();
  await held;
  assert.equal(control.signal.aborted, true);
  assert.equal(control.pause(), false, "a cancelled query cannot be paused");
});

Deno.test("after finish, pause and resume are refused and emit nothing", () => {
  const { events, control } = setup();
  control.finish();
  assert.equal(control.pause(), false);
  assert.equal(control.resume(), false);
  assert.deepEqual(events.map((e) => e.type), ["accepted"]);
});
