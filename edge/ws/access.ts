/** @module Who may touch what when authentication is on: sessions and queries belong to the token's `sub`,
 * operator rooms and endpoints need the admin role. Off (single-user/dev mode), everything is allowed. */
import { ChemAgentError, type ErrorBody, type RedisClient, type SessionStore } from "../../core/mod.ts";
import type { Principal } from "./auth.ts";
import type { ClientMessage } from "./protocol.ts";

/** Owner (`sub`) of each query, for replay and control; in memory, mirrored to Redis when instances share. */
export class QueryOwners {
  readonly #local = new Map<string, string>();
  constructor(
    private readonly redis?: RedisClient,
    private readonly ttlSeconds = 3600,
    private readonly maxLocal = 20_000,
  ) {}
  #key = (q: string) => `chemagent:query-owner:${q}`;

  record(queryId: string, sub: string): void {
    if (this.#local.size >= this.maxLocal) this.#local.delete(this.#local.keys().next().value!);
    this.#local.set(queryId, sub);
    // Same client as the event log: Redis sees the owner before the query's first event.
    void this.redis?.set(this.#key(queryId), sub, "EX", this.ttlSeconds).catch(() => {});
  }

  async ownerOf(queryId: string): Promise<string | undefined> {
    const local = this.#local.get(queryId);
    if (local !== undefined || !this.redis) return local;
    try {
      return (await this.redis.get(this.#key(queryId))) ?? undefined;
    } catch {
      return undefined; // unknown owner: refused (fail closed)
    }
  }
}

export interface AccessOptions {
  /** AUTH_REQUIRED: without it every check passes (behaviour of the single-user/dev mode). */
  enforced: boolean;
  sessions?: SessionStore;
  queries?: QueryOwners;
  adminRole?: string;
}

/**
 * The ownership rules in one place, shared by the HTTP routes and the WebSocket hub.
 *
 * @example
 * ```ts
 * const access = new Access({ enforced: true, sessions: store, queries: new QueryOwners() });
 * if (!(await access.claimSession(principal, "s_1"))) throw new ChemAgentError("not_found", "No session s_1.");
 * ```
 */
export class Access {
  readonly enforced: boolean;
  readonly adminRole: string;
  readonly #sessions?: SessionStore;
  readonly #queries: QueryOwners;

  constructor({ enforced, sessions, queries = new QueryOwners(), adminRole = "admin" }: AccessOptions) {
    this.enforced = enforced;
    this.adminRole = adminRole;
    this.#sessions = sessions;
    this.#queries = queries;
  }

  isAdmin(p: Principal | undefined): boolean {
    return !this.enforced || !!p?.roles?.includes(this.adminRole);
  }

  /**
   * True when `p` may use session `id`: it is theirs, or free and now claimed by them. A store that fails or does
   * not answer within `timeoutMs` throws `upstream_unavailable` (refused, never guessed: fail closed).
   */
  async claimSession(p: Principal | undefined, id: string, timeoutMs = 1000): Promise<boolean> {
    if (!this.enforced) return true;
    if (!p || !this.#sessions) return false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        this.#sessions.claim(id, p.sub),
        new Promise<never>((_, reject) => timer = setTimeout(() => reject(new Error("timeout")), timeoutMs)),
      ]);
    } catch {
      throw new ChemAgentError(
        "upstream_unavailable",
        "The session store is unavailable; try again shortly.",
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** True when the stored session belongs to `p` (sessions without an owner are nobody's when enforced). */
  ownsSession(p: Principal | undefined, session: { owner?: string }): boolean {
    return !this.enforced || (!!p && session.owner === p.sub);
  }

  recordQuery(queryId: string, p: Principal | undefined): void {
    if (this.enforced && p) this.#queries.record(queryId, p.sub);
  }

  async ownsQuery(p: Principal | undefined, queryId: string): Promise<boolean> {
    if (!this.enforced) return true;
    return !!p && (await this.#queries.ownerOf(queryId)) === p.sub;
  }

  /** Rooms: `ops` for admins, `session:<id>` and `query:<id>` for their owner, any other room for anyone. */
  async canJoin(p: Principal | undefined, room: string): Promise<boolean> {
    if (!this.enforced) return true;
    if (room === "ops") return this.isAdmin(p);
    if (room.startsWith("session:")) return await this.claimSession(p, room.slice("session:".length));
    if (room.startsWith("query:")) return await this.ownsQuery(p, room.slice("query:".length));
    return true;
  }

  /**
   * The refusal for a WebSocket message, or undefined when allowed. Another user's session or query is
   * reported as not found (its existence is not revealed); the ops room as forbidden.
   */
  async refusal(p: Principal | undefined, m: ClientMessage): Promise<ErrorBody | undefined> {
    if (!this.enforced) return undefined;
    try {
      return await this.#refusal(p, m);
    } catch (err) {
      if (err instanceof ChemAgentError) return err.toBody();
      throw err;
    }
  }

  async #refusal(p: Principal | undefined, m: ClientMessage): Promise<ErrorBody | undefined> {
    switch (m.action) {
      case "query": {
        // The message is checked by the QueryRequest schema after this; a non-string session is refused there.
        const session = typeof m.session_id === "string" ? m.session_id : undefined;
        return session && !(await this.claimSession(p, session))
          ? { code: "not_found", message: `No session ${session}.` }
          : undefined;
      }
      case "cancel":
      case "pause":
      case "resume":
      case "clarify":
      case "replay":
        return (await this.ownsQuery(p, m.query_id))
          ? undefined
          : { code: "not_found", message: `No query ${m.query_id}.` };
      case "join":
        if (await this.canJoin(p, m.room)) return undefined;
        return m.room === "ops"
          ? { code: "forbidden", message: `The ops room needs the "${this.adminRole}" role.` }
          : { code: "not_found", message: `No room ${m.room}.` };
      default:
        return undefined;
    }
  }
}
