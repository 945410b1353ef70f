/** @module Session memory contracts: exchanges of a conversation and the store interface. */
import type { IntentType } from "../types.ts";

/** What a later turn may need from an earlier one (small: ids and names, not whole results). */
export interface ExchangeSummary {
  /** Compounds the question was about, in order. */
  subjects: { id: string; name: string; text: string }[];
  /** Result compounds (similarity/substructure hits, ligands, filtered, ranked), in order. */
  results: { id: string; name: string }[];
  /** Targets involved (asked about or found). */
  targets: { id: string; name: string; gene?: string }[];
}

export interface Exchange {
  question: string;
  /** The question as resolved from context ("What about its targets?" → "targets of Aspirin"). */
  resolved?: string;
  intent: IntentType;
  status: string;
  summary: ExchangeSummary;
  /** A clarification the system asked and the user has not answered yet. */
  clarification?: { question: string; options: string[]; rewrites: string[] };
  at: number;
}

export interface Session {
  id: string;
  created: number;
  updated: number;
  exchanges: Exchange[];
  /** The user (token `sub`) the session belongs to when authentication is on; absent in single-user mode. */
  owner?: string;
}

/** One interface, two drivers (SQLite by default, Redis when REDIS_URL is set). */
export interface SessionStore {
  readonly name: string;
  get(id: string): Promise<Session | null>;
  /** Appends an exchange (creating the session) and trims to the retention limit. */
  append(id: string, exchange: Exchange): Promise<void>;
  delete(id: string): Promise<boolean>;
  /**
   * Makes `owner` the owner of session `id` (creating it, empty, when missing) unless someone else owns it.
   * Resolves true when the session now belongs to `owner`; atomic, so two users cannot both win a new id.
   */
  claim(id: string, owner: string): Promise<boolean>;
  /** Removes sessions idle for longer than the TTL; returns how many. */
  purgeExpired(): Promise<number>;
  count(): Promise<number>;
  close(): Promise<void>;
}

export interface MemoryLimits {
  /** Exchanges kept per session (oldest dropped). */
  maxExchanges: number;
  /** Idle time after which a session expires (ms). */
  ttlMs: number;
}

export const DEFAULT_LIMITS: MemoryLimits = { maxExchanges: 50, ttlMs: 7 * 24 * 3600 * 1000 };
