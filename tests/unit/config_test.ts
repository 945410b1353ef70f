import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../../core/mod.ts";

Deno.test("defaults run everything offline", () => {
  const c = loadConfig({});
  assert.equal(c.CHEMAGENT_PORT, 8000);
  assert.equal(c.CHEMAGENT_DATA, "embedded");
  assert.equal(c.LLM_PROVIDER, "none");
  assert.equal(c.AUTH_REQUIRED, false);
});

const bad: [Record<string, string>, RegExp][] = [
  [{ CHEMAGENT_PORT: "eighty" }, /CHEMAGENT_PORT/],
  [{ CHEMAGENT_PORT: "70000" }, /CHEMAGENT_PORT/],
  [{ CHEMAGENT_DATA: "pubchem" }, /CHEMAGENT_DATA must be embedded or chembl/],
  [{ LOG_LEVEL: "loud" }, /LOG_LEVEL/],
  [{ REDIS_URL: "not a url" }, /REDIS_URL/],
  [{ LLM_PROVIDER: "gpt" }, /LLM_PROVIDER/],
  [{ LLM_PROVIDER: "openai" }, /LLM_API_KEY/],
  [{ AUTH_REQUIRED: "true" }, /JWT_SECRET or JWT_JWKS_URL/],
  [{ AUTH_REQUIRED: "maybe" }, /AUTH_REQUIRED/],
  [{ JWT_SECRET: "short" }, /JWT_SECRET must be at least 32/],
  [{ UPSTASH_REDIS_REST_URL: "https://x.upstash.io" }, /UPSTASH_REDIS_REST_TOKEN/],
  [{ CHEMAGENT_ENV: "production" }, /CHEMAGENT_ENV/],
];

for (const [env, re] of bad) {
  Deno.test(`bad config ${JSON.stringify(env)} stops start-up with one clear line`, () => {
    assert.throws(() => loadConfig(env), (e: Error) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, re);
      assert.equal(e.message.split("\n").length, 1);
      return true;
    });
  });
}

Deno.test("secret values are never echoed in config errors", () => {
  assert.throws(
    () => loadConfig({ JWT_SECRET: "hunter2-secret" }),
    (e: Error) => !e.message.includes("hunter2"),
  );
  assert.throws(
    () => loadConfig({ REDIS_URL: "redis://user:pa55word@" }),
    (e: Error) => !e.message.includes("pa55word"),
  );
});
