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
