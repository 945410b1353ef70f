/** DNS-rebinding host check and the resumability event store of the MCP server. */
import assert from "node:assert/strict";
import { hostCheck } from "../../edge/mcp/origin.ts";
import { MemoryEventStore } from "../../edge/mcp/event_store.ts";
import type { JSONRPCMessage } from "../../edge/mcp/sdk.ts";

const h = (o: Record<string, string>) => new Headers(o);

Deno.test("localhost allows loopback hosts and origins on any port, and nothing else", () => {
  const check = hostCheck(["localhost"]);
  assert.equal(check(h({ host: "127.0.0.1:8000" })), undefined);
  assert.equal(check(h({ host: "localhost:3000", origin: "http://localhost:5173" })), undefined);
  assert.equal(check(h({ host: "[::1]:8000", origin: "http://[::1]:8000" })), undefined);
  assert.match(check(h({ host: "evil.example.com:8000" }))!, /Host/);
  assert.match(check(h({ host: "127.0.0.1:8000", origin: "http://evil.example.com" }))!, /Origin/);
  assert.match(check(h({ host: "127.0.0.1:8000", origin: "null" }))!, /Origin "null"/);
});

Deno.test("configured origins add their hosts; * turns the check off", () => {
  const check = hostCheck(["localhost", "https://chem.example.org"]);
  assert.equal(check(h({ host: "chem.example.org", origin: "https://chem.example.org" })), undefined);
  assert.ok(check(h({ host: "other.example.org" })));
  assert.equal(hostCheck(["*"])(h({ host: "anything", origin: "http://anything" })), undefined);
});

const msg = (id: number): JSONRPCMessage => ({ jsonrpc: "2.0", id, result: {} });

Deno.test("the event store replays exactly the events after Last-Event-ID, on that stream only", async () => {
  const store = new MemoryEventStore();
  const a1 = await store.storeEvent("a", msg(1));
  await store.storeEvent("b", msg(100));
  const a2 = await store.storeEvent("a", msg(2));
  await store.storeEvent("a", msg(3));
  assert.equal(await store.getStreamIdForEventId(a2), "a");
  const sent: [string, JSONRPCMessage][] = [];
  const stream = await store.replayEventsAfter(a1, {
    send: (id, m) => (sent.push([id, m]), Promise.resolve()),
  });
  assert.equal(stream, "a");
  assert.deepEqual(sent.map(([, m]) => (m as { id: number }).id), [2, 3]);
  assert.equal(sent[0][0], a2);
  assert.equal(await store.getStreamIdForEventId("unknown_1"), undefined);
  assert.equal(await store.replayEventsAfter("garbage", { send: () => Promise.resolve() }), "");
});

Deno.test("the event store keeps at most perStream events of a stream", async () => {
  const store = new MemoryEventStore({ perStream: 2 });
  const first = await store.storeEvent("s", msg(1));
  for (let i = 2; i <= 5; i++) await store.storeEvent("s", msg(i));
  const sent: number[] = [];
  await store.replayEventsAfter(first, {
    send: (_, m) => (sent.push((m as { id: number }).id), Promise.resolve()),
  });
  assert.deepEqual(sent, [4, 5]);
});
