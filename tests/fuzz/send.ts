/** @module Sends one fuzz input (an HTTP request or a WebSocket frame) and classifies the answer. */
import type { FuzzInput } from "./generators.ts";
import { ERROR_CODES, type Outcome } from "./outcomes.ts";

/** Shortens an input for a report: long inputs show their head, tail and length. */
export function preview(input: FuzzInput): string {
  const text = input.kind === "http"
    ? `${input.method} ${input.path}${input.body === undefined ? "" : ` ${input.body}`}`
    : `WS ${typeof input.frame === "string" ? input.frame : `<binary ${input.frame.length} bytes>`}`;
  return text.length <= 160
    ? JSON.stringify(text)
    : `${JSON.stringify(text.slice(0, 100))}…${JSON.stringify(text.slice(-30))} (${text.length} chars)`;
}

/** Sends one HTTP input and classifies the answer. */
export async function sendHttp(
  url: string,
  input: Extract<FuzzInput, { kind: "http" }>,
  deadlineMs: number,
): Promise<{ outcome: Outcome; ms: number; detail: string }> {
  const t0 = performance.now();
  const signal = AbortSignal.timeout(deadlineMs);
  try {
    const headers: Record<string, string> = {};
    if (input.contentType) headers["content-type"] = input.contentType;
    const r = await fetch(url + input.path, { method: input.method, headers, body: input.body, signal });
    const text = await r.text();
    const ms = performance.now() - t0;
    if (r.status < 400) return { outcome: "2xx", ms, detail: String(r.status) };
    let code: unknown;
    try {
      code = JSON.parse(text)?.error?.code;
    } catch { /* not JSON */ }
    const detail = `HTTP ${r.status} ${text.slice(0, 200)}`;
    if (typeof code !== "string" || !ERROR_CODES.has(code)) return { outcome: "untyped", ms, detail };
    return { outcome: r.status >= 500 ? "5xx" : "4xx", ms, detail };
  } catch (e) {
    const ms = performance.now() - t0;
    const err = e as Error;
    if (err.name === "TimeoutError" || signal.aborted) {
      return { outcome: "hang", ms, detail: `no answer within ${deadlineMs} ms` };
    }
    return { outcome: "dropped", ms, detail: `${err.name}: ${err.message.slice(0, 200)}` };
  }
}

/** A WebSocket client that sends fuzz frames, each followed by a ping: the pong proves the server still reads
 * and answers on that connection. A `rate_limited` notice is a typed refusal too (the probe then waits as told).
 * A close by the server with a protocol code (1008 policy, 1009 too big, 4xxx) is a typed refusal; an abnormal
 * close (1006, 1011) is a failure. */
export class WsProbe {
  #ws?: WebSocket;
  #closed?: number;
  #waiters: ((retryAfterMs?: number) => void)[] = [];
  #errors: string[] = [];
  constructor(readonly url: string) {}

  async #connect(deadlineMs: number) {
    const ws = new WebSocket(this.url.replace(/^http/, "ws") + "/ws");
    ws.binaryType = "arraybuffer";
    this.#closed = undefined;
    ws.onmessage = (e) => {
      try {
        const m = JSON.parse(String(e.data));
        if (m?.type === "error" && !ERROR_CODES.has(m?.data?.error?.code)) this.#errors.push(String(e.data));
        if (m?.type === "pong") this.#waiters.splice(0).forEach((w) => w());
        if (m?.type === "rate_limited") {
          const wait = Number(m?.data?.error?.retry_after_ms) || 100;
          this.#waiters.splice(0).forEach((w) => w(wait));
        }
      } catch {
        this.#errors.push(`non-JSON server frame: ${String(e.data).slice(0, 100)}`);
      }
    };
    ws.onclose = (e) => {
      this.#closed = e.code;
      this.#waiters.splice(0).forEach((w) => w());
    };
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("WebSocket did not open")), deadlineMs);
      ws.onopen = () => (clearTimeout(t), resolve());
      ws.onerror = () => (clearTimeout(t), reject(new Error("WebSocket error on open")));
    });
    this.#ws = ws;
  }

  async send(input: Extract<FuzzInput, { kind: "ws" }>, deadlineMs: number) {
    const t0 = performance.now();
    try {
      if (!this.#ws || this.#closed !== undefined) await this.#connect(deadlineMs);
    } catch (e) {
      return { outcome: "dropped" as Outcome, ms: performance.now() - t0, detail: (e as Error).message };
    }
    const ws = this.#ws!;
    const answered = new Promise<{ retryAfterMs?: number } | false>((resolve) => {
      const t = setTimeout(() => resolve(false), deadlineMs);
      this.#waiters.push((retryAfterMs) => (clearTimeout(t), resolve({ retryAfterMs })));
    });
    try {
      ws.send(input.frame);
      ws.send('{"action":"ping"}');
    } catch { /* closing: seen below */ }
    const ok = await answered;
    const ms = performance.now() - t0;
    if (ok && ok.retryAfterMs !== undefined) {
      await new Promise((r) => setTimeout(r, Math.min(ok.retryAfterMs!, 2000)));
      return { outcome: "4xx" as Outcome, ms, detail: "rate_limited" };
    }
    const untyped = this.#errors.splice(0);
    if (untyped.length) return { outcome: "untyped" as Outcome, ms, detail: untyped[0].slice(0, 200) };
    if (this.#closed !== undefined) {
      const code = this.#closed;
      const typed = code === 1000 || code === 1008 || code === 1009 || (code >= 4000 && code < 5000);
      return { outcome: (typed ? "4xx" : "5xx") as Outcome, ms, detail: `closed ${code}` };
    }
    return ok
      ? { outcome: "2xx" as Outcome, ms, detail: "pong" }
      : { outcome: "hang" as Outcome, ms, detail: `no pong within ${deadlineMs} ms` };
  }

  close() {
    try {
      this.#ws?.close();
    } catch { /* gone */ }
  }
}
