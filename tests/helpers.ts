/** @module Shared test helpers: one agent per test process, real servers on ephemeral ports. */
import { type Agent, createAgent } from "../core/mod.ts";
import { createApp } from "../edge/app.ts";

let agentPromise: Promise<Agent> | undefined;

/** The embedded-dataset agent, loaded once per test file (process). */
export function testAgent(): Promise<Agent> {
  agentPromise ??= createAgent({ stepTimeoutMs: 10_000 });
  return agentPromise;
}

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the real app on 127.0.0.1 with an ephemeral port. */
export async function startServer(opts: { maxBody?: number } = {}): Promise<TestServer> {
  const agent = await testAgent();
  const app = createApp({
    agent,
    config: { CHEMAGENT_MAX_BODY_BYTES: opts.maxBody ?? 64 * 1024, corsOrigins: ["*"] },
    onUnexpected: () => {},
  });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
  const addr = server.addr as Deno.NetAddr;
  return { url: `http://127.0.0.1:${addr.port}`, close: () => server.shutdown() };
}

export async function getJson(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    body = { raw: text };
  }
  return { status: res.status, body, headers: res.headers };
}

export const postJson = (url: string, payload: unknown) =>
  getJson(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(payload),
  });
