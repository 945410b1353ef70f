/** Request bodies and WebSocket frames are refused by nesting depth before JSON.parse (found by `deno task fuzz`:
 * 3,000-deep bodies overflowed recursive code and answered 500). */
import assert from "node:assert/strict";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../../edge/middleware/json-body/depth.ts";

Deno.test("JSON nesting is measured on the text, brackets inside strings ignored", () => {
  assert.equal(nestsDeeperThan('{"query":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}'), false);
  assert.equal(nestsDeeperThan('{"q":"\\"{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{"}'), false);
  assert.equal(nestsDeeperThan("[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH)), false);
  assert.equal(nestsDeeperThan("[".repeat(MAX_JSON_DEPTH + 1)), true);
  assert.equal(nestsDeeperThan('{"a":'.repeat(3000) + "1" + "}".repeat(3000)), true);
});
