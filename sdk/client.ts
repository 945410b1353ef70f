/**
 * @module ChemAgent client SDK for browsers, Deno and Node ≥ 22 (uses the standard WebSocket; no dependencies).
 *
 * @example
 * const client = new ChemAgentClient("ws://localhost:8000/ws");
 * const run = client.query("Find compounds similar to aspirin and get their targets", {
 *   onProgress: (p) => console.log(Math.round(p * 100) + "%"),
 * });
 * for await (const ev of run) console.log(ev.type);
 * const response = await run;
 */

export type EventType =
  | "accepted"
  | "parsing"
  | "planning"
  | "step_start"
  | "step_complete"
  | "step_error"
  | "partial_result"
  | "clarification_needed"
  | "paused"
  | "resumed"
  | "cancelled"
  | "result"
  | "error"
  | "pong"
  | "rate_limited";

export interface QueryEvent {
  type: EventType;
  query_id: string;
  seq: number;
  event_id: string;
  data: Record<string, unknown>;
  progress: number;
  timestamp: string;
}

export interface ErrorBody {
  code: string;
  message: string;
  suggestions?: string[];
  /** With rate_limited: when to try again. */
  retry_after_ms?: number;
}

export interface Clarification {
  question: string;
  options: string[];
  suggested_queries?: string[];
}

export interface QueryResponse {
  query_id: string;
  session_id?: string;
  status: "success" | "partial" | "error" | "clarification_needed";
  success: boolean;
  intent: { type: string; confidence: number; source: string; entities: Record<string, unknown> };
  plan: { steps: { id: string; tool: string; args: Record<string, unknown>; depends_on: string[] }[] };
  result: Record<string, unknown>;
  answer: string;
  error?: ErrorBody;
  clarification?: Clarification;
  provenance: { source: string; id?: string; note?: string }[];
  cached: boolean;
  timing_ms: { total: number; parse: number; plan: number; execute: number };
  /** Which words of the question were used (and as what), which were not, and which names were corrected. */
  understanding: {
    used: { text: string; start: number; end: number; as: string; value?: string }[];
    unused: { text: string; start: number; end: number }[];
    corrections: { from: string; to: string }[];
  };
  /** What was not available or not used, and assumptions made. */
  notes: string[];
}

export interface ClientOptions {
  /** JWT sent as the subprotocol pair ["bearer", token] on every (re)connect. */
  token?: string;
  /** Reconnection: exponential backoff with full jitter. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number; maxAttempts?: number };
  /** A WebSocket implementation (defaults to globalThis.WebSocket). */
  WebSocket?: typeof WebSocket;
  onConnectionChange?: (state: "connecting" | "open" | "closed") => void;
}

export interface QueryOptions {
  sessionId?: string;
  cache?: boolean;
  parallel?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: QueryEvent) => void;
  onProgress?: (progress: number, e: QueryEvent) => void;
  onResult?: (r: QueryResponse) => void;
  onError?: (e: ErrorBody) => void;
  onClarification?: (c: Clarification, answer: (text: string) => void) => void;
}

/** A running query: await it for the final response, or iterate it for events. */
export interface QueryHandle extends PromiseLike<QueryResponse>, AsyncIterable<QueryEvent> {
  readonly queryId: Promise<string>;
  cancel(): void;
  pause(): void;
  resume(): void;
  clarify(answer: string): void;
}

const TERMINAL = new Set<EventType>(["result", "error", "cancelled"]);

interface Pending {
  clientId: string;
  /** The query message, kept until the server accepts it (resent after a reconnect). */
  message: string;
  queryId?: string;
  lastEventId?: string;
  opts: QueryOptions;
  events: QueryEvent[];
  waiters: ((r: IteratorResult<QueryEvent>) => void)[];
  done: boolean;
  resolve: (r: QueryResponse) => void;
  reject: (e: Error) => void;
  resolveId: (id: string) => void;
}

export class ChemAgentError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message);
    this.name = "ChemAgentError";
  }
}

export class ChemAgentClient {
  #ws?: WebSocket;
  #state: "idle" | "connecting" | "open" | "closed" = "idle";
  #outbox: string[] = [];
  #byClient = new Map<string, Pending>();
  #byQuery = new Map<string, Pending>();
  #rooms = new Set<string>();
  #attempt = 0;
  #closedByUser = false;
  #seq = 0;
  #timer?: ReturnType<typeof setTimeout>;
  readonly #o: ClientOptions;

