/** @module The WebSocket hub: attaches connections (auth, expiry), reads their messages (frame checks, rate
 * limits, validation, access rules) and dispatches them to the query runner, the rooms and replay; also the ops
 * room observer and drain. Limits, connections, rooms/replay and the query runner live in their own modules. */
import {
  type Agent,
  type ChemAgentError,
  type EventListener,
  isoNow,
  outcomeOf,
  type QueryRequest,
} from "../../core/mod.ts";
import type { Access } from "./access.ts";
import type { Principal, Verifier } from "./auth.ts";
import { Connection, type OnHubMetric } from "./connection.ts";
import type { EventLog } from "./event_log.ts";
import { nestsDeeperThan } from "../middleware/json-body/depth.ts";
import { DEFAULT_LIMITS, type HubLimits, UserBuckets } from "./limits.ts";
import { type ClientMessage, clientMessage, CLOSE, MAX_FRAME, queryFromMessage, seqOf } from "./protocol.ts";
import { QueryRunner } from "./query_runner.ts";
import type { RoomBus } from "./room_bus.ts";
import { replay, Rooms } from "./rooms.ts";

export { Connection } from "./connection.ts";
export { DEFAULT_LIMITS, type HubLimits } from "./limits.ts";

export interface HubOptions {
  agent: Agent;
  log: EventLog;
  bus: RoomBus;
  verifier?: Verifier;
  authRequired?: boolean;
  limits?: Partial<HubLimits>;
  /** Ownership rules (sessions, queries, ops room) when authentication is on. */
  access?: Access;
  onMetric?: OnHubMetric;
}

const ACTIONS = ["query", "cancel", "pause", "resume", "clarify", "join", "leave", "replay", "ping", "auth"];

export class Hub {
  readonly connections = new Set<Connection>();
  readonly #rooms: Rooms;
  readonly #queries: QueryRunner;
  readonly #users: UserBuckets;
  readonly #limits: HubLimits;

