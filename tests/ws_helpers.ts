/** @module Real servers with the WebSocket hub for tests (in-process Deno.serve on a chosen port). */
import { Agent } from "../core/mod.ts";
import { createRedisClient } from "../core/cache/mod.ts";
import { createApp } from "../edge/app.ts";
import type { Access } from "../edge/ws/access.ts";
import { createVerifier } from "../edge/ws/auth.ts";
import { type EventLog, MemoryEventLog, RedisEventLog } from "../edge/ws/event_log.ts";
import { Hub, type HubLimits } from "../edge/ws/hub.ts";
import { LocalRoomBus, RedisRoomBus, type RoomBus } from "../edge/ws/room_bus.ts";
import { testAgent } from "./helpers.ts";

/** The real agent, with every tool call slowed down so tests can act while a query runs. */
export class SlowAgent extends Agent {
  constructor(base: Agent, readonly delayMs: number) {
    super(base.data, base.chem);
  }
  override async runTool(name: string, args: unknown, signal?: AbortSignal, opts?: { cache?: boolean }) {
    await new Promise((r) => setTimeout(r, this.delayMs));
    signal?.throwIfAborted();
    return await super.runTool(name, args, signal, opts);
  }
}

export interface WsServer {
  url: string;
  port: number;
  hub: Hub;
  agent: Agent;
  stop(drain?: boolean): Promise<void>;
}

export async function startWsServer(
  opts: {
    port?: number;
    redisUrl?: string;
    slowMs?: number;
    jwtSecret?: string;
    authRequired?: boolean;
    limits?: Partial<HubLimits>;
    origins?: string[];
    /** Ownership rules (per-user isolation) for the hub and the HTTP routes. */
    access?: Access;
  } = {},
): Promise<WsServer> {
  const base = await testAgent();
  const agent = opts.slowMs ? new SlowAgent(base, opts.slowMs) : new Agent(base.data, base.chem);
  let log: EventLog = new MemoryEventLog();
  let bus: RoomBus = new LocalRoomBus();
  const clients: { disconnect(): void }[] = [];
  if (opts.redisUrl) {
    const a = createRedisClient({ url: opts.redisUrl, offlineQueue: true });
    const b = createRedisClient({ url: opts.redisUrl, offlineQueue: true });
    a.on("error", () => {});
    b.on("error", () => {});
    clients.push(a, b);
    log = new RedisEventLog(a);
    bus = new RedisRoomBus(a, b);
  }
  const verifier = createVerifier({ required: !!opts.authRequired, secret: opts.jwtSecret });
  const hub = new Hub({
    agent,
    log,
    bus,
    verifier,
    authRequired: !!opts.authRequired,
    limits: opts.limits,
    access: opts.access,
  });
  const app = createApp({
    agent,
    config: { CHEMAGENT_MAX_BODY_BYTES: 65536, corsOrigins: opts.origins ?? ["*"] },
    ws: { hub, verifier, authRequired: !!opts.authRequired },
    auth: { verifier, required: !!opts.authRequired },
    access: opts.access,
    onUnexpected: () => {},
  });
  const server = Deno.serve({ port: opts.port ?? 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
  const port = (server.addr as Deno.NetAddr).port;
  await new Promise((r) => setTimeout(r, 30)); // bus subscription
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    port,
    hub,
    agent,
    async stop(drain = true) {
      if (drain) await hub.drain(5000);
      await server.shutdown();
      for (const c of clients) c.disconnect();
    },
  };
}

/** A raw WebSocket client collecting every message. */
export async function rawClient(url: string, protocols?: string[]) {
  const ws = protocols ? new WebSocket(url, protocols) : new WebSocket(url);
  const messages: Record<string, unknown>[] = [];
  let closed: { code: number; reason: string } | undefined;
  ws.onmessage = (m) => messages.push(JSON.parse(String(m.data)));
  const opened = await new Promise<boolean>((res) => {
    ws.onopen = () => res(true);
    ws.onclose = (e) => {
      closed = { code: e.code, reason: e.reason };
      res(false);
    };
  });
  ws.onclose = (e) => closed = { code: e.code, reason: e.reason };
  const until = async (pred: () => boolean, ms = 5000) => {
    const end = Date.now() + ms;
    while (!pred() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    return pred();
  };
  return {
    ws,
    messages,
    opened,
    closed: () => closed,
    until,
    send: (m: unknown) => ws.send(typeof m === "string" ? m : JSON.stringify(m)),
  };
}
