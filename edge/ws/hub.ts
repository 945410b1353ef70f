/** @module The WebSocket hub: connections, rooms (local + cross-instance), running queries with cancel,
 * pause/resume and clarification, replay/recovery from the event log, rate limits, backpressure, drain. */
import {
  type Agent,
  answerClarification,
  ChemAgentError,
  type EventListener,
  isoNow,
  newId,
  outcomeOf,
  QueryControl,
  type QueryEvent,
  type QueryRequest,
} from "../../core/mod.ts";
import type { Access } from "./access.ts";
import type { Principal, Verifier } from "./auth.ts";
import { type EventLog, isTerminal } from "./event_log.ts";
import { type ClientMessage, clientMessage, CLOSE, MAX_FRAME, queryFromMessage, seqOf } from "./protocol.ts";
import type { RoomBus } from "./room_bus.ts";

export interface HubLimits {
  msgsPerSec: number;
  burst: number;
  userMsgsPerSec: number;
  userBurst: number;
  maxConcurrentQueries: number;
  /** Bytes queued to a client before it is dropped as a slow consumer. */
  maxBufferedBytes: number;
  /** Rate-limit violations tolerated before the connection is closed. */
  maxStrikes: number;
  /** Time an unauthenticated connection has to send {action:"auth"}. */
  authTimeoutMs: number;
}

export const DEFAULT_LIMITS: HubLimits = {
  msgsPerSec: 20,
  burst: 40,
  userMsgsPerSec: 50,
  userBurst: 100,
  maxConcurrentQueries: 4,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxStrikes: 20,
  authTimeoutMs: 5000,
};

export interface HubOptions {
  agent: Agent;
  log: EventLog;
  bus: RoomBus;
  verifier?: Verifier;
  authRequired?: boolean;
  limits?: Partial<HubLimits>;
  /** Ownership rules (sessions, queries, ops room) when authentication is on. */
  access?: Access;
  onMetric?: (name: "connections" | "messages_in" | "messages_out" | "dropped", delta: number) => void;
}

class Bucket {
  #tokens: number;
  #last = performance.now();
  constructor(private readonly rate: number, private readonly burst: number) {
    this.#tokens = burst;
  }
  take(): number {
    const now = performance.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.rate);
    this.#last = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) / this.rate) * 1000);
  }
}

/** A query running on this instance; its clarification (if any) lives in the event log, not here. */
interface Running {
  control: QueryControl;
  owner: Connection;
  session?: string;
}

export class Connection {
  readonly id = newId("c");
  readonly rooms = new Set<string>();
  readonly lastSeq = new Map<string, number>();
  readonly bucket: Bucket;
  strikes = 0;
  closing = false;
  principal?: Principal;
  queries = 0;
  #timers: ReturnType<typeof setTimeout>[] = [];
  constructor(readonly ws: WebSocket, limits: HubLimits) {
    this.bucket = new Bucket(limits.msgsPerSec, limits.burst);
  }
  timer(fn: () => void, ms: number) {
    this.#timers.push(setTimeout(fn, ms));
  }
  clearTimers() {
    for (const t of this.#timers) clearTimeout(t);
  }
  get open() {
    return this.ws.readyState === WebSocket.OPEN && !this.closing;
  }
  /** Closes after the frames already in flight are read, so the client sees a clean close with our code. */
  closeSoon(code: number, reason: string) {
    if (this.closing) return;
    this.closing = true;
    setTimeout(() => {
      try {
        this.ws.close(code, reason);
      } catch { /* already closed */ }
    }, 50);
  }
}

export class Hub {
  readonly connections = new Set<Connection>();
  readonly #rooms = new Map<string, Set<Connection>>();
  readonly #running = new Map<string, Running>();
  readonly #users = new Map<string, Bucket>();
  readonly #limits: HubLimits;
  draining = false;

