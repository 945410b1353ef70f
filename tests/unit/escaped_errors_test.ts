import assert from "node:assert/strict";
import { isEscapedConnectionError } from "../../edge/escaped_errors.ts";

Deno.test("only connection-level errors are kept from ending the process", () => {
  const withCode = (code: string) => Object.assign(new Error("x"), { code });
  assert.equal(isEscapedConnectionError(withCode("EPIPE")), true);
  assert.equal(isEscapedConnectionError(withCode("ERR_STREAM_DESTROYED")), true);
  assert.equal(isEscapedConnectionError(new Deno.errors.BrokenPipe("gone")), true);
  assert.equal(isEscapedConnectionError(new TypeError("x is undefined")), false);
  assert.equal(isEscapedConnectionError(withCode("ENOENT")), false);
  assert.equal(isEscapedConnectionError(null), false);
  assert.equal(isEscapedConnectionError("EPIPE"), false);
  // postgres.js writing after its socket was dropped (seen in CI), recognised by where it was thrown.
  const pg = new TypeError("Cannot read properties of null (reading 'write')");
  pg.stack =
    `${pg.message}\n    at Immediate.nextWrite (file:///x/node_modules/postgres/src/connection.js:255:22)`;
  assert.equal(isEscapedConnectionError(pg), true);
  const elsewhere = new TypeError("Cannot read properties of null (reading 'write')");
  elsewhere.stack = `${elsewhere.message}\n    at ours (file:///x/core/thing.ts:1:1)`;
  assert.equal(isEscapedConnectionError(elsewhere), false);
});

Deno.test("an escaped socket error in a server process is logged and the process keeps serving", async () => {
  // A child process installs the guard, throws an EPIPE from a timer callback (as a socket callback would), then
  // an ordinary bug: the first must be survived, the second must still crash the process.
  const script = `
    import { keepServingOnConnectionErrors } from ${
    JSON.stringify(new URL("../../edge/escaped_errors.ts", import.meta.url).href)
  };
    keepServingOnConnectionErrors((msg) => console.log("warned: " + msg));
    setTimeout(() => { throw Object.assign(new Error("write EPIPE"), { code: "EPIPE" }); }, 0);
    setTimeout(() => { console.log("still serving"); throw new TypeError("a real bug"); }, 50);
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.match(stdout, /warned: connection error outside a request/);
  assert.match(stdout, /still serving/);
  assert.equal(out.success, false, "a non-connection error still ends the process");
  assert.match(new TextDecoder().decode(out.stderr), /a real bug/);
});
