/** Request limits on a real server process: a huge chunked body is cut off at the limit with bounded memory. */
import assert from "node:assert/strict";
import { startServerProcess } from "../../bench/lib.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const MB = 1 << 20;

/** Resident memory of a process in MB, from /proc/<pid>/status. */
const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(Deno.readTextFileSync(`/proc/${pid}/status`))?.[1] ?? NaN) / 1024;

Deno.test({
  name: "a 600 MB chunked body is answered 413 payload_too_large and server memory stays bounded",
  ...opts,
  async fn() {
    const server = await startServerProcess({
      MEMORY_SQLITE_PATH: ":memory:",
      METRICS_DB_PATH: ":memory:",
      CACHE_WARM: "false",
      RATE_LIMIT_ENABLED: "false",
    }, "indices");
    try {
      // Settle: warm the JSON path so the baseline is not start-up allocation.
      for (let i = 0; i < 30; i++) {
        const r = await fetch(server.url + "/api/query", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: "targets of aspirin" }),
        });
        await r.arrayBuffer();
      }
      await new Promise((r) => setTimeout(r, 300));
      const base = rssMb(server.pid);
      let peak = base;
      const poll = setInterval(() => peak = Math.max(peak, rssMb(server.pid)), 5);

      // Raw HTTP/1.1 so the body really is chunked (no Content-Length) and we see the answer mid-upload.
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(new URL(server.url).port) });
      let response = "";
      let answered!: () => void;
      const gotAnswer = new Promise<void>((r) => answered = r);
      const reading = (async () => {
        const buf = new Uint8Array(64 * 1024);
        try {
          for (let n; (n = await conn.read(buf)) !== null;) {
            response += new TextDecoder().decode(buf.subarray(0, n));
            if (/\r\n\r\n[\s\S]*\}/.test(response)) answered();
          }
        } catch { /* closed by us */ }
        answered();
      })();
      const enc = new TextEncoder();
      await conn.write(
        enc.encode(
          "POST /api/query HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n" +
            "Transfer-Encoding: chunked\r\n\r\n",
        ),
      );
      const chunk = new Uint8Array(64 * 1024).fill(0x61);
      const frame = new Uint8Array([...enc.encode(chunk.length.toString(16) + "\r\n"), ...chunk, 13, 10]);
      let sent = 0;
      let stopped = false;
      void gotAnswer.then(() => stopped = true);
      try {
        while (!stopped && sent < 600 * MB) {
          // A client stops sending once the server has answered; a blocked write is abandoned then.
          await Promise.race([
            (async () => {
              for (let off = 0; off < frame.length;) off += await conn.write(frame.subarray(off));
            })(),
            gotAnswer,
          ]);
          sent += chunk.length;
        }
        if (!stopped) await conn.write(enc.encode("0\r\n\r\n"));
      } catch { /* the server closed the connection after answering */ }
      await Promise.race([gotAnswer, new Promise((r) => setTimeout(r, 30_000))]);
      clearInterval(poll);
      try {
        conn.close();
      } catch { /* already closed */ }
      await reading;

      assert.match(response, /^HTTP\/1\.1 413 /, response.slice(0, 200));
      const body = JSON.parse(response.slice(response.indexOf("\r\n\r\n") + 4));
      assert.equal(body.success, false);
      assert.equal(body.error.code, "payload_too_large");
      assert.ok(peak - base < 20, `server RSS grew ${(peak - base).toFixed(1)} MB (sent ${sent / MB} MB)`);
      console.log(
        `chunked upload cut off after ${(sent / MB).toFixed(2)} MB; server RSS +${
          (peak - base).toFixed(1)
        } MB`,
      );
      // Still serving.
      const ok = await fetch(server.url + "/api/compounds/CHEMBL25");
      assert.equal(ok.status, 200);
      await ok.body?.cancel();
    } finally {
      await server.stop();
    }
  },
});
