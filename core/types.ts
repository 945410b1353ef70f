/** @module Types of the query contract (DESIGN.md §3 and §5). */
import type { ErrorBody } from "./errors.ts";
import type { Provenance } from "./tools/context.ts";
import type { PropertyFilter } from "./tools/compare_filter_rank.ts";

export const INTENT_TYPES = [
  "compound_lookup",
  "property_query",
  "property_comparison",
  "property_filter",
  "similarity_search",
  "substructure_search",
  "target_query",
  "reverse_target_query",
  "target_comparison",
  "batch_query",
  "multi_step_workflow",
  "unknown",
  "out_of_scope",
] as const;
export type IntentType = typeof INTENT_TYPES[number];

export interface EntityRef {
  text: string;
  id?: string;
  /** "reference": named only as the yardstick of a relative constraint ("fewer HBD than celecoxib"). */
  role?: "reference";
}

export interface Entities {
  compounds: EntityRef[];
  smiles: string[];
  targets: EntityRef[];
  properties: string[];
  filters: PropertyFilter[];
  threshold?: number;
  limit?: number;
  /** "which has higher LogP": the property and direction asked about. */
  comparison?: { property: string; direction: "higher" | "lower" };
  /** Ordered follow-up actions joined by connectors ("… and get their targets"). */
  then?: string[];
  /** Potency asked of a source with bioactivities: standard types, value ceiling (nM), pChEMBL floor. */
  potency?: { types: ("IC50" | "Ki" | "Kd" | "EC50")[]; max_nm?: number; min_pchembl?: number };
  /** Raw constraints that cannot be answered offline (e.g. IC50 < 50 nM). */
  unsupported?: string[];
  /** Drug classes named ("NSAIDs", "kinase inhibitors"). */
  classes?: EntityRef[];
  /** Constraints relative to a reference compound ("fewer HBD than celecoxib"); than null = the query compound. */
  relative?: { property: string; op: "<" | ">" | "="; than: string | null }[];
  /** Development status asked for ("approved" = phase 4, "phase 3"). */
  phase?: { min?: number; max?: number };
  /** Year of first approval asked for ("approved after 2010"). */
  approval_year?: { min?: number; max?: number };
  /** Route of administration asked for ("oral"). */
  route?: string;
}

export interface Intent {
  type: IntentType;
  confidence: number;
  source: "rules" | "llm" | "context";
  entities: Entities;
}

/** A reference to (part of) an earlier step's result, resolved by the executor. */
export interface StepRef {
  $from: string;
  path: string;
}

export interface Step {
  id: string;
  tool: string;
  args: Record<string, unknown>;
  depends_on: string[];
  /** Run the tool once per item of a list from an earlier step, binding each item to `as`. */
  for_each?: { $from: string; path: string; as: string; max?: number };
  /** Human label shown in progress UIs. */
  label?: string;
}

export interface Plan {
  steps: Step[];
  /** Present when a batch named more inputs than MAX_BATCH: only the first `used` were planned. */
  truncated?: { given: number; used: number };
}

/** How the question's words were consumed (DESIGN.md §3): what was used, what was not, what was corrected. */
export interface Understanding {
  used: { text: string; start: number; end: number; as: string; value?: string }[];
  /** Content words the answer did not use. */
  unused: { text: string; start: number; end: number }[];
  corrections: { from: string; to: string }[];
}

export type QueryStatus = "success" | "partial" | "error" | "clarification_needed";

export interface QueryRequest {
  query: string;
  session_id?: string;
  options?: { cache?: boolean; llm?: "auto" | "off"; limit?: number; parallel?: boolean };
}

export interface QueryResponse {
  query_id: string;
  session_id?: string;
  status: QueryStatus;
  success: boolean;
  intent: Intent;
  plan: Plan;
  result: Record<string, unknown>;
  answer: string;
  error?: ErrorBody;
  clarification?: { question: string; options: string[]; suggested_queries?: string[] };
  provenance: Provenance[];
  cached: boolean;
  cache_tier?: string;
  timing_ms: { total: number; parse: number; plan: number; execute: number };
  understanding: Understanding;
  /** What was not available or not used, and assumptions made. */
  notes: string[];
}

/** Who asked a query: a person or client (`user`), the cache warmer (`warmup`), or a health probe (`probe`).
 * Carried by the query's `accepted` event; dashboards count user traffic unless asked for all. */
export const QUERY_ORIGINS = ["user", "warmup", "probe"] as const;
export type QueryOrigin = typeof QUERY_ORIGINS[number];

export const EVENT_TYPES = [
  "accepted",
  "parsing",
  "planning",
  "step_start",
  "step_complete",
  "step_error",
  "partial_result",
  "clarification_needed",
  "paused",
  "resumed",
  "cancelled",
  "rate_limited",
  "result",
  "error",
  "pong",
] as const;
export type EventType = typeof EVENT_TYPES[number];

export interface QueryEvent {
  type: EventType;
  query_id: string;
  seq: number;
  event_id: string;
  data: Record<string, unknown>;
  progress: number;
  timestamp: string;
}

/** Receives every event of a query, and the query's `accepted` event (its text, session and request ids), so
 * observers need no per-query state of their own. Declared here, beside QueryEvent, so observers (core/obs)
 * depend on the contract and not on the execution stage that emits it. */
export type EventListener = (event: QueryEvent, accepted?: QueryEvent) => void;

/** One cache observation, emitted as it happens: a tier operation (hit, miss, set, evict, error; `ms` where
 * timed), or how a cached read was served in the end. Observers (metrics) subscribe; the cache knows none. */
export type CacheEvent =
  | {
    type: "tier";
    tier: string;
    kind: string;
    outcome: "hit" | "miss" | "set" | "evict" | "error";
    ms?: number;
  }
  | { type: "request"; kind: string; served: "cache" | "compute" };

/** What a cache offers its observers: its events, and its size when asked (for gauges read at scrape time). */
export interface ObservableCache {
  onEvent(listener: (e: CacheEvent) => void): void;
  size(): { l1_entries: number; l1_bytes: number; l2: boolean; l2_healthy: boolean };
}
