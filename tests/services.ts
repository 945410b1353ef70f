/** @module Real services for integration tests: throwaway redis-server processes, a local Upstash REST server. */
import { Redis } from "ioredis";

export interface RedisProcess {
  port: number;
  url: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

/** Starts a private redis-server on a free port (tests may kill it). Fails in CI if the binary is missing. */
export async function startRedis(port = 20000 + Math.floor(Math.random() * 30000)): Promise<RedisProcess> {
  let child: Deno.ChildProcess | undefined;
  const launch = async () => {
    child = new Deno.Command("redis-server", {
      args: [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--loglevel",
        "warning",
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    for (let i = 0; i < 200; i++) {
      try {
        const c = await Deno.connect({ hostname: "127.0.0.1", port });
        c.close();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    throw new Error(`redis-server did not start on ${port}`);
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

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
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
