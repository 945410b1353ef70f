/**
 * Lossless shutdown (issue 14.8) of a real server process under load: 50 HTTP clients loop requests, WebSocket
 * clients are idle, running a query, or send a query after the drain began; then SIGTERM.
 *
 * What counts as a failed request: one that was sent on an established connection and got no complete response
 * (reset, EOF, truncated body), or a response that is neither the expected answer (200) nor the documented 503
 * `upstream_unavailable` envelope with Retry-After. Not failed: the 503 envelope (the request was refused before
 * any work was done), and a connection refused once the listener is closed (nothing was sent). Clients honour
 * Retry-After as a client behind a load balancer would: after a 503 they wait before trying again.
 */
import assert from "node:assert/strict";
import { rawClient } from "../ws_helpers.ts";
import { spawnListening } from "../helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

async function startProcess() {
  const { p, url, lines, pumped } = await spawnListening(
    ["--allow-net", "--allow-read", "--allow-env", "--allow-write=.chemagent", "--allow-sys", "main.ts"],
    {
      CHEMAGENT_PORT: "0",
      CHEMAGENT_HOST: "127.0.0.1",
      CACHE_WARM: "false",
      METRICS_DB_PATH: ":memory:",
      MEMORY_SQLITE_PATH: ":memory:",
      LOG_LEVEL: "info",
    },
  );
  const end = Date.now() + 60_000;
  while (Date.now() < end) {
    const r = await fetch(`${url}/ready`).catch(() => undefined);
    await r?.body?.cancel();
    if (r?.status === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { p, url, lines, pumped };
}

const QUESTIONS = [
  { query: "What are the targets of imatinib?" },
  { query: "Find compounds similar to aspirin", options: { cache: false } },
  { query: "What is the molecular weight of caffeine?", options: { cache: false } },
  { query: "Find compounds similar to ibuprofen with MW < 300", options: { cache: false } },
];

interface Tally {
  ok: number;
  refused: number;
  notConnected: number;
  failed: string[];
}

async function client(url: string, i: number, stop: () => boolean, t: Tally) {
  for (let n = 0; !stop(); n++) {
    const body = QUESTIONS[(i + n) % QUESTIONS.length];
    let res: Response;
    try {
      res = await fetch(`${url}/api/query`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    } catch (e) {
      const msg = `${(e as Error).message}: ${(e as Error).cause ?? ""}`.replace(
        /127\.0\.0\.1:\d+/g,
        "server",
      );
      if (/Connection refused/i.test(msg)) {
        t.notConnected++;
        return; // the listener is closed: nothing was sent, the client goes to another instance
      }
      t.failed.push(`send: ${msg}`);
      continue;
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      t.failed.push(`body: ${(e as Error).message}: ${(e as Error).cause ?? ""}`);
      continue;
    }
    let json: Any;
    try {
      json = JSON.parse(text);
    } catch {
      t.failed.push(`${res.status} not JSON: ${text.slice(0, 80)}`);
      continue;
    }
    if (res.status === 200 && json.query_id) t.ok++;
    else if (
      res.status === 503 && json.success === false && json.error?.code === "upstream_unavailable" &&
      Number(res.headers.get("retry-after")) > 0
    ) {
      t.refused++;
      await new Promise((r) => setTimeout(r, Number(res.headers.get("retry-after")) * 1000));
    } else t.failed.push(`${res.status} ${text.slice(0, 120)}`);
  }
}

Deno.test({
  name:
    "SIGTERM under load of 50 HTTP clients and WebSocket clients: 0 failed requests, WS drain notice + 1012, exit 0",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const { p, url, lines, pumped } = await startProcess();
    const wsUrl = url.replace(/^http/, "ws") + "/ws";
    const idle = await rawClient(wsUrl);
    const running = await rawClient(wsUrl);
    const late = await rawClient(wsUrl);
    assert.ok(idle.opened && running.opened && late.opened);

    const t: Tally = { ok: 0, refused: 0, notConnected: 0, failed: [] };
    let stopping = false;
    const clients = Array.from({ length: 50 }, (_, i) => client(url, i, () => stopping, t));
    // Load first, so SIGTERM lands among requests in flight.
    while (t.ok < 200) await new Promise((r) => setTimeout(r, 20));
    running.send({
      action: "query",
      id: "long",
      query: "Find compounds similar to aspirin and get their targets",
      options: { cache: false, parallel: false },
    });
    assert.ok(await running.until(() => running.messages.some((m) => m.type === "accepted"), 10_000));
    const okBefore = t.ok;
    p.kill("SIGTERM");
    // A client whose query reaches the server after the drain began: refused (not accepted) with the notice.
    assert.ok(await late.until(() => late.messages.some((m) => (m.data as Any)?.drain), 10_000));
    late.send({ action: "query", id: "too-late", query: "targets of imatinib" });

    const status = await p.status;
    stopping = true;
    await Promise.all(clients);
    await pumped;
    const log = lines.join("\n");
    console.log(
      `HTTP: ${t.ok} answered (${t.ok - okBefore} after SIGTERM), ${t.refused} × 503 envelope, ` +
        `${t.notConnected} clients found the listener closed, ${t.failed.length} failed`,
    );
    console.log(lines.find((l) => l.includes('"msg":"drained"')));
    if (t.failed.length) {
      console.log(lines.filter((l) => !/"msg":"http"/.test(l) || /"status":5/.test(l)).join("\n"));
    }
    assert.deepEqual([...new Set(t.failed)], [], "no request failed or was reset");
    assert.ok(t.refused > 0, "new requests during the drain got the 503 envelope");
    assert.equal(status.code, 0, log.slice(-2000));
    assert.match(log, /"msg":"drained"/);

    for (const [name, c] of Object.entries({ idle, running, late })) {
      assert.ok(await c.until(() => c.closed() !== undefined, 5000), "closed");
      assert.equal(
        c.closed()!.code,
        1012,
        `${name}: ${JSON.stringify(c.closed())} ${JSON.stringify(c.messages.slice(-3))}`,
      );
      const notice = c.messages.find((m) => (m.data as Any)?.drain) as Any;
      assert.ok(notice, "drain notice");
      assert.equal(notice.data.error.code, "upstream_unavailable");
    }
    // The running query was finished before its connection closed; the late one was refused with its id.
    assert.ok(running.messages.some((m) => m.type === "result"), "the running query was answered");
    assert.ok(
      late.messages.some((m) => (m.data as Any)?.id === "too-late" && (m.data as Any)?.drain),
      "the query sent after the drain began was refused with the drain notice",
    );
  },
});
