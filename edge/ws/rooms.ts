/** @module Rooms: which connections follow a query, a session or the ops room, here and (through the room bus)
 * on every other instance. */
import type { QueryEvent } from "../../core/mod.ts";
import type { Connection } from "./connection.ts";
import { type EventLog, isTerminal } from "./event_log.ts";
import type { RoomBus } from "./room_bus.ts";

export class Rooms {
  readonly #members = new Map<string, Set<Connection>>();

  constructor(private readonly bus: RoomBus) {
    void bus.subscribe((rooms, ev) => this.fanOut(rooms, ev, true));
  }

  join(conn: Connection, room: string) {
    conn.rooms.add(room);
    let set = this.#members.get(room);
    if (!set) this.#members.set(room, set = new Set());
    set.add(conn);
  }

  leave(conn: Connection, room: string) {
    conn.rooms.delete(room);
    this.#members.get(room)?.delete(conn);
  }

  /** Forgets a closed connection in every room it joined. */
  drop(conn: Connection) {
    for (const r of conn.rooms) this.#members.get(r)?.delete(conn);
  }

  /** Whether an event for `room` would reach anyone (a member here, or maybe on another instance). */
  audience(room: string): boolean {
    return this.bus.shared || (this.#members.get(room)?.size ?? 0) > 0;
  }

  /** Delivers an event once to each connection in any of the rooms; a local event also goes to the bus. */
  fanOut(rooms: string[], ev: QueryEvent, remote = false) {
    const seen = new Set<Connection>();
    for (const r of rooms) {
      for (const c of this.#members.get(r) ?? []) {
        if (seen.has(c)) continue;
        seen.add(c);
        c.deliver(ev);
      }
    }
    if (!remote) this.bus.publish(rooms, ev);
  }
}

/** Sends the events of a query after `afterSeq` exactly once, then follows it live if it is still running
 * (here, or on another instance whose events arrive through the room bus and the shared log). */
export async function replay(
  conn: Connection,
  queryId: string,
  afterSeq: number,
  { rooms, log, isRunningHere }: { rooms: Rooms; log: EventLog; isRunningHere: (queryId: string) => boolean },
) {
  const room = `query:${queryId}`;
  // Join first so live events are not missed while the log is read; deliver drops duplicates by seq.
  // Live events that run ahead of the log (it may lag, e.g. during a Redis failover) wait for the gap to fill.
  conn.holdGaps(queryId);
  rooms.join(conn, room);
  if ((conn.lastSeq.get(queryId) ?? 0) < afterSeq) conn.lastSeq.set(queryId, afterSeq);
  try {
    await replayFromLog(conn, queryId, afterSeq, room, { rooms, log, isRunningHere });
  } finally {
    conn.releaseGaps(queryId);
  }
}

async function replayFromLog(
  conn: Connection,
  queryId: string,
  afterSeq: number,
  room: string,
  { rooms, log, isRunningHere }: { rooms: Rooms; log: EventLog; isRunningHere: (queryId: string) => boolean },
) {
  let events = await log.since(queryId, afterSeq);
  for (const ev of events) conn.deliver(ev);
  // The query may still be running on another instance, or have just finished there with its last events not
  // yet in the shared log: keep reading the log until it ends.
  for (let i = 0; i < 50 && !events.some(isTerminal) && !isRunningHere(queryId) && conn.open; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const more = await log.since(queryId, conn.lastSeq.get(queryId) ?? afterSeq);
    for (const ev of more) conn.deliver(ev);
    events = [...events, ...more];
    if (!events.length && afterSeq === 0) break;
  }
  if (!events.length && afterSeq === 0 && !isRunningHere(queryId)) {
    conn.fail("not_found", `No event log for ${queryId} (unknown or expired).`, queryId);
  }
  if (events.some(isTerminal)) rooms.leave(conn, room);
}
