/** @module Cross-instance fan-out of query events to rooms (Redis pub/sub); a no-op locally. */
import type { Redis } from "ioredis";
import type { QueryEvent } from "../../core/mod.ts";

export interface RoomBus {
  publish(rooms: string[], ev: QueryEvent): void;
  subscribe(handler: (rooms: string[], ev: QueryEvent) => void): Promise<void>;
  close(): Promise<void>;
}

export class LocalRoomBus implements RoomBus {
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
  readonly origin = crypto.randomUUID().slice(0, 8);
  constructor(private readonly pub: Redis, private readonly sub: Redis) {}

  publish(rooms: string[], ev: QueryEvent): void {
    this.pub.publish(CHANNEL, JSON.stringify({ o: this.origin, r: rooms, e: ev })).catch(() => {});
  }

  async subscribe(handler: (rooms: string[], ev: QueryEvent) => void): Promise<void> {
    this.sub.on("message", (_c: string, raw: string) => {
      try {
        const m = JSON.parse(raw) as { o: string; r: string[]; e: QueryEvent };
        if (m.o !== this.origin) handler(m.r, m.e);
      } catch { /* not ours */ }
    });
    await this.sub.subscribe(CHANNEL);
  }

  close(): Promise<void> {
    this.sub.disconnect();
    return Promise.resolve();
  }
}