  constructor(private readonly o: HubOptions) {
    this.#limits = { ...DEFAULT_LIMITS, ...o.limits };
    void o.bus.subscribe((rooms, ev) => this.#fanOut(rooms, ev, true));
  }

  get runningQueries(): number {
    return this.#running.size;
  }

  /** Wires a freshly upgraded socket; `principal` is set when the handshake carried a valid token. */
  attach(ws: WebSocket, principal?: Principal): Connection {
    const conn = new Connection(ws, this.#limits);
    conn.principal = principal;
    this.connections.add(conn);
    this.o.onMetric?.("connections", 1);
    if (principal?.exp) this.#expireAt(conn, principal.exp);
    if (this.o.authRequired && !principal) {
      conn.timer(
        () => !conn.principal && conn.open && ws.close(CLOSE.unauthorized, "authentication required"),
        this.#limits.authTimeoutMs,
      );
    }
    ws.onmessage = (m) => void this.#onMessage(conn, m.data);
    ws.onclose = () => this.#detach(conn);
    ws.onerror = () => {};
    return conn;
  }

  #detach(conn: Connection) {
    if (!this.connections.delete(conn)) return;
    conn.clearTimers();
    for (const r of conn.rooms) this.#rooms.get(r)?.delete(conn);
    this.o.onMetric?.("connections", -1);
    // Running queries keep going so a reconnecting client can resume from the event log.
  }

  #expireAt(conn: Connection, exp: number) {
    const ms = exp * 1000 - Date.now();
    conn.timer(
      () => conn.open && conn.ws.close(CLOSE.tokenExpired, "token expired"),
      Math.max(0, Math.min(ms, 2 ** 31 - 1)),
    );
  }

