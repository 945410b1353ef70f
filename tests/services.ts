/** @module Real services for integration tests: throwaway redis-server processes, a local Upstash REST server. */
import { Redis } from "ioredis";

export interface RedisProcess {
  port: number;
  url: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** SIGSTOP / SIGCONT: the server keeps its connections but answers nothing (a hung Redis). */
  pause(): void;
  resume(): void;
}

/** Starts a private redis-server on a free port (tests may kill it). Fails in CI if the binary is missing. */
export async function startRedis(port = 20000 + Math.floor(Math.random() * 30000)): Promise<RedisProcess> {
  let child: Deno.ChildProcess | undefined;
  const launch = async () => {
    child = spawnRedis("redis-server", ["--port", String(port), ...EPHEMERAL]);
    await waitFor(`redis-server on ${port}`, () => listening(port), 2000);
  };
  await launch();
  const stop = async () => {
    if (!child) return;
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
    await child.status;
    child = undefined;
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    async restart() {
      await stop();
      await launch();
    },
    pause: () => child?.kill("SIGSTOP"),
    resume: () => child?.kill("SIGCONT"),
  };
}

/** An HTTP server speaking Upstash's REST protocol (POST /, /pipeline, /multi-exec; base64 responses),
 * executing commands on a real Redis. Lets the real @upstash/redis client be tested over real HTTP. */