  constructor(private readonly o: HubOptions) {
    this.#limits = { ...DEFAULT_LIMITS, ...o.limits };
    this.#users = new UserBuckets(this.#limits);
    this.#rooms = new Rooms(o.bus);
    this.#queries = new QueryRunner({
      agent: o.agent,
      log: o.log,
      rooms: this.#rooms,
      limits: this.#limits,
      access: o.access,
    });
  }

  get runningQueries(): number {
    return this.#queries.size;
  }

  get draining(): boolean {
    return this.#queries.draining;
  }

  /** Wires a freshly upgraded socket; `principal` is set when the handshake carried a valid token. */
  attach(ws: WebSocket, principal?: Principal): Connection {
    const conn = new Connection(ws, this.#limits, this.o.onMetric);
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
    // A store that fails (Redis gone for longer than the provider's retry deadline) answers with a notice.
    ws.onmessage = (m) =>
      void this.#onMessage(conn, m.data).catch(() =>
        conn.open && conn.fail("upstream_unavailable", "The event store is unavailable; try again shortly.")
      );
    ws.onclose = () => this.#detach(conn);
    ws.onerror = () => {};
    return conn;
  }

  #detach(conn: Connection) {
    if (!this.connections.delete(conn)) return;
    conn.clearTimers();
    this.#rooms.drop(conn);
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

  async #onMessage(conn: Connection, raw: unknown) {
    if (!conn.open) return; // frames queued before a close we initiated
    this.o.onMetric?.("messages_in", 1);
    if (typeof raw !== "string") {
      return conn.fail("invalid_request", "Binary frames are not supported: send JSON text.");
    }
    if (raw.length > MAX_FRAME) return conn.closeSoon(CLOSE.tooBig, `frame larger than ${MAX_FRAME} bytes`);
    let json: unknown;
    try {
      // Too deep counts as malformed: deep nesting would overflow the recursive code that reads it.
      json = nestsDeeperThan(raw) ? undefined : JSON.parse(raw);
    } catch {
      json = undefined;
    }
    // Notices about a query the client named carry its id, so the client can settle or resend that query.
    const named = (json as { id?: unknown })?.id;
    const ref = typeof named === "string" ? { id: named.slice(0, 64) } : {};
    const wait = this.#users.wait(conn);
    if (wait > 0) {
      if (++conn.strikes > this.#limits.maxStrikes) {
        return conn.closeSoon(CLOSE.policyViolation, "message flood");
      }
      return conn.notice("rate_limited", {
        error: { code: "rate_limited", message: "Too many messages.", retry_after_ms: wait },
        ...ref,
      });
    }
    if (json === undefined) return conn.fail("invalid_request", "Message is not valid JSON.");
    const parsed = clientMessage.safeParse(json);
    if (!parsed.success) {
      const action = (json as { action?: unknown })?.action;
      const issue = parsed.error.issues[0];
      const msg = typeof action === "string" && !ACTIONS.includes(action)
        ? `Unknown action "${action.slice(0, 40)}".`
        : `Invalid message: ${issue.path.join(".") || "message"} ${issue.message}`;
      return conn.fail("invalid_request", msg, "", ref);
    }
    const m = parsed.data;
    if (m.action === "auth") return await this.#auth(conn, m.token);
    if (this.o.authRequired && !conn.principal) {
      return conn.fail("unauthorized", 'Send {action:"auth", token} first.');
    }
    await this.#handle(conn, m);
  }

  async #auth(conn: Connection, token: string) {
    if (!this.o.verifier) {
      return conn.fail("invalid_request", "Authentication is not configured on this server.");
    }
    try {
      conn.principal = await this.o.verifier(token);
      if (conn.principal.exp) this.#expireAt(conn, conn.principal.exp);
      conn.notice("pong", { authenticated: true, sub: conn.principal.sub });
    } catch {
      conn.ws.close(CLOSE.unauthorized, "invalid token");
    }
  }

  async #handle(conn: Connection, m: ClientMessage) {
    if (await this.#refused(conn, m)) return;
    switch (m.action) {
      case "ping":
        return conn.notice("pong", { server_time: isoNow() });
      case "join":
        this.#rooms.join(conn, m.room);
        return conn.notice("pong", { joined: m.room });
      case "leave":
        this.#rooms.leave(conn, m.room);
        return conn.notice("pong", { left: m.room });
      case "query":
        return this.#query(conn, m);
      case "cancel":
        return this.#queries.cancel(conn, m.query_id);
      case "pause":
      case "resume":
        return this.#queries.pause(conn, m.query_id, m.action === "pause");
      case "clarify":
        return await this.#queries.clarify(conn, m.query_id, m.answer);
      case "replay":
        return await replay(conn, m.query_id, seqOf(m.last_event_id), {
          rooms: this.#rooms,
          log: this.o.log,
          isRunningHere: (id) => this.#queries.has(id),
        });
    }
  }

  /** A `{action:"query"}` message: the request is checked by core's QueryRequest schema, like every transport. */
  #query(conn: Connection, m: Extract<ClientMessage, { action: "query" }>) {
    let req: QueryRequest;
    try {
      req = queryFromMessage(m);
    } catch (e) {
      const { code, message } = e as ChemAgentError;
      return conn.fail(code, message, "", m.id ? { id: m.id } : {});
    }
    this.#queries.start(conn, req, m.id);
  }

  /** Another user's session, query or the ops room: answered with an error notice, nothing else happens. */
  async #refused(conn: Connection, m: ClientMessage): Promise<boolean> {
    const error = await this.o.access?.refusal(conn.principal, m);
    if (!error) return false;
    const queryId = "query_id" in m && typeof m.query_id === "string" ? m.query_id : "";
    const ref = m.action === "query" && m.id ? { id: m.id } : {};
    conn.notice("error", { error, ...ref }, queryId);
    return true;
  }

  /** Agent observer: a compact line per finished query to the "ops" room (the live dashboard). */
  observer(): EventListener {
    return (ev, accepted) => {
      if (ev.type !== "result" && ev.type !== "error" && ev.type !== "cancelled") return;
      if (!this.#rooms.audience("ops")) return; // nobody watches the live dashboard: nothing to build
      const o = outcomeOf(ev, accepted);
      this.#rooms.fanOut(["ops"], {
        ...ev,
        data: {
          status: o.status,
          origin: o.origin,
          intent: o.intent ?? "unknown",
          cached: !!o.cached,
          ms: o.ms ?? 0,
          ...(o.error ? { error: { code: o.error.code, message: o.error.message } } : {}),
        },
      });
    };
  }

  /** Graceful shutdown: tell clients to reconnect elsewhere, let running queries finish, then close with 1012.
   * Messages already on their way get their answer first (a query is refused with the drain notice and its
   * id, so the client resends it elsewhere): the connections stay open at least `graceMs` after the notice. */
  async drain(timeoutMs = 10_000, graceMs = 300): Promise<void> {
    this.#queries.draining = true;
    for (const c of this.connections) {
      c.fail("upstream_unavailable", "Server restarting: reconnect and replay.", "", { drain: true });
    }
    const deadline = Date.now() + timeoutMs;
    const earliest = Date.now() + Math.min(graceMs, timeoutMs);
    while ((this.#queries.busy() || Date.now() < earliest) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const c of this.connections) c.ws.close(CLOSE.serviceRestart, "server restarting");
    // Wait for the close handshakes, so clients see 1012 rather than an abnormal close when the process exits.
    const closed = Math.max(deadline, Date.now() + 2000);
    while (this.connections.size && Date.now() < closed) await new Promise((r) => setTimeout(r, 10));
  }
}
