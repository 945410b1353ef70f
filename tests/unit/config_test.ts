import assert from "node:assert/strict";
import { type Config, ConfigError, createRedisProvider, loadConfig } from "../../core/mod.ts";

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
  [{ CHEMAGENT_DATA: "pubchem" }, /CHEMAGENT_DATA must be embedded, postgres or chembl/],
  [{ LOG_LEVEL: "loud" }, /LOG_LEVEL/],
  [{ REDIS_URL: "not a url" }, /REDIS_URL/],
  [{ LLM_PROVIDER: "gpt" }, /LLM_PROVIDER/],
  [{ LLM_PROVIDER: "openai" }, /LLM_API_KEY/],
  [{ AUTH_REQUIRED: "true" }, /JWT_SECRET or JWT_JWKS_URL/],
  [{ AUTH_REQUIRED: "maybe" }, /AUTH_REQUIRED/],
  [{ JWT_SECRET: "short" }, /JWT_SECRET must be at least 32/],
  [{ UPSTASH_REDIS_REST_URL: "https://x.upstash.io" }, /UPSTASH_REDIS_REST_TOKEN/],
  [{ CHEMAGENT_ENV: "production" }, /CHEMAGENT_ENV/],
  [{ CHEMAGENT_ENV: "prod" }, /CORS_ORIGINS must list explicit origins/],
  [{ CHEMAGENT_ENV: "prod", CORS_ORIGINS: "https://a.example, *" }, /CORS_ORIGINS/],
  [{ CACHE_TTL_S: "forever" }, /CACHE_TTL_S must be a number of seconds/],
  [{ OTEL_TRACES_SAMPLER_ARG: "2" }, /OTEL_TRACES_SAMPLER_ARG/],
  [{ JWT_SECRET_FILE: "/nonexistent/jwt" }, /JWT_SECRET_FILE: cannot read \/nonexistent\/jwt/],
  [{ JWT_SECRET: "x".repeat(32), JWT_SECRET_FILE: "/run/secrets/jwt" }, /set JWT_SECRET or JWT_SECRET_FILE/],
  [{ JWT_ROLES_CLAIM: "roles[0]" }, /JWT_ROLES_CLAIM must be a claim name/],
  [{ RATE_LIMIT_RPS: "fast" }, /RATE_LIMIT_RPS must be a number of requests per second/],
  [{ RATE_LIMIT_RPS: "0" }, /RATE_LIMIT_RPS/],
  [{ RATE_LIMIT_BURST: "1.5" }, /RATE_LIMIT_BURST/],
  [{ RATE_LIMIT_ENABLED: "sometimes" }, /RATE_LIMIT_ENABLED/],
  [{ CHEMAGENT_MAX_URL_BYTES: "100" }, /CHEMAGENT_MAX_URL_BYTES/],
  [{ REDIS_CLUSTER_NODES: "a:1;b:2" }, /REDIS_CLUSTER_NODES must be host:port,host:port/],
  [
    { REDIS_URL: "redis://x:6379", REDIS_CLUSTER_NODES: "a:1" },
    /set one of REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES/,
  ],
  [{ REDIS_SENTINELS: "s:26379", REDIS_CLUSTER_NODES: "a:1" }, /REDIS_SENTINELS and REDIS_CLUSTER_NODES/],
  [{ REDIS_TLS_CA_FILE: "/ca.pem", REDIS_URL: "redis://x:6379" }, /REDIS_TLS_CA_FILE needs REDIS_TLS=true/],
  [{ REDIS_WAIT_TIMEOUT_MS: "soon" }, /REDIS_WAIT_TIMEOUT_MS must be a number/],
];

Deno.test("request limits and rate limit defaults: on, generous, loopback exempt unless configured", () => {
  const c = loadConfig({});
  assert.equal(c.RATE_LIMIT_ENABLED, true);
  assert.equal(c.RATE_LIMIT_RPS, 20);
  assert.equal(c.RATE_LIMIT_BURST, 100);
  assert.equal(c.RATE_LIMIT_LOOPBACK, false);
  assert.equal(c.RATE_LIMIT_TRUST_PROXY, false);
  assert.equal(c.CHEMAGENT_MAX_URL_BYTES, 16_384);
  assert.equal(c.JWT_ROLES_CLAIM, "roles");
});

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

Deno.test("Redis: one topology, its settings, and a CA file that cannot be read named at start", () => {
  const c = loadConfig({ REDIS_CLUSTER_NODES: "10.0.0.1:7000,redis-2:7001", REDIS_PASSWORD: "pw" });
  const p = createRedisProvider(c)!;
  assert.equal(p.topology, "cluster");
  assert.equal(p.waitReplicas, 1);
  assert.equal(createRedisProvider(loadConfig({}) as Config), undefined);
  assert.equal(createRedisProvider(loadConfig({ REDIS_SENTINELS: "s1:26379,s2" }))!.topology, "sentinel");
  assert.throws(
    () =>
      createRedisProvider(
        loadConfig({ REDIS_URL: "rediss://x:6380", REDIS_TLS_CA_FILE: "/nonexistent/ca.pem" }),
      ),
    (e: Error) =>
      e instanceof ConfigError && /REDIS_TLS_CA_FILE: cannot read \/nonexistent\/ca\.pem/.test(e.message),
  );
  assert.throws(
    () => loadConfig({ REDIS_PASSWORD: "hunter2-pw", REDIS_WAIT_REPLICAS: "x" }),
    (e: Error) => !e.message.includes("hunter2"),
  );
});

Deno.test("profiles set defaults that explicit variables override", () => {
  assert.equal(loadConfig({}).OTEL_TRACES_SAMPLER_ARG, 1);
  assert.equal(loadConfig({ CHEMAGENT_ENV: "staging" }).OTEL_TRACES_SAMPLER_ARG, 0.25);
  const prod = loadConfig({ CHEMAGENT_ENV: "prod", CORS_ORIGINS: "https://chem.example.org" });
  assert.equal(prod.OTEL_TRACES_SAMPLER_ARG, 0.05);
  assert.deepEqual(prod.corsOrigins, ["https://chem.example.org"]);
  const explicit = loadConfig({
    CHEMAGENT_ENV: "prod",
    CORS_ORIGINS: "https://chem.example.org",
    OTEL_TRACES_SAMPLER_ARG: "1",
  });
  assert.equal(explicit.OTEL_TRACES_SAMPLER_ARG, 1);
});

Deno.test("secrets are read from NAME_FILE (trailing newline dropped) and validated like the variable", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/jwt`, "s".repeat(40) + "\n");
    await Deno.writeTextFile(`${dir}/short`, "short\n");
    const c = loadConfig({ JWT_SECRET_FILE: `${dir}/jwt`, AUTH_REQUIRED: "true" });
    assert.equal(c.JWT_SECRET, "s".repeat(40));
    assert.throws(
      () => loadConfig({ JWT_SECRET_FILE: `${dir}/short` }),
      (e: Error) => /JWT_SECRET must be at least 32/.test(e.message) && !e.message.includes("short"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("feature flags parse from a comma list", () => {
  assert.deepEqual([...loadConfig({ CHEMAGENT_FEATURES: " no-metrics, ,no-npm-tracing" }).features], [
    "no-metrics",
    "no-npm-tracing",
  ]);
});