export function startUpstashServer(
  redisUrl: string,
  token: string,
): { url: string; close(): Promise<void>; requests: () => number } {
  const redis = new Redis(redisUrl);
  let count = 0;
  const enc = (v: unknown, b64: boolean): unknown => {
    if (v === null || v === undefined) return null;
    if (Array.isArray(v)) return v.map((x) => enc(x, b64));
    if (typeof v === "number") return v;
    const s = String(v);
    return b64 && s !== "OK" ? btoa(String.fromCharCode(...new TextEncoder().encode(s))) : s;
  };
  const run = async (cmd: unknown[]) => {
    try {
      const [name, ...args] = cmd.map(String);
      return { result: await redis.call(name, ...args) };
    } catch (e) {
      return { error: String((e as Error).message) };
    }
  };
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    count++;
    if (req.headers.get("authorization") !== `Bearer ${token}`) {
      return Response.json({ error: "Unauthorized" }, { status: 401 });
    }
    const b64 = req.headers.get("upstash-encoding") === "base64";
    const path = new URL(req.url).pathname;
    const body = await req.json();
    if (path === "/pipeline" || path === "/multi-exec") {
      const out = [];
      for (const c of body as unknown[][]) {
        const r = await run(c);
        out.push("error" in r ? r : { result: enc(r.result, b64) });
      }
      return Response.json(out);
    }
    const r = await run(body as unknown[]);
    return "error" in r ? Response.json(r, { status: 400 }) : Response.json({ result: enc(r.result, b64) });
  });
  return {
    url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`,
    requests: () => count,
    async close() {
      redis.disconnect();
      await server.shutdown();
    },
  };
}

/** A free TCP port on 127.0.0.1 (and, for cluster nodes, its bus port +10000 too). */
function freePort(withBus = false): number {
  for (let i = 0; i < 100; i++) {
    const port = 20000 + Math.floor(Math.random() * 25000);
    try {
      for (const p of withBus ? [port, port + 10000] : [port]) {
        Deno.listen({ hostname: "127.0.0.1", port: p }).close();
      }
      return port;
    } catch { /* taken: try another */ }
  }
  throw new Error("no free port");
}

async function waitFor(what: string, pred: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await pred().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** One redis-cli call (the Debian tools the operators use too). */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("redis-cli", { args: ["-h", "127.0.0.1", "-p", String(port), ...args] })
    .output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`redis-cli ${args.join(" ")}: ${text}`);
  return text;
}

interface Proc {
  port: number;
  child?: Deno.ChildProcess;
}

/** A private redis-server keeps nothing on disk, listens on loopback only and logs warnings only. */
const EPHEMERAL = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"];

function spawnRedis(bin: "redis-server" | "redis-sentinel", args: string[]): Deno.ChildProcess {
  return new Deno.Command(bin, { args, stdout: "null", stderr: "null" }).spawn();
}

async function kill(p: Proc): Promise<void> {
  if (!p.child) return;
  try {
    p.child.kill("SIGKILL");
  } catch { /* gone */ }
  await p.child.status;
  p.child = undefined;
}

async function listening(port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return true;
  } catch {
    return false;
  }
}

export interface SentinelSet {
  /** REDIS_SENTINELS value. */
  sentinels: string;
  name: string;
  /** Ports of the primary and replicas as started (the primary moves on failover). */
  servers: number[];
  primaryPort(): Promise<number>;
  /** SIGKILLs the current primary; resolves with its port. */
  killPrimary(): Promise<number>;
  /** Resolves with the new primary's port once Sentinel has promoted a replica other than `old`. */
  waitFailover(old: number, ms?: number): Promise<number>;
  stop(): Promise<void>;
}

/**
 * One primary, two replicas and three sentinels (quorum 2) on free ports, in a temporary directory, with a
 * short down-after (1 s) so a failover completes in a few seconds. Never touches the shared 6379.
 */
export async function startSentinelSet(opts: { downAfterMs?: number } = {}): Promise<SentinelSet> {
  const dir = await Deno.makeTempDir({ prefix: "chemagent-sentinel-" });
  const name = "chemagent";
  const servers: Proc[] = [];
  const sentinels: Proc[] = [];
  const base = (port: number) => [
    "--repl-diskless-sync-delay",
    "0",
    "--port",
    String(port),
    ...EPHEMERAL,
    "--dir",
    dir,
  ];
  for (let i = 0; i < 3; i++) {
    const port = freePort();
    const args = [...base(port), ...(i ? ["--replicaof", "127.0.0.1", String(servers[0].port)] : [])];
    servers.push({ port, child: spawnRedis("redis-server", args) });
    await waitFor(`redis-server :${port}`, () => listening(port));
  }
  for (let i = 0; i < 3; i++) {
    const port = freePort();
    const conf = `${dir}/sentinel-${port}.conf`;
    await Deno.writeTextFile(
      conf,
      [
        `port ${port}`,
        "bind 127.0.0.1",
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${servers[0].port} 2`,
        `sentinel down-after-milliseconds ${name} ${opts.downAfterMs ?? 1000}`,
        `sentinel failover-timeout ${name} 5000`,
        `sentinel parallel-syncs ${name} 2`,
        "",
      ].join("\n"),
    );
    sentinels.push({ port, child: spawnRedis("redis-sentinel", [conf, "--loglevel", "warning"]) });
  }
  const primaryPort = async () => {
    for (const s of sentinels) {
      if (!s.child) continue;
      const out = await redisCli(s.port, "SENTINEL", "get-master-addr-by-name", name).catch(() => "");
      const port = Number(out.trim().split("\n")[1]);
      if (port) return port;
    }
    throw new Error("no sentinel answers");
  };
  // Ready: every sentinel knows both replicas and the other sentinels; the primary streams to both replicas.
  await waitFor("sentinels to discover the set", async () => {
    for (const s of sentinels) {
      const info = await redisCli(s.port, "SENTINEL", "master", name);
      const field = (f: string) =>
        Number(info.split("\n").map((l) => l.trim()).find((_, i, a) => a[i - 1] === f));
      if (field("num-slaves") < 2 || field("num-other-sentinels") < 2) return false;
    }
    for (const r of servers.slice(1)) {
      if (!/master_link_status:up/.test(await redisCli(r.port, "INFO", "replication"))) return false;
    }
    return /connected_slaves:2/.test(await redisCli(servers[0].port, "INFO", "replication"));
  });
  return {
    sentinels: sentinels.map((s) => `127.0.0.1:${s.port}`).join(","),
    name,
    servers: servers.map((s) => s.port),
    primaryPort,
    async killPrimary() {
      const port = await primaryPort();
      const p = servers.find((s) => s.port === port);
      if (p) await kill(p);
      return port;
    },
    async waitFailover(old, ms = 30_000) {
      let now = old;
      await waitFor("sentinel failover", async () => {
        now = await primaryPort();
        return now !== old && /role:master/.test(await redisCli(now, "INFO", "replication"));
      }, ms);
      return now;
    },
    async stop() {
      for (const p of [...sentinels, ...servers]) await kill(p);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

export interface ClusterNode {
  port: number;
  id: string;
  role: "master" | "slave";
  /** For a replica: its primary's id. */
  primary?: string;
  slots: number;
  /** For a killed primary: its replicas' ports when it was killed. */
  replicas?: number[];
}

export interface RedisCluster {
  /** REDIS_CLUSTER_NODES value (every node as started). */
  nodes: string;
  ports: number[];
  /** The cluster as a live node sees it. */
  topology(): Promise<ClusterNode[]>;
  /** SIGKILLs a primary (the one on `port` when given, else the first); resolves with it and its replicas. */
  killPrimary(port?: number): Promise<ClusterNode>;
  /** Resolves once a replica of `killed` is primary and the cluster state is ok again. */
  waitFailover(killed: ClusterNode, ms?: number): Promise<ClusterNode>;
  /** Moves `slots` slots between two primaries with redis-cli --cluster reshard (live migration). */
  reshard(from: ClusterNode, to: ClusterNode, slots: number): Promise<void>;
  stop(): Promise<void>;
}

/** Three primaries and three replicas (`redis-cli --cluster create … --cluster-replicas 1`) on free ports. */
export async function startCluster(opts: { nodeTimeoutMs?: number } = {}): Promise<RedisCluster> {
  const dir = await Deno.makeTempDir({ prefix: "chemagent-cluster-" });
  const procs: Proc[] = [];
  for (let i = 0; i < 6; i++) {
    const port = freePort(true);
    procs.push({
      port,
      child: spawnRedis("redis-server", [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--cluster-enabled",
        "yes",
        "--repl-diskless-sync-delay",
        "0",
        "--cluster-config-file",
        `${dir}/nodes-${port}.conf`,
        "--cluster-node-timeout",
        String(opts.nodeTimeoutMs ?? 1000),
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        dir,
        "--loglevel",
        "warning",
      ]),
    });
    await waitFor(`cluster node :${port}`, () => listening(port));
  }
  await redisCli(
    procs[0].port,
    "--cluster",
    "create",
    ...procs.map((p) => `127.0.0.1:${p.port}`),
    "--cluster-replicas",
    "1",
    "--cluster-yes",
  );
  const live = () => procs.filter((p) => p.child);
  const topology = async (): Promise<ClusterNode[]> => {
    for (const p of live()) {
      const out = await redisCli(p.port, "CLUSTER", "NODES").catch(() => "");
      if (!out.trim()) continue;
      return out.trim().split("\n").map((line) => {
        const f = line.split(" ");
        const role = f[2].includes("master") ? "master" : "slave";
        const slots = f.slice(8).filter((s) => !s.startsWith("[")).reduce((n, r) => {
          const [a, b] = r.split("-").map(Number);
          return n + (b === undefined ? 1 : b - a + 1);
        }, 0);
        return {
          port: Number(f[1].split(":")[1].split("@")[0]),
          id: f[0],
          role,
          ...(role === "slave" ? { primary: f[3] } : {}),
          slots,
        } as ClusterNode;
      }).filter((n) => !lineFailed(out, n.id));
    }
    throw new Error("no cluster node answers");
  };
  const ok = async () => {
    for (const p of live()) {
      if (!/cluster_state:ok/.test(await redisCli(p.port, "CLUSTER", "INFO"))) return false;
    }
    const t = await topology();
    if (
      t.filter((n) => n.role === "master" && n.slots > 0).length !== 3 ||
      t.filter((n) => n.role === "slave").length < 3
    ) return false;
    // Replicas that never synced cannot be promoted.
    for (const n of t.filter((n) => n.role === "slave")) {
      if (!/master_link_status:up/.test(await redisCli(n.port, "INFO", "replication"))) return false;
    }
    return true;
  };
  await waitFor("cluster to be ready", ok, 30_000);
  return {
    nodes: procs.map((p) => `127.0.0.1:${p.port}`).join(","),
    ports: procs.map((p) => p.port),
    topology,
    async killPrimary(port) {
      const t = await topology();
      const victim = t.find((n) =>
        n.role === "master" && n.slots > 0 && (port === undefined || n.port === port)
      );
      if (!victim) throw new Error("no such primary");
      await kill(procs.find((p) => p.port === victim.port)!);
      return { ...victim, replicas: t.filter((n) => n.primary === victim.id).map((n) => n.port) };
    },
    async waitFailover(killed, ms = 30_000) {
      let promoted: ClusterNode | undefined;
      await waitFor("cluster failover", async () => {
        const t = await topology();
        promoted = t.find((n) => n.role === "master" && n.slots > 0 && killed.replicas?.includes(n.port));
        if (!promoted) return false;
        for (const p of live()) {
          if (!/cluster_state:ok/.test(await redisCli(p.port, "CLUSTER", "INFO"))) return false;
        }
        return true;
      }, ms);
      return promoted!;
    },
    async reshard(from, to, slots) {
      await redisCli(
        to.port,
        "--cluster",
        "reshard",
        `127.0.0.1:${to.port}`,
        "--cluster-from",
        from.id,
        "--cluster-to",
        to.id,
        "--cluster-slots",
        String(slots),
        "--cluster-yes",
      );
    },
    async stop() {
      for (const p of procs) await kill(p);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

// A node line flagged "fail" or "noaddr" is a dead node the cluster still remembers.
const lineFailed = (out: string, id: string) =>
  out.split("\n").some((l) => l.startsWith(id) && /\b(fail|noaddr)\b/.test(l.split(" ")[2]));

/** Where Debian's PostgreSQL 15 server binaries live (package postgresql-15). */
export const PG_BIN = "/usr/lib/postgresql/15/bin";

export interface PostgresProcess {
  port: number;
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust auth). */
  url: string;
  /** The cluster's own directory: data in `data/`, the unix socket and `server.log` beside it. */
  dir: string;
  /** The same cluster, another database: `urlFor("chembl")`. */
  urlFor(database: string): string;
  /** Runs SQL with psql (ON_ERROR_STOP) and returns its unaligned output. */
  psql(sql: string, database?: string): Promise<string>;
  /** Shuts the server down (data kept); `immediate` is a crash: no checkpoint, clients cut off. */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  /** Starts the stopped server again on the same port with the same data. */
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops the server and deletes its directory. */
  destroy(): Promise<void>;
}

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

/** initdb and postgres refuse to run as root: as root they run as the `postgres` OS user. */
function asServerUser(cmd: string, args: string[]): [string, string[]] {
  return Deno.uid() === 0 ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
}

async function run(cmd: string, args: string[], what: string): Promise<string> {
  const [c, a] = asServerUser(cmd, args);
  const out = await new Deno.Command(c, { args: a, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) throw new Error(`${what} failed: ${decode(out.stderr).slice(-800)}`);
  return decode(out.stdout);
}

/** Starts a private PostgreSQL 15 cluster (initdb in a temp dir, random free port, unix socket in the temp dir,
 * trust auth, fsync off) that tests may stop and start at will. The RDKit cartridge is available when
 * postgresql-15-rdkit is installed (`CREATE EXTENSION rdkit`). Fails, never skips, when the binaries are missing. */
export async function startPostgres(): Promise<PostgresProcess> {
  const dir = await Deno.makeTempDir({ prefix: "chemagent-pg-" });
  // As root the server runs as `postgres`, which must own its directory.
  if (Deno.uid() === 0) {
    const own = await new Deno.Command("chown", { args: ["postgres:", dir], stderr: "piped" }).output();
    if (!own.success) throw new Error(`chown postgres ${dir}: ${decode(own.stderr)}`);
  }
  const data = `${dir}/data`;
  const log = () => Deno.readTextFile(`${dir}/server.log`).then((l) => l.slice(-800), () => "");
  await run(`${PG_BIN}/initdb`, [
    "-D",
    data,
    "-U",
    "postgres",
    "--auth=trust",
    "--encoding=UTF8",
    "--locale=C",
    "--no-sync",
  ], "initdb");
  let port = 0;
  const ctl = (args: string[], what: string) => run(`${PG_BIN}/pg_ctl`, ["-D", data, ...args], what);
  const server = [
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dir}`,
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    "-c max_connections=60",
  ];
  let running = false;
  const start = async () => {
    if (running) return;
    const opts = [`-p ${port}`, ...server].join(" ");
    await ctl(["-l", `${dir}/server.log`, "-w", "-t", "60", "-o", opts, "start"], "pg_ctl start")
      .catch(async (e) => {
        throw new Error(`${(e as Error).message}\n${await log()}`);
      });
    running = true;
  };
  // A free port may be taken between picking and binding: try another one (only before anyone knows the URL).
  for (let attempt = 1;; attempt++) {
    port = freePort();
    try {
      await start();
      break;
    } catch (e) {
      if (attempt < 3) continue;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      throw e;
    }
  }
  const urlFor = (db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`;
  const stop = async (mode: "fast" | "immediate" = "fast") => {
    if (!running) return;
    await ctl(["-m", mode, "-w", "-t", "60", "stop"], "pg_ctl stop");
    running = false;
  };
  return {
    port,
    url: urlFor("postgres"),
    dir,
    urlFor,
    async psql(sql, database = "postgres") {
      const out = await new Deno.Command("psql", {
        args: ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", urlFor(database), "-c", sql],
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (!out.success) throw new Error(`psql: ${decode(out.stderr).trim()}`);
      return decode(out.stdout).trim();
    },
    stop,
    start,
    async restart() {
      await stop();
      await start();
    },
    async destroy() {
      await stop("immediate").catch(() => {});
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
