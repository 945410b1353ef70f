// sdk/client.ts
var TERMINAL = /* @__PURE__ */ new Set([
  "result",
  "error",
  "cancelled"
]);
var ChemAgentError = class extends Error {
  body;
  constructor(body) {
    super(body.message), this.body = body;
    this.name = "ChemAgentError";
  }
};
var ChemAgentClient = class {
  url;
  #ws;
  #state;
  #outbox;
  #byClient;
  #byQuery;
  #rooms;
  #attempt;
  #closedByUser;
  #seq;
  #timer;
  #o;
  constructor(url, opts = {}) {
    this.url = url;
    this.#state = "idle";
    this.#outbox = [];
    this.#byClient = /* @__PURE__ */ new Map();
    this.#byQuery = /* @__PURE__ */ new Map();
    this.#rooms = /* @__PURE__ */ new Set();
    this.#attempt = 0;
    this.#closedByUser = false;
    this.#seq = 0;
    this.#o = opts;
  }
  /** Opens the connection (queries also open it on demand). */
  connect() {
    if (this.#state === "open") return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#open(resolve, reject);
    });
  }
  #open(onOpen, onFail) {
    if (this.#state === "connecting" || this.#state === "open") {
      onOpen?.();
      return;
    }
    this.#closedByUser = false;
    this.#state = "connecting";
    this.#o.onConnectionChange?.("connecting");
    const WS = this.#o.WebSocket ?? globalThis.WebSocket;
    let ws;
    try {
      ws = this.#o.token ? new WS(this.url, [
        "bearer",
        this.#o.token
      ]) : new WS(this.url);
    } catch (e) {
      this.#state = "closed";
      onFail?.(e);
      this.#scheduleReconnect();
      return;
    }
    this.#ws = ws;
    ws.onopen = () => {
      this.#state = "open";
      this.#attempt = 0;
      this.#o.onConnectionChange?.("open");
      for (const r of this.#rooms) ws.send(JSON.stringify({
        action: "join",
        room: r
      }));
      for (const p of this.#byQuery.values()) {
        if (!p.done) {
          ws.send(JSON.stringify({
            action: "replay",
            query_id: p.queryId,
            ...p.lastEventId ? {
              last_event_id: p.lastEventId
            } : {}
          }));
        }
      }
      const queued = this.#outbox;
      this.#outbox = [];
      for (const p of this.#byClient.values()) {
        if (!p.done && !p.queryId && !queued.includes(p.message)) ws.send(p.message);
      }
      for (const m of queued) ws.send(m);
      onOpen?.();
    };
    ws.onmessage = (m) => this.#onEvent(JSON.parse(String(m.data)));
    ws.onclose = () => {
      const wasOpen = this.#state === "open";
      this.#state = "closed";
      this.#o.onConnectionChange?.("closed");
      if (!wasOpen) onFail?.(new Error("connection failed"));
      if (!this.#closedByUser) this.#scheduleReconnect();
    };
    ws.onerror = () => {
    };
  }
  #scheduleReconnect() {
    const r = this.#o.reconnect ?? {};
    if (this.#closedByUser || this.#attempt >= (r.maxAttempts ?? Infinity)) {
      for (const p of this.#byClient.values()) {
        if (!p.done) this.#finish(p, new Error("connection lost and not restored"));
      }
      return;
    }
    const base = Math.min(r.maxDelayMs ?? 5e3, (r.initialDelayMs ?? 100) * 2 ** this.#attempt++);
    const delay = Math.random() * base;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#open(), delay);
  }
  #send(msg) {
    this.#sendText(JSON.stringify(msg));
  }
  #sendText(text) {
    if (this.#state === "open" && this.#ws?.readyState === 1) this.#ws.send(text);
    else {
      this.#outbox.push(text);
      if (this.#state !== "connecting") this.#open();
    }
  }
  #onEvent(e) {
    if (e.type === "accepted" && typeof e.data.id === "string") {
      const p2 = this.#byClient.get(e.data.id);
      if (p2 && !p2.queryId) {
        p2.queryId = e.query_id;
        this.#byQuery.set(e.query_id, p2);
        p2.resolveId(e.query_id);
      }
    }
    if (e.type === "accepted" && typeof e.data.answers === "string") {
      const prev = this.#byQuery.get(e.data.answers);
      if (prev && !prev.done) {
        prev.queryId = e.query_id;
        prev.lastEventId = void 0;
        this.#byQuery.set(e.query_id, prev);
      }
    }
    const p = this.#byQuery.get(e.query_id);
    if (!p) {
      const refused = typeof e.data?.id === "string" ? this.#byClient.get(e.data.id) : void 0;
      if (e.type === "error" && e.data?.drain) {
        this.#ws?.close();
      } else if (refused && !refused.queryId && !e.seq) {
        const err = e.data.error;
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
    if (w) w({
      value: p.events.shift(),
      done: false
    });
    if (e.type === "clarification_needed") {
      const c = e.data.clarification;
      p.opts.onClarification?.(c, (answer) => this.#send({
        action: "clarify",
        query_id: e.query_id,
        answer
      }));
    }
    if (TERMINAL.has(e.type) && e.seq) {
      const response = e.data.response;
      if (e.type === "result" && response) {
        p.opts.onResult?.(response);
        this.#finish(p, response);
      } else {
        const err = e.data.error ?? {
          code: "internal",
          message: "query failed"
        };
        p.opts.onError?.(err);
        if (response) this.#finish(p, response);
        else this.#finish(p, new ChemAgentError(err));
      }
    }
  }
  #finish(p, outcome) {
    if (p.done) return;
    p.done = true;
    this.#byClient.delete(p.clientId);
    for (const w of p.waiters.splice(0)) w({
      value: void 0,
      done: true
    });
    if (outcome instanceof Error) p.reject(outcome);
    else p.resolve(outcome);
  }
  /** Sends a question; returns a handle that is both a promise of the response and an event stream. */
  query(text, opts = {}) {
    const clientId = `c${Date.now().toString(36)}${(this.#seq++).toString(36)}`;
    let resolve, reject, resolveId;
    const promise = new Promise((res, rej) => [resolve, reject] = [
      res,
      rej
    ]);
    promise.catch(() => {
    });
    const queryId = new Promise((res) => resolveId = res);
    const msg = {
      action: "query",
      id: clientId,
      query: text,
      ...opts.sessionId ? {
        session_id: opts.sessionId
      } : {},
      config: {
        cache: opts.cache ?? true,
        parallel: opts.parallel ?? true
      }
    };
    const p = {
      clientId,
      message: JSON.stringify(msg),
      opts,
      events: [],
      waiters: [],
      done: false,
      resolve,
      reject,
      resolveId
    };
    this.#byClient.set(clientId, p);
    this.#send(msg);
    const control = (action) => () => queryId.then((id) => this.#send({
      action,
      query_id: id
    }));
    const cancel = control("cancel");
    opts.signal?.addEventListener("abort", cancel, {
      once: true
    });
    return {
      queryId,
      cancel,
      pause: control("pause"),
      resume: control("resume"),
      clarify: (answer) => queryId.then((id) => this.#send({
        action: "clarify",
        query_id: id,
        answer
      })),
      then: (a, b) => promise.then(a, b),
      [Symbol.asyncIterator]: () => ({
        next: () => {
          if (p.events.length) return Promise.resolve({
            value: p.events.shift(),
            done: false
          });
          if (p.done) return Promise.resolve({
            value: void 0,
            done: true
          });
          return new Promise((res) => p.waiters.push(res));
        }
      })
    };
  }
  /** Watches a room (e.g. "session:s_123" or "query:q_…"); events arrive through `onRoomEvent`. */
  join(room) {
    this.#rooms.add(room);
    this.#send({
      action: "join",
      room
    });
  }
  leave(room) {
    this.#rooms.delete(room);
    this.#send({
      action: "leave",
      room
    });
  }
  /** Called for room events of queries this client did not start. */
  set onRoomEvent(fn) {
    this.#roomHandler = fn;
  }
  #roomHandler;
  close() {
    this.#closedByUser = true;
    clearTimeout(this.#timer);
    this.#ws?.close(1e3, "client closed");
  }
  get connected() {
    return this.#state === "open";
  }
};
export {
  ChemAgentClient,
  ChemAgentError
};
