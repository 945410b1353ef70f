/** Runtime and dev/test dependencies stay apart: `deno task start` installs what deno.lock holds, so deno.lock
 * holds only what the root import map (runtime) names; tests and build tools resolve through tests/deno.json,
 * which repeats the runtime map exactly and adds test-only packages, with its own tests/deno.lock. */
import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url);
const readJson = async (path: string) => JSON.parse(await Deno.readTextFile(new URL(path, root)));
const app = await readJson("deno.json");
const dev = await readJson("tests/deno.json");
const appLock = await readJson("deno.lock");
const devLock = await readJson("tests/deno.lock");

/** `npm:/hono@4.13.19/` and `npm:hono@4.13.19` both name the package `npm:hono@4.13.19`. */
const packageOf = (target: string) => target.replace(/^npm:\/?/, "npm:").replace(/\/$/, "");

Deno.test("tests/deno.json maps every runtime import to the same version", () => {
  for (const [name, target] of Object.entries(app.imports)) {
    assert.equal(dev.imports[name], target, `tests/deno.json imports["${name}"]`);
  }
});

Deno.test("deno.lock holds only the runtime packages of the root import map", () => {
  const runtime = new Set(Object.values(app.imports as Record<string, string>).map(packageOf));
  const extra = Object.keys(appLock.specifiers).filter((s) => !runtime.has(s));
  assert.deepEqual(extra, [], "add test-only and build-tool packages to tests/deno.json, not deno.json");
  const testOnly = Object.keys(dev.imports).filter((k) => !(k in app.imports));
  assert.ok(testOnly.includes("playwright-core"), "the test-only packages live in tests/deno.json");
});

Deno.test("tests run the exact package versions production runs", () => {
  for (const [pkg, entry] of Object.entries(appLock.npm)) {
    assert.deepEqual(devLock.npm[pkg], entry, `tests/deno.lock npm["${pkg}"]`);
  }
});

Deno.test("tests/deno.json formats and lints like the root config", () => {
  assert.equal(dev.fmt.lineWidth, app.fmt.lineWidth);
  assert.deepEqual(dev.compilerOptions, app.compilerOptions);
});