  constructor(readonly url: string, opts: ClientOptions = {}) {
    this.#o = opts;
  }

  /** Opens the connection (queries also open it on demand). */
  connect(): Promise<void> {
    if (this.#state === "open") return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#open(resolve, reject);
    });
  }

  #open(onOpen?: () => void, onFail?: (e: Error) => void) {
    if (this.#state === "connecting" || this.#state === "open") {
      onOpen?.();
      return;
    }
    this.#closedByUser = false;
    this.#state = "connecting";
    this.#o.onConnectionChange?.("connecting");
    const WS = this.#o.WebSocket ?? globalThis.WebSocket;
    let ws: WebSocket;
    try {
      ws = this.#o.token ? new WS(this.url, ["bearer", this.#o.token]) : new WS(this.url);
    } catch (e) {
      this.#state = "closed";
      onFail?.(e as Error);
      this.#scheduleReconnect();
      return;
    }
    this.#ws = ws;
    ws.onopen = () => {
      this.#state = "open";
      this.#attempt = 0;
      this.#o.onConnectionChange?.("open");
      for (const r of this.#rooms) ws.send(JSON.stringify({ action: "join", room: r }));
      // Resume every query that was running: the server replays exactly the events we have not seen.
      for (const p of this.#byQuery.values()) {
        if (!p.done) {
          ws.send(
            JSON.stringify({
              action: "replay",
              query_id: p.queryId,
              ...(p.lastEventId ? { last_event_id: p.lastEventId } : {}),
            }),
          );
        }
      }
      // A query sent on the previous connection but never accepted (lost as that connection closed) is sent again.
      const queued = this.#outbox;
      this.#outbox = [];
      for (const p of this.#byClient.values()) {
        if (!p.done && !p.queryId && !queued.includes(p.message)) ws.send(p.message);
      }
      for (const m of queued) ws.send(m);
      onOpen?.();
    };
    ws.onmessage = (m) => this.#onEvent(JSON.parse(String(m.data)) as QueryEvent);
    ws.onclose = () => {
      const wasOpen = this.#state === "open";
      this.#state = "closed";
      this.#o.onConnectionChange?.("closed");
      if (!wasOpen) onFail?.(new Error("connection failed"));
      if (!this.#closedByUser) this.#scheduleReconnect();
    };
    ws.onerror = () => {};
  }

  #scheduleReconnect() {
    const r = this.#o.reconnect ?? {};
    if (this.#closedByUser || this.#attempt >= (r.maxAttempts ?? Infinity)) {
      for (const p of this.#byClient.values()) {
        if (!p.done) this.#finish(p, new Error("connection lost and not restored"));
      }
      return;
    }
    const base = Math.min(r.maxDelayMs ?? 5000, (r.initialDelayMs ?? 100) * 2 ** this.#attempt++);
    const delay = Math.random() * base; // full jitter
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#open(), delay);
  }

  #send(msg: Record<string, unknown>) {
    this.#sendText(JSON.stringify(msg));
  }

  #sendText(text: string) {
    if (this.#state === "open" && this.#ws?.readyState === 1) this.#ws.send(text);
    else {
      this.#outbox.push(text); // delivered after (re)connecting
      if (this.#state !== "connecting") this.#open();
    }
  }

  #onEvent(e: QueryEvent) {
    if (e.type === "accepted" && typeof e.data.id === "string") {
      const p = this.#byClient.get(e.data.id);
      if (p && !p.queryId) {
        p.queryId = e.query_id;
        this.#byQuery.set(e.query_id, p);
        p.resolveId(e.query_id);
      }
    }
    // The server answers a clarification with a new query; it continues the same handle.
    if (e.type === "accepted" && typeof e.data.answers === "string") {
      const prev = this.#byQuery.get(e.data.answers);
      if (prev && !prev.done) {
        prev.queryId = e.query_id;
        prev.lastEventId = undefined;
        this.#byQuery.set(e.query_id, prev);
      }
    }
    const p = this.#byQuery.get(e.query_id);
    if (!p) {
      const refused = typeof e.data?.id === "string" ? this.#byClient.get(e.data.id) : undefined;
      if (e.type === "error" && e.data?.drain) {
        // Server draining: reconnect elsewhere; a query it refused is resent there like any unaccepted one.
        this.#ws?.close();
      } else if (refused && !refused.queryId && !e.seq) {
        // Turned down before it was accepted: resend after the wait when rate limited, else fail the query.
        const err = e.data.error as ErrorBody;
        if (e.type === "rate_limited") {
          setTimeout(() => !refused.done && this.#sendText(refused.message), err.retry_after_ms ?? 500);
        } else {
          refused.opts.onError?.(err);
          this.#finish(refused, new ChemAgentError(err));
        }
      } else if (e.seq) this.#roomHandler?.(e);
      return;
    }
    if (e.seq) p.lastEventId = e.event_id;
    p.opts.onEvent?.(e);
    if (e.seq) p.opts.onProgress?.(e.progress, e);
    p.events.push(e);
    const w = p.waiters.shift();
    if (w) w({ value: p.events.shift()!, done: false });
    if (e.type === "clarification_needed") {
      const c = e.data.clarification as Clarification;
      p.opts.onClarification?.(
        c,
        (answer) => this.#send({ action: "clarify", query_id: e.query_id, answer }),
      );
    }
    if (TERMINAL.has(e.type) && e.seq) {
      const response = e.data.response as QueryResponse | undefined;
      if (e.type === "result" && response) {
        p.opts.onResult?.(response);
        this.#finish(p, response);
      } else {
        const err = (e.data.error as ErrorBody) ?? { code: "internal", message: "query failed" };
        p.opts.onError?.(err);
        if (response) this.#finish(p, response);
        else this.#finish(p, new ChemAgentError(err));
      }
    }
  }

  #finish(p: Pending, outcome: QueryResponse | Error) {
    if (p.done) return;
    p.done = true;
    this.#byClient.delete(p.clientId);
    for (const w of p.waiters.splice(0)) w({ value: undefined, done: true });
    if (outcome instanceof Error) p.reject(outcome);
    else p.resolve(outcome);
  }

  /** Sends a question; returns a handle that is both a promise of the response and an event stream. */
  query(text: string, opts: QueryOptions = {}): QueryHandle {
    const clientId = `c${Date.now().toString(36)}${(this.#seq++).toString(36)}`;
    let resolve!: (r: QueryResponse) => void, reject!: (e: Error) => void, resolveId!: (id: string) => void;
    const promise = new Promise<QueryResponse>((res, rej) => [resolve, reject] = [res, rej]);
    promise.catch(() => {}); // the caller may only iterate; unhandled rejections are theirs to see via await
    const queryId = new Promise<string>((res) => resolveId = res);
    const msg = {
      action: "query",
      id: clientId,
      query: text,
      ...(opts.sessionId ? { session_id: opts.sessionId } : {}),
      config: { cache: opts.cache ?? true, parallel: opts.parallel ?? true },
    };
    const p: Pending = {
      clientId,
      message: JSON.stringify(msg),
      opts,
      events: [],
      waiters: [],
      done: false,
      resolve,
      reject,
      resolveId,
    };
    this.#byClient.set(clientId, p);
    this.#send(msg);
    const control = (action: string) => () => queryId.then((id) => this.#send({ action, query_id: id }));
    const cancel = control("cancel");
    opts.signal?.addEventListener("abort", cancel, { once: true });
    return {
      queryId,
      cancel,
      pause: control("pause"),
      resume: control("resume"),
      clarify: (answer: string) =>
        queryId.then((id) => this.#send({ action: "clarify", query_id: id, answer })),
      then: (a, b) => promise.then(a, b),
      [Symbol.asyncIterator]: () => ({
        next: () => {
          if (p.events.length) return Promise.resolve({ value: p.events.shift()!, done: false });
          if (p.done) return Promise.resolve({ value: undefined, done: true });
          return new Promise<IteratorResult<QueryEvent>>((res) => p.waiters.push(res));
        },
      }),
    };
  }

  /** Watches a room (e.g. "session:s_123" or "query:q_…"); events arrive through `onRoomEvent`. */
  join(room: string): void {
    this.#rooms.add(room);
    this.#send({ action: "join", room });
  }

  leave(room: string): void {
    this.#rooms.delete(room);
    this.#send({ action: "leave", room });
  }

  /** Called for room events of queries this client did not start. */
  set onRoomEvent(fn: ((e: QueryEvent) => void) | undefined) {
    this.#roomHandler = fn;
  }
  #roomHandler?: (e: QueryEvent) => void;

  close(): void {
    this.#closedByUser = true;
    clearTimeout(this.#timer);
    this.#ws?.close(1000, "client closed");
  }

  get connected(): boolean {
    return this.#state === "open";
  }
}
