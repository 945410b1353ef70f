/** @module Queries run over WebSocket: start (concurrency cap, drain refusal, rooms, event log), cancel,
 * pause/resume and clarification answers. A query's events all go through its own event stream. */
import {
  type Agent,
  answerClarification,
  newId,
  QueryControl,
  type QueryEvent,
  type QueryRequest,
} from "../../core/mod.ts";
import type { Access } from "./access.ts";
import type { Connection } from "./connection.ts";
import type { EventLog } from "./event_log.ts";
import type { HubLimits } from "./limits.ts";
import type { Rooms } from "./rooms.ts";

/** A query running on this instance; its clarification (if any) lives in the event log, not here. */
interface Running {
  control: QueryControl;
  owner: Connection;
  session?: string;
}

export interface QueryRunnerOptions {
  agent: Agent;
  log: EventLog;
  rooms: Rooms;
  limits: HubLimits;
  access?: Access;
}

export class QueryRunner {
  readonly #running = new Map<string, Running>();
  /** Set by the hub's drain: new queries are refused with the drain notice so clients resend them elsewhere. */
  draining = false;

  constructor(private readonly o: QueryRunnerOptions) {}

  get size(): number {
    return this.#running.size;
  }

  has(queryId: string): boolean {
    return this.#running.has(queryId);
  }

  /** True while any query here has not stopped (drain waits for these). */
  busy(): boolean {
    return [...this.#running.values()].some((r) => !r.control.signal.aborted);
  }

  start(conn: Connection, req: QueryRequest, clientId?: string, answers?: string) {
    const ref = clientId ? { id: clientId } : {};
    if (this.#refused(conn, ref)) return;
    const queryId = newId("q");
    this.o.access?.recordQuery(queryId, conn.principal);
    this.#run(conn, queryId, req, { ...ref, ...(answers ? { answers } : {}) });
  }

  /** Refuses a new query while draining or at the connection's concurrency cap, naming the client's id. */
  #refused(conn: Connection, ref: { id?: string }): boolean {
    if (this.draining) {
      // Not accepted: the client resends it (same id) after reconnecting to another instance.
      conn.fail("upstream_unavailable", "Server is draining: reconnect to another instance.", "", {
        drain: true,
        ...ref,
      });
      return true;
    }
    const max = this.o.limits.maxConcurrentQueries;
    if (conn.queries < max) return false;
    conn.notice("rate_limited", {
      error: {
        code: "rate_limited",
        message: `At most ${max} concurrent queries per connection.`,
        retry_after_ms: 500,
      },
      ...ref,
    });
    return true;
  }

  /** Runs the query: its events are logged and fanned out to its rooms; `accepted` carries `stamp`. */
  #run(conn: Connection, queryId: string, req: QueryRequest, stamp: Record<string, unknown>) {
    const session = req.session_id;
    const rooms = [`query:${queryId}`, ...(session ? [`session:${session}`] : [])];
    this.o.rooms.join(conn, `query:${queryId}`);
    const run: Running = { control: new QueryControl(), owner: conn, session };
    this.#running.set(queryId, run);
    conn.queries++;
    const done = this.o.agent.query(req, {
      queryId,
      requestId: conn.id,
      control: run.control,
      viewer: { sub: conn.principal?.sub, enforced: !!this.o.access?.enforced },
      onEvent: (ev) => {
        if (ev.type === "accepted") ev.data = { ...ev.data, ...stamp };
        void this.o.log.append(ev).catch(() => {});
        this.o.rooms.fanOut(rooms, ev);
      },
    });
    done.finally(() => {
      conn.queries--;
      this.#running.delete(queryId);
    });
  }

  cancel(conn: Connection, queryId: string) {
    this.#find(conn, queryId)?.control.cancel();
  }

  pause(conn: Connection, queryId: string, pause: boolean) {
    const r = this.#find(conn, queryId);
    // The paused/resumed event goes through the query's stream (seq, log, rooms, observers), like any other.
    if (r && !(pause ? r.control.pause() : r.control.resume())) {
      conn.fail(
        "invalid_request",
        `Query ${queryId} is ${pause ? "already paused" : "not paused"}.`,
        queryId,
      );
    }
  }

  /** Answers a query's clarification. Its state is the query's own `clarification_needed` event in the event
   * log (Redis Streams when configured), so any instance can answer it; the answer runs as a new query in the
   * same session (which also remembers the exchange in session memory). */
  async clarify(conn: Connection, queryId: string, answer: string) {
    const pending = await pendingClarification(this.o.log, queryId);
    if (!pending) {
      return conn.fail("not_found", `Query ${queryId} is not waiting for a clarification.`, queryId);
    }
    const a = answerClarification(answer, pending.clarification);
    if (!a) {
      const options = pending.clarification.options.map((o, i) => `${i + 1}. ${o}`).join("; ");
      return conn.fail("invalid_parameter", `Answer with one of: ${options}`, queryId);
    }
    const session = pending.session ? { session_id: pending.session } : {};
    this.start(conn, { query: a.text, ...session }, undefined, queryId);
  }

  /** The running query, or a not_found notice to the connection. */
  #find(conn: Connection, queryId: string): Running | undefined {
    const r = this.#running.get(queryId);
    if (!r) conn.fail("not_found", `No running query ${queryId}.`, queryId);
    return r;
  }
}

/** The clarification a query asked for, read from its logged events. */
async function pendingClarification(log: EventLog, queryId: string) {
  let asked: QueryEvent | undefined;
  let events: QueryEvent[] = [];
  // The event is fanned out as its log write is sent: an answer typed at once may arrive before the write lands.
  for (let i = 0; i < 4 && !asked; i++) {
    if (i) await new Promise((r) => setTimeout(r, 50));
    events = await log.since(queryId, 0).catch(() => [] as QueryEvent[]);
    asked = events.find((e) => e.type === "clarification_needed");
  }
  if (!asked) return undefined;
  const c = asked.data.clarification as { question: string; options: string[]; suggested_queries?: string[] };
  const session = events.find((e) => e.type === "accepted")?.data.session_id;
  return {
    clarification: { question: c.question, options: c.options, rewrites: c.suggested_queries ?? [] },
    session: typeof session === "string" ? session : undefined,
  };
}
