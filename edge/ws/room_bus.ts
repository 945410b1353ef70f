/** @module Cross-instance fan-out of query events to rooms (Redis pub/sub; sharded pub/sub on a cluster); a
 * no-op locally. Pub/sub is at-most-once: a message published during a failover may be lost, so clients that
 * reconnect resume from the event log (replay), which is durable. */
import { isCluster, type QueryEvent, type RedisClient } from "../../core/mod.ts";

export interface RoomBus {
  /** Whether other instances can hear what is published (a room without local members may still have some). */
  readonly shared: boolean;
  publish(rooms: string[], ev: QueryEvent): void;
  subscribe(handler: (rooms: string[], ev: QueryEvent) => void): Promise<void>;
  close(): Promise<void>;
}

export class LocalRoomBus implements RoomBus {
  readonly shared = false;
  publish(): void {}
  subscribe(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const CHANNEL = "chemagent:ws:events";

export class RedisRoomBus implements RoomBus {
  readonly shared = true;
  readonly origin = crypto.randomUUID().slice(0, 8);
  constructor(private readonly pub: RedisClient, private readonly sub: RedisClient) {}

  publish(rooms: string[], ev: QueryEvent): void {
    const m = JSON.stringify({ o: this.origin, r: rooms, e: ev });
    (isCluster(this.pub) ? this.pub.spublish(CHANNEL, m) : this.pub.publish(CHANNEL, m)).catch(() => {});
  }

  async subscribe(handler: (rooms: string[], ev: QueryEvent) => void): Promise<void> {
    const sharded = isCluster(this.sub);
    this.sub.on(sharded ? "smessage" : "message", (c: string, raw: string) => {
      if (c !== CHANNEL) return;
      try {
        const m = JSON.parse(raw) as { o: string; r: string[]; e: QueryEvent };
        if (m.o !== this.origin) handler(m.r, m.e);
      } catch { /* not ours */ }
    });
    await (sharded ? this.sub.ssubscribe(CHANNEL) : this.sub.subscribe(CHANNEL));
  }

  close(): Promise<void> {
    this.sub.disconnect();
    return Promise.resolve();
  }
}