  /** A connection-level event (errors, pong, rate limits): same envelope, seq 0. */
  #notice(conn: Connection, type: string, data: Record<string, unknown>, queryId = "") {
    this.#send(conn, {
      type: type as QueryEvent["type"],
      query_id: queryId,
      seq: 0,
      event_id: "",
      data,
      progress: 0,
      timestamp: isoNow(),
    });
  }

  #send(conn: Connection, ev: QueryEvent) {
    if (!conn.open) return;
    // Backpressure: a client that does not read is dropped before it costs unbounded memory.
    if ((conn.ws as WebSocket & { bufferedAmount: number }).bufferedAmount > this.#limits.maxBufferedBytes) {
      this.o.onMetric?.("dropped", 1);
      conn.closeSoon(CLOSE.slowConsumer, "slow consumer: reconnect and replay");
      return;
    }
    conn.ws.send(JSON.stringify(ev));
    this.o.onMetric?.("messages_out", 1);
  }

  /** Delivers a query event once per connection (duplicates from log + live are dropped by seq). */
  #deliver(conn: Connection, ev: QueryEvent) {
    const last = conn.lastSeq.get(ev.query_id) ?? 0;
    if (ev.seq <= last) return;
    conn.lastSeq.set(ev.query_id, ev.seq);
    this.#send(conn, ev);
  }

  #join(conn: Connection, room: string) {
    conn.rooms.add(room);
    let set = this.#rooms.get(room);
    if (!set) this.#rooms.set(room, set = new Set());
    set.add(conn);
  }

  #fanOut(rooms: string[], ev: QueryEvent, remote: boolean) {
    const seen = new Set<Connection>();
    for (const r of rooms) {
      for (const c of this.#rooms.get(r) ?? []) {
        if (seen.has(c)) continue;
        seen.add(c);
        this.#deliver(c, ev);
      }
    }
    if (!remote) this.o.bus.publish(rooms, ev);
  }

  async #onMessage(conn: Connection, raw: unknown) {
    if (!conn.open) return; // frames queued before a close we initiated
    this.o.onMetric?.("messages_in", 1);
    if (typeof raw !== "string") {
      return this.#notice(conn, "error", {
        error: { code: "invalid_request", message: "Binary frames are not supported: send JSON text." },
      });
    }
    if (raw.length > MAX_FRAME) return conn.closeSoon(CLOSE.tooBig, `frame larger than ${MAX_FRAME} bytes`);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      json = undefined;
    }
    // Notices about a query the client named carry its id, so the client can settle or resend that query.
    const named = (json as { id?: unknown })?.id;
    const ref = typeof named === "string" ? { id: named.slice(0, 64) } : {};
    const wait = Math.max(conn.bucket.take(), this.#userBucket(conn).take());
    if (wait > 0) {
      if (++conn.strikes > this.#limits.maxStrikes) {
        return conn.closeSoon(CLOSE.policyViolation, "message flood");
      }
      return this.#notice(conn, "rate_limited", {
        error: { code: "rate_limited", message: "Too many messages.", retry_after_ms: wait },
        ...ref,
      });
    }
    if (json === undefined) {
      return this.#notice(conn, "error", {
        error: { code: "invalid_request", message: "Message is not valid JSON." },
      });
    }
    const parsed = clientMessage.safeParse(json);
    if (!parsed.success) {
      const action = (json as { action?: unknown })?.action;
      const msg = typeof action === "string" &&
          !["query", "cancel", "pause", "resume", "clarify", "join", "leave", "replay", "ping", "auth"]
            .includes(action)
        ? `Unknown action "${action.slice(0, 40)}".`
        : `Invalid message: ${parsed.error.issues[0].path.join(".") || "message"} ${
          parsed.error.issues[0].message
        }`;
      return this.#notice(conn, "error", { error: { code: "invalid_request", message: msg }, ...ref });
    }
    const m = parsed.data;
    if (m.action === "auth") return await this.#auth(conn, m.token);
    if (this.o.authRequired && !conn.principal) {
      return this.#notice(conn, "error", {
        error: { code: "unauthorized", message: 'Send {action:"auth", token} first.' },
      });
    }
    await this.#handle(conn, m);
  }

  #userBucket(conn: Connection): Bucket {
    const key = conn.principal?.sub ?? conn.id;
    let b = this.#users.get(key);
    if (!b) {
      if (this.#users.size > 10_000) this.#users.clear();
      this.#users.set(key, b = new Bucket(this.#limits.userMsgsPerSec, this.#limits.userBurst));
    }
    return b;
  }

  async #auth(conn: Connection, token: string) {
    if (!this.o.verifier) {
      return this.#notice(conn, "error", {
        error: { code: "invalid_request", message: "Authentication is not configured on this server." },
      });
    }
    try {
      conn.principal = await this.o.verifier(token);
      if (conn.principal.exp) this.#expireAt(conn, conn.principal.exp);
      this.#notice(conn, "pong", { authenticated: true, sub: conn.principal.sub });
    } catch {
      conn.ws.close(CLOSE.unauthorized, "invalid token");
    }
  }

  async #handle(conn: Connection, m: ClientMessage) {
    if (await this.#refused(conn, m)) return;
    switch (m.action) {
      case "ping":
        return this.#notice(conn, "pong", { server_time: isoNow() });
      case "join":
        this.#join(conn, m.room);
        return this.#notice(conn, "pong", { joined: m.room });
      case "leave":
        conn.rooms.delete(m.room);
        this.#rooms.get(m.room)?.delete(conn);
        return this.#notice(conn, "pong", { left: m.room });
      case "query": {
        let req: QueryRequest;
        try {
          req = queryFromMessage(m);
        } catch (e) {
          const { code, message } = e as ChemAgentError;
          return this.#notice(conn, "error", { error: { code, message }, ...(m.id ? { id: m.id } : {}) });
        }
        return this.#startQuery(conn, req, m.id);
      }
      case "cancel": {
        const r = this.#running.get(m.query_id);
        if (!r) {
          return this.#notice(conn, "error", {
            error: { code: "not_found", message: `No running query ${m.query_id}.` },
          }, m.query_id);
        }
        return r.control.cancel();
      }
      case "pause":
      case "resume":
        return this.#pause(conn, m.query_id, m.action === "pause");
      case "clarify":
        return await this.#clarify(conn, m.query_id, m.answer);
      case "replay":
        return await this.#replay(conn, m.query_id, seqOf(m.last_event_id));
    }
  }

  /** Another user's session, query or the ops room: answered with an error notice, nothing else happens. */
  async #refused(conn: Connection, m: ClientMessage): Promise<boolean> {
    const error = await this.o.access?.refusal(conn.principal, m);
    if (!error) return false;
    const queryId = "query_id" in m && typeof m.query_id === "string" ? m.query_id : "";
    const ref = m.action === "query" && m.id ? { id: m.id } : {};
    this.#notice(conn, "error", { error, ...ref }, queryId);
    return true;
  }

  #startQuery(conn: Connection, req: QueryRequest, clientId?: string, answers?: string) {
    if (this.draining) {
      // Not accepted: the client resends it (same id) after reconnecting to another instance.
      return this.#notice(conn, "error", {
        error: {
          code: "upstream_unavailable",
          message: "Server is draining: reconnect to another instance.",
        },
        drain: true,
        ...(clientId ? { id: clientId } : {}),
      });
    }
    if (conn.queries >= this.#limits.maxConcurrentQueries) {
      return this.#notice(conn, "rate_limited", {
        error: {
          code: "rate_limited",
          message: `At most ${this.#limits.maxConcurrentQueries} concurrent queries per connection.`,
          retry_after_ms: 500,
        },
        ...(clientId ? { id: clientId } : {}),
      });
    }
    const queryId = newId("q");
    this.o.access?.recordQuery(queryId, conn.principal);
    const session = req.session_id;
    const rooms = [`query:${queryId}`, ...(session ? [`session:${session}`] : [])];
    this.#join(conn, `query:${queryId}`);
    const run: Running = { control: new QueryControl(), owner: conn, session };
    this.#running.set(queryId, run);
    conn.queries++;
    const done = this.o.agent.query(req, {
      queryId,
      requestId: conn.id,
      control: run.control,
      onEvent: (ev) => {
        if (ev.type === "accepted") {
          ev.data = { ...ev.data, ...(clientId ? { id: clientId } : {}), ...(answers ? { answers } : {}) };
        }
        void this.o.log.append(ev).catch(() => {});
        this.#fanOut(rooms, ev, false);
      },
    });
    done.finally(() => {
      conn.queries--;
      this.#running.delete(queryId);
    });
  }

  #pause(conn: Connection, queryId: string, pause: boolean) {
    const r = this.#running.get(queryId);
    if (!r) {
      return this.#notice(conn, "error", {
        error: { code: "not_found", message: `No running query ${queryId}.` },
      }, queryId);
    }
    // The paused/resumed event goes through the query's stream (seq, log, rooms, observers), like any other.
    if (!(pause ? r.control.pause() : r.control.resume())) {
      return this.#notice(conn, "error", {
        error: {
          code: "invalid_request",
          message: `Query ${queryId} is ${pause ? "already paused" : "not paused"}.`,
        },
      }, queryId);
    }
  }

  /** Answers a query's clarification. Its state is the query's own `clarification_needed` event in the event
   * log (Redis Streams when configured), so any instance can answer it; the answer runs as a new query in the
   * same session (which also remembers the exchange in session memory). */
  async #clarify(conn: Connection, queryId: string, answer: string) {
    const pending = await this.#pendingClarification(queryId);
    if (!pending) {
      return this.#notice(conn, "error", {
        error: { code: "not_found", message: `Query ${queryId} is not waiting for a clarification.` },
      }, queryId);
    }
    const a = answerClarification(answer, pending.clarification);
    if (!a) {
      return this.#notice(conn, "error", {
        error: {
          code: "invalid_parameter",
          message: `Answer with one of: ${
            pending.clarification.options.map((o, i) => `${i + 1}. ${o}`).join("; ")
          }`,
        },
      }, queryId);
    }
    this.#startQuery(
      conn,
      { query: a.text, ...(pending.session ? { session_id: pending.session } : {}) },
      undefined,
      queryId,
    );
  }

  /** The clarification a query asked for, read from its logged events. */
  async #pendingClarification(queryId: string) {
    let asked: QueryEvent | undefined;
    let events: QueryEvent[] = [];
    // The event is fanned out as its log write is sent: an answer typed at once may arrive before the write lands.
    for (let i = 0; i < 4 && !asked; i++) {
      if (i) await new Promise((r) => setTimeout(r, 50));
      events = await this.o.log.since(queryId, 0).catch(() => [] as QueryEvent[]);
      asked = events.find((e) => e.type === "clarification_needed");
    }
    if (!asked) return undefined;
    const c = asked.data.clarification as {
      question: string;
      options: string[];
      suggested_queries?: string[];
    };
    const session = events.find((e) => e.type === "accepted")?.data.session_id;
    return {
      clarification: { question: c.question, options: c.options, rewrites: c.suggested_queries ?? [] },
      session: typeof session === "string" ? session : undefined,
    };
  }

  /** Sends the events of a query after `afterSeq` exactly once, then follows it live if it is still running. */
  async #replay(conn: Connection, queryId: string, afterSeq: number) {
    // Join first so live events are not missed while the log is read; #deliver drops duplicates by seq.
    this.#join(conn, `query:${queryId}`);
    if ((conn.lastSeq.get(queryId) ?? 0) < afterSeq) conn.lastSeq.set(queryId, afterSeq);
    let events = await this.o.log.since(queryId, afterSeq);
    for (const ev of events) this.#deliver(conn, ev);
    // The query may still be running on another instance (its events arrive through the room bus), or have
    // just finished there with its last events not yet in the shared log: keep reading the log until it ends.
    for (let i = 0; i < 50 && !events.some(isTerminal) && !this.#running.has(queryId) && conn.open; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const more = await this.o.log.since(queryId, conn.lastSeq.get(queryId) ?? afterSeq);
      for (const ev of more) this.#deliver(conn, ev);
      events = [...events, ...more];
      if (!events.length && afterSeq === 0) break;
    }
    if (!events.length && afterSeq === 0 && !this.#running.has(queryId)) {
      this.#notice(conn, "error", {
        error: { code: "not_found", message: `No event log for ${queryId} (unknown or expired).` },
      }, queryId);
    }
    if (events.some(isTerminal)) {
      conn.rooms.delete(`query:${queryId}`);
      this.#rooms.get(`query:${queryId}`)?.delete(conn);
    }
  }

  /** Agent observer: a compact line per finished query to the "ops" room (the live dashboard). */
  observer(): EventListener {
    return (ev, accepted) => {
      if (ev.type !== "result" && ev.type !== "error" && ev.type !== "cancelled") return;
      const o = outcomeOf(ev, accepted);
      this.#fanOut(["ops"], {
        ...ev,
        data: {
          status: o.status,
          origin: o.origin,
          intent: o.intent ?? "unknown",
          cached: !!o.cached,
          ms: o.ms ?? 0,
          ...(o.error ? { error: { code: o.error.code, message: o.error.message } } : {}),
        },
      }, false);
    };
  }

  /** Graceful shutdown: tell clients to reconnect elsewhere, let running queries finish, then close with 1012.
   * Messages already on their way get their answer first (a query is refused with the drain notice and its
   * id, so the client resends it elsewhere): the connections stay open at least `graceMs` after the notice. */
  async drain(timeoutMs = 10_000, graceMs = 300): Promise<void> {
    this.draining = true;
    for (const c of this.connections) {
      this.#notice(c, "error", {
        error: { code: "upstream_unavailable", message: "Server restarting: reconnect and replay." },
        drain: true,
      });
    }
    const deadline = Date.now() + timeoutMs;
    const earliest = Date.now() + Math.min(graceMs, timeoutMs);
    while (
      ([...this.#running.values()].some((r) => !r.control.signal.aborted) || Date.now() < earliest) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const c of this.connections) c.ws.close(CLOSE.serviceRestart, "server restarting");
    // Wait for the close handshakes, so clients see 1012 rather than an abnormal close when the process exits.
    const closed = Math.max(deadline, Date.now() + 2000);
    while (this.connections.size && Date.now() < closed) await new Promise((r) => setTimeout(r, 10));
  }
}
