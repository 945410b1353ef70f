/** @module The agent: owns the dataset, chemistry engine, tools and (optional) cache; answers tool calls and queries. */
import { cacheKey, type LayeredCache, normalizeQuery } from "./cache/mod.ts";
import type { QueryFrequency } from "./cache/frequency.ts";
import { LRUCache } from "lru-cache";
import { type ChemService, createChemPool, type SmilesChecker } from "./chem/mod.ts";
import type { Dataset } from "./data/dataset.ts";
import type { Compound } from "./data/model.ts";
import { normalizeName } from "./data/normalize.ts";
import type { DataSource } from "./data/source.ts";
import { ANYONE, type LibraryStore, type Viewer } from "./data/libraries/store.ts";
import { embeddedSource } from "./data/sources/embedded.ts";
import { ChemAgentError, type ErrorCode } from "./errors.ts";
import type { QueryControl } from "./execute/control.ts";
import { type EventListener, EventStream, newId } from "./execute/events.ts";
import { type Parsed, parseQuestion } from "./intent/parse.ts";
import { planFor } from "./plan/mod.ts";
import { runPipeline } from "./query_pipeline.ts";
import { withSpan } from "./obs/tracing.ts";
import { findLibraryScope } from "./intent/library_scope.ts";
import { clarificationFor } from "./intent/clarify.ts";
import {
  answerClarification,
  type Exchange,
  resolveFollowUp,
  type SessionStore,
  summarizeResponse,
} from "./memory/mod.ts";
import { SHARED_RESPONSE } from "./answer/serialize.ts";
import {
  cleanReference,
  type CompoundSummary,
  invokeTool,
  resolveCompound,
  SubstructureIndex,
  summarize,
  toolByName,
  type ToolContext,
  type ToolOutput,
  TOOLS,
} from "./tools/mod.ts";
import type { Plan, QueryOrigin, QueryRequest, QueryResponse } from "./types.ts";

export interface AgentOptions {
  source?: DataSource;
  /** Chemistry (a pool of RDKit workers); createAgent starts one when none is given. */
  chem?: ChemService;
  /** Pool size and per-call deadline when createAgent starts the pool. */
  chemWorkers?: number;
  chemTimeoutMs?: number;
  /** Per-step timeout for tool calls (ms). */
  stepTimeoutMs?: number;
  /** Longest accepted question (characters). */
  maxQueryLength?: number;
  /** Multi-tier cache for tool results and whole responses; none = always compute. */
  cache?: LayeredCache;
  /** Where recent questions are counted (for warming); optional. */
  frequency?: QueryFrequency;
  /** Listeners that see every query's events (metrics, logs, replay). */
  observers?: EventListener[];
  /** Conversation memory (SQLite or Redis); without it every question stands alone. */
  memory?: SessionStore;
  /** Exchanges used to resolve follow-ups (default 5). */
  contextWindow?: number;
  /** How long an answer waits for the session store to read or confirm a turn (default 3000 ms): long enough
   * to ride out a Redis failover, after which the answer says the turn was not read/saved instead of bluffing. */
  memoryWaitMs?: number;
  /** Users' own compound libraries (searchable by the tools and named in questions). */
  libraries?: LibraryStore;
  /** Libraries belong to their uploader (auth on): a call that names no viewer sees no library (fail closed). */
  privateLibraries?: boolean;
  /** Second opinion for low-confidence questions (the LLM layer). */
  refiner?: (
    parsed: Parsed,
    text: string,
    signal?: AbortSignal,
  ) => Promise<{ parsed: Parsed; note?: string } | null>;
}

export interface QueryOptions {
  queryId?: string;
  /** Correlation id of the HTTP request or WebSocket connection that asked. */
  requestId?: string;
  signal?: AbortSignal;
  onEvent?: EventListener;
  /** Awaited before each step (pause/resume between steps). */
  gate?: () => Promise<void>;
  /** Pause/resume/cancel from the transport; pause and resume become events of this query's stream. */
  control?: QueryControl;
  parallel?: boolean;
  /** Who asked (default `user`): warm-up and probe queries are kept out of user-traffic figures. */
  origin?: QueryOrigin;
  /** The caller, for library visibility (auth on: only their own libraries). */
  viewer?: Viewer;
}

/** Error outcomes that depend only on the question and the dataset, so caching them is safe. */
const CACHEABLE_ERRORS = new Set<ErrorCode>([
  "not_found",
  "out_of_scope",
  "unrecognized_query",
  "incomplete_query",
  "ambiguous_input",
  "invalid_smiles",
  "invalid_parameter",
  "input_too_complex",
]);

export class Agent {
  readonly data: Dataset;
  readonly chem: ChemService;
  readonly substructures: SubstructureIndex;
  readonly stepTimeoutMs: number;
  readonly maxQueryLength: number;
  readonly cache?: LayeredCache;
  readonly frequency?: QueryFrequency;
  readonly observers: EventListener[];
  readonly memory?: SessionStore;
  readonly contextWindow: number;
  readonly memoryWaitMs: number;
  readonly refiner?: AgentOptions["refiner"];
  readonly libraries?: LibraryStore;
  /** Who a call without a viewer is: anyone (auth off), or nobody (auth on). */
  readonly #defaultViewer: Viewer;
  /** Normalised text and response-cache key of recent questions: a repeated question (the cached path) skips
   * NFKC normalisation, stable JSON and SHA-256 (≈ 3.4 µs of a ≈ 55 µs in-process cached answer). */
  readonly #keys = new LRUCache<string, { text: string; key: string }>({ max: 1_000 });

  constructor(data: Dataset, chem: ChemService, opts: AgentOptions = {}) {
    this.data = data;
    this.chem = chem;
    this.substructures = new SubstructureIndex(data, chem);
    this.stepTimeoutMs = opts.stepTimeoutMs ?? 10_000;
    this.maxQueryLength = opts.maxQueryLength ?? 2000;
    this.cache = opts.cache;
    this.frequency = opts.frequency;
    this.observers = opts.observers ?? [];
    this.memory = opts.memory;
    this.contextWindow = opts.contextWindow ?? 5;
    this.memoryWaitMs = opts.memoryWaitMs ?? 3000;
    this.refiner = opts.refiner;
    this.libraries = opts.libraries;
    this.#defaultViewer = opts.privateLibraries ? { enforced: true } : ANYONE;
  }

  /** The viewer of a call that names none (transports without a caller, e.g. MCP over stdio). */
  get defaultViewer(): Viewer {
    return this.#defaultViewer;
  }

  context(signal?: AbortSignal, viewer: Viewer = this.#defaultViewer): ToolContext {
    return {
      data: this.data,
      chem: this.chem,
      substructures: this.substructures,
      signal,
      ...(this.libraries ? { libraries: this.libraries, viewer } : {}),
    };
  }

  /** Runs one tool by name with raw (unvalidated) arguments; results are cached per tool + args + dataset. */
  async runTool(
    name: string,
    args: unknown,
    signal?: AbortSignal,
    opts: { cache?: boolean; viewer?: Viewer } = {},
  ): Promise<ToolOutput & Record<string, unknown>> {
    const tool = toolByName(name);
    if (!tool) {
      throw new ChemAgentError(
        "not_found",
        `Unknown tool "${name.slice(0, 100)}". Tools: ${Object.keys(TOOLS).join(", ")}.`,
        { suggestions: Object.keys(TOOLS), details: { tools: Object.keys(TOOLS) } },
      );
    }
    const run = async () =>
      await invokeTool(tool, args, this.context(signal, opts.viewer)) as ToolOutput & Record<string, unknown>;
    // Library searches are per user and cheap to repeat: never shared through the cache.
    if (!this.cache || opts.cache === false || usesLibrary(args)) return await run();
    const key = cacheKey("tool", name, args, this.data.version);
    const r = await this.cache.getOrCompute(key, run, {
      tags: (v) => [`tool:${name}`, "source:chembl", `dataset:${this.data.version}`, ...compoundTags(v)],
      label: `${name} ${JSON.stringify(args).slice(0, 80)}`,
    });
    return r.value;
  }

  /** Understands a question (no LLM) and plans it; no tool runs. */
  async understand(text: string, opts: { limit?: number } = {}): Promise<{ parsed: Parsed; plan: Plan }> {
    const chem = await this.#smilesChecker(text);
    const parsed = parseQuestion(text, { data: this.data, chem, maxLength: this.maxQueryLength });
    return { parsed, plan: planFor(parsed, opts) };
  }

  /**
   * Judges the question's SMILES-looking tokens in a worker (none → no round trip), so the synchronous
   * parser never runs RDKit on this thread. A failure (timeout, cancel) surfaces when the parser asks.
   */
  async #smilesChecker(text: unknown, signal?: AbortSignal): Promise<SmilesChecker> {
    if (typeof text !== "string") {
      return FAILING_CHECKER(new ChemAgentError("invalid_request", "No question."));
    }
    try {
      // Up to 10× the question limit: a question made long by one huge structure is refused for the
      // structure (preScreen rejects over-long tokens without a worker round trip).
      return await this.chem.smilesChecker(text.slice(0, this.maxQueryLength * 10 + 1), { signal });
    } catch (e) {
      return FAILING_CHECKER(e);
    }
  }

  /** Answers a natural-language question, streaming QueryEvents to `onEvent`. Never throws. */
  query(req: QueryRequest, opts: QueryOptions = {}): Promise<QueryResponse> {
    const queryId = opts.queryId ?? newId("q");
    return withSpan("query", {
      "chemagent.query_id": queryId,
      ...(opts.requestId ? { "chemagent.request_id": opts.requestId } : {}),
    }, async (span) => {
      const r = await this.#query(req, { ...opts, queryId });
      span.setAttributes({
        "chemagent.status": r.status,
        "chemagent.intent": r.intent.type,
        "chemagent.cached": r.cached,
      });
      return r;
    });
  }

  /**
   * The hit path: a question without a session whose answer is fresh in L1, answered with the same events
   * (accepted, result), cache statistics and frequency count as `query()` would give it, without the pipeline,
   * the span or an awaited tier. `shared` is the cached entry itself (stable: transports keep its encoded bytes
   * beside it); undefined when the answer is not in L1 — then call `query()`.
   */
  cachedAnswer(
    req: QueryRequest,
    opts: { requestId?: string; origin?: QueryOrigin } = {},
  ): { response: QueryResponse; shared: QueryResponse } | undefined {
    if (!this.cache || req.session_id || req.options?.cache === false || typeof req.query !== "string") {
      return undefined;
    }
    if (this.namesLibrary(req.query)) return undefined;
    const t0 = performance.now();
    const { text, key } = this.#queryKey(req.query, req.options?.limit ?? null);
    const shared = this.cache.peekFresh(key, text.slice(0, 120)) as QueryResponse | undefined;
    if (!shared) return undefined;
    this.frequency?.record(text).catch(() => {});
    const queryId = newId("q");
    const events = this.eventStream(queryId);
    emitAccepted(events, req, opts);
    const own = {
      query_id: queryId,
      cached: true,
      cache_tier: "l1" as const,
      timing_ms: { total: Math.round((performance.now() - t0) * 1000) / 1000, parse: 0, plan: 0, execute: 0 },
    };
    // One copy of the entry (it never carries a session id unless the asker's session was stored with it).
    let response: QueryResponse;
    if (!("session_id" in shared)) response = { ...shared, ...own };
    else {
      const { session_id: _computedFor, ...common } = shared;
      response = { ...common, ...own };
    }
    Object.defineProperty(response, SHARED_RESPONSE, { value: shared, enumerable: false });
    emitOutcome(events, response); // cached answers are only success, partial or a cacheable error
    return { response, shared };
  }

  /**
   * True when the question names a library (anyone's, or says "library"): such answers depend on who asks and
   * on uploads, so they never go through the shared response cache.
   */
  namesLibrary(text: string): boolean {
    const libraries = this.libraries;
    if (!libraries) return false;
    // Remembered per text until the library set changes: the name match is word-level NLP, and every cache
    // hit asks it (it was ~6% of a hit's CPU).
    if (this.#namesSeen.generation !== libraries.generation || this.#namesSeen.byText.size >= 4096) {
      this.#namesSeen = { generation: libraries.generation, byText: new Map() };
    }
    let names = this.#namesSeen.byText.get(text);
    if (names === undefined) {
      try {
        names = /\b(?:library|libraries|collection|lib)\b/i.test(text) ||
          !!findLibraryScope(text, libraries, ANYONE);
      } catch {
        names = true;
      }
      this.#namesSeen.byText.set(text, names);
    }
    return names;
  }
  #namesSeen = { generation: -1, byText: new Map<string, boolean>() };

  /** The one event stream of a query: every event it emits reaches the observers and `onEvent`. */
  eventStream(queryId: string, onEvent?: EventListener): EventStream {
    const listeners = onEvent ? [...this.observers, onEvent] : this.observers;
    return new EventStream(
      queryId,
      listeners.length === 1 ? listeners[0] : (e, accepted) => {
        for (const l of listeners) {
          try {
            l(e, accepted);
          } catch {
            // One failing observer (e.g. a rollup write to a busy SQLite file) must not starve the others.
          }
        }
      },
    );
  }

  async #query(req: QueryRequest, opts: QueryOptions & { queryId: string }): Promise<QueryResponse> {
    const queryId = opts.queryId;
    const events = this.eventStream(queryId, opts.onEvent);
    opts = underControl(opts, events);
    const t0 = performance.now();
    emitAccepted(events, req, opts);
    // Conversation: resolve follow-ups and clarification answers against the session's recent exchanges.
    const { exchanges: context, unread } = await this.#context(req.session_id);
    const resolved = typeof req.query === "string" && context.length
      ? this.#resolve(req.query, context, await this.#smilesChecker(req.query, opts.signal))
      : null;
    const useCache = !!this.cache && req.options?.cache !== false && typeof req.query === "string" &&
      !!req.query.trim() && !resolved && !this.namesLibrary(req.query);
    const run = () => this.#runPipeline(req, resolved, events, opts);
    let response: QueryResponse;
    if (useCache) {
      const { text: normalized, key } = this.#queryKey(req.query, req.options?.limit ?? null);
      this.frequency?.record(normalized).catch(() => {});
      let computedHere = false;
      const r = await this.cache!.getOrCompute(key, async () => {
        computedHere = true;
        return await run();
      }, {
        cacheable: (v) => {
          const resp = v as QueryResponse;
          return resp.status === "success" || resp.status === "partial" ||
            (!!resp.error && CACHEABLE_ERRORS.has(resp.error.code));
        },
        tags: (v) => queryTags(v as QueryResponse, this.data.version),
        label: normalized.slice(0, 120),
      });
      const { session_id: _other, ...shared } = r.value;
      response = computedHere ? r.value : {
        ...shared,
        query_id: queryId,
        ...(req.session_id ? { session_id: req.session_id } : {}),
        cached: true,
        cache_tier: r.tier === "compute" ? "l1" : r.tier,
        timing_ms: {
          total: Math.round((performance.now() - t0) * 1000) / 1000,
          parse: 0,
          plan: 0,
          execute: 0,
        },
      };
      if (!computedHere) {
        Object.defineProperty(response, SHARED_RESPONSE, { value: r.value, enumerable: false });
      }
    } else {
      response = await run();
    }
    if (req.session_id && this.memory) {
      const saved = await this.#remember(req.session_id, req.query, resolved?.text, response);
      const notes = [...(unread ? [MEMORY_UNREAD] : []), ...(saved ? [] : [MEMORY_UNSAVED])];
      // A copy: `response` may be the object the cache holds.
      if (notes.length) response = { ...response, notes: [...response.notes, ...notes] };
    }
    opts.control?.finish();
    emitOutcome(events, response);
    return response;
  }

  /** The pipeline for this question (or the question it was resolved to from the conversation). */
  async #runPipeline(
    req: QueryRequest,
    resolved: { text: string; how: string } | null,
    events: EventStream,
    opts: QueryOptions,
  ): Promise<QueryResponse> {
    const effective: QueryRequest = resolved ? { ...req, query: resolved.text } : req;
    const toolCache = req.options?.cache === false ? false : undefined;
    return await runPipeline(effective, events, {
      parse: {
        data: this.data,
        chem: await this.#smilesChecker(effective.query, opts.signal),
        maxLength: this.maxQueryLength,
      },
      runTool: (tool, args, signal) =>
        this.runTool(tool, args, signal, { cache: toolCache, viewer: opts.viewer }),
      stepTimeoutMs: this.stepTimeoutMs,
      datasetLabel: sourceLine(this.data),
      clarify: (parsed, text) => clarificationFor(parsed, text, this.data),
      ...(this.libraries
        ? {
          scope: (text: string) =>
            findLibraryScope(text, this.libraries!, opts.viewer ?? this.#defaultViewer),
        }
        : {}),
      ...(this.refiner && req.options?.llm !== "off" ? { refine: this.refiner } : {}),
    }, {
      ...opts,
      ...(req.options?.parallel !== undefined ? { parallel: req.options.parallel } : {}),
      ...(resolved ? { resolved: { original: req.query, how: resolved.how } } : {}),
    });
  }

  #queryKey(query: string, limit: number | null): { text: string; key: string } {
    const memo = limit === null ? query : `${limit}\u0001${query}`;
    let k = this.#keys.get(memo);
    if (!k) {
      const text = normalizeQuery(query);
      this.#keys.set(memo, k = { text, key: cacheKey("query", text, limit, this.data.version) });
    }
    return k;
  }

  async #context(sessionId?: string): Promise<{ exchanges: Exchange[]; unread?: true }> {
    if (!sessionId || !this.memory) return { exchanges: [] };
    try {
      const s = await bounded(this.memory.get(sessionId), this.memoryWaitMs);
      return { exchanges: s?.exchanges.slice(-this.contextWindow) ?? [] };
    } catch {
      return { exchanges: [], unread: true }; // memory tier down: answer without context (and say so)
    }
  }

  #resolve(text: string, context: Exchange[], chem: SmilesChecker): { text: string; how: string } | null {
    if (!context.length) return null;
    const pending = context.at(-1)!.clarification;
    if (pending) {
      const a = answerClarification(text, pending);
      if (a) return a;
    }
    const parse = (t: string) => parseQuestion(t, { data: this.data, chem, maxLength: this.maxQueryLength });
    let own: Parsed;
    try {
      own = parse(text);
    } catch {
      return null;
    }
    const e = own.intent.entities;
    const standalone = !own.dangling && !own.error &&
      (e.compounds.some((c) => c.id) || e.smiles.length || e.targets.length) &&
      !/^\s*(?:and\s+)?(?:what|how)\s+about\b|^\s*and\b|^\s*(?:the\s+)?same\s+for\b/i.test(text);
    if (standalone && !/\b(?:its|their|them|they|those|these|the other|the first|the second)\b/i.test(text)) {
      return null;
    }
    const hasEntity = (t: string) => {
      try {
        const p = parse(t).intent.entities;
        return p.compounds.some((c) => c.id) || p.smiles.length > 0 || p.targets.length > 0;
      } catch {
        return false;
      }
    };
    return resolveFollowUp(text, context, hasEntity);
  }

  async #remember(
    sessionId: string,
    question: string,
    resolved: string | undefined,
    r: QueryResponse,
  ): Promise<boolean> {
    try {
      await bounded(
        this.memory!.append(sessionId, {
          question,
          ...(resolved ? { resolved } : {}),
          intent: r.intent.type,
          status: r.status,
          summary: summarizeResponse(r, this.data),
          ...(r.clarification
            ? {
              clarification: {
                question: r.clarification.question,
                options: r.clarification.options,
                rewrites: r.clarification.suggested_queries ?? [],
              },
            }
            : {}),
          at: Date.now(),
        }),
        this.memoryWaitMs,
      );
      return true;
    } catch {
      // A lost memory write costs context for the next turn, never this answer; the answer says so.
      return false;
    }
  }

  /** Name search for autocomplete and the REST API: exact matches, then prefix, then substring, then "did you mean". */
  async searchCompounds(
    text: string,
    limit = 10,
  ): Promise<{ query: string; total: number; compounds: CompoundSummary[]; suggestions: string[] }> {
    const key = normalizeName(cleanReference(text));
    const found: Compound[] = [];
    const add = (c: Compound) => found.length < limit && !found.includes(c) && found.push(c);
    try {
      add((await resolveCompound(text, this.context())).compound);
    } catch (e) {
      if (!(e instanceof ChemAgentError) || !["not_found", "input_too_complex"].includes(e.code)) throw e;
    }
    if (key.length >= 2) {
      for (const pass of [(n: string) => n.startsWith(key), (n: string) => n.includes(key)]) {
        for (const c of this.data.compounds) {
          if (found.length >= limit) break;
          if ([c.name, ...c.synonyms].some((s) => pass(normalizeName(s)))) add(c);
        }
      }
    }
    const suggestions = found.length ? [] : this.data.compoundSuggestions.suggest(key, 5);
    return { query: text, total: found.length, compounds: found.map(summarize), suggestions };
  }

  /** Builds slow, optional indices in the background (substructure library, suggestion index). */
  warm(): Promise<void> {
    return this.substructures.build().then(() => {
      void this.data.compoundSuggestions;
      void this.data.targetSuggestions;
      void this.data.classes.suggestions;
    });
  }
}

/** With a transport's control (pause/resume/cancel): its events join the query's stream, its signal and gate
 * join the caller's. */
function underControl<O extends QueryOptions>(opts: O, events: EventStream): O {
  const control = opts.control;
  if (!control) return opts;
  control.attach(events);
  const gate = opts.gate;
  return {
    ...opts,
    signal: opts.signal ? AbortSignal.any([opts.signal, control.signal]) : control.signal,
    gate: gate ? async () => (await gate(), await control.gate()) : control.gate,
  };
}

/** The first event of every query: what was asked, by whom, in which session. */
function emitAccepted(events: EventStream, req: QueryRequest, opts: QueryOptions): void {
  events.emit("accepted", {
    query: req.query,
    session_id: req.session_id ?? null,
    origin: opts.origin ?? "user",
    ...(opts.requestId ? { request_id: opts.requestId } : {}),
  }, 0);
}

/** The last event: cancelled, error or result (a clarification already had its own event). */
function emitOutcome(events: EventStream, response: QueryResponse): void {
  if (response.error?.code === "cancelled") events.emit("cancelled", { error: response.error });
  else if (response.status === "error") events.emit("error", { error: response.error, response }, 1);
  else if (response.status !== "clarification_needed") events.emit("result", { response }, 1);
}

/** Said when the session store could not confirm a turn (clients must not count it as remembered). */
export const MEMORY_UNSAVED =
  "This turn was not saved to the conversation (the session store did not confirm it in time); a follow-up may lack its context.";
const MEMORY_UNREAD =
  "The conversation's earlier turns could not be read (the session store did not answer in time); this question was answered on its own.";

/** Waits at most `ms` for a memory operation (a slow store must not hold up answers). */
function bounded<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p,
    new Promise<T>((_, rej) => timer = setTimeout(() => rej(new Error("memory timeout")), ms)),
  ])
    .finally(() => clearTimeout(timer));
}

/** `compound:CHEMBL…` tags for every compound ID a value mentions (bounded scan). */
function compoundTags(v: unknown): string[] {
  const ids = new Set<string>();
  const walk = (x: unknown, depth: number) => {
    if (ids.size >= 200 || depth > 6) return;
    if (typeof x === "string") {
      if (/^CHEMBL\d+$/.test(x) || x.startsWith("DrugCentral:")) ids.add(x);
    } else if (Array.isArray(x)) { for (const y of x.slice(0, 500)) walk(y, depth + 1); }
    else if (x && typeof x === "object") { for (const y of Object.values(x)) walk(y, depth + 1); }
  };
  walk(v, 0);
  return [...ids].map((id) => `compound:${id}`);
}

function queryTags(r: QueryResponse, version: string): string[] {
  return [
    "kind:query",
    "source:chembl",
    `dataset:${version}`,
    `intent:${r.intent.type}`,
    ...new Set(r.plan.steps.map((s) => `tool:${s.tool}`)),
    ...compoundTags([r.intent.entities, r.result]),
  ];
}

/** The answer's source line: which data source and release answered, and what it cannot answer. */
function sourceLine(data: Dataset): string {
  const { info, capabilities } = data.source;
  if (info.driver === "embedded") {
    return `${data.version} (${info.label}); descriptors and similarity computed with RDKit. ` +
      "Offline data: no potency (IC50/Ki) values";
  }
  return `${info.label}, catalogue ${data.version}; similarity and substructure searched with the RDKit ` +
    "cartridge, descriptors computed with RDKit" +
    (capabilities.potency ? "; potency from ChEMBL activities" : "; no activities table: no potency values");
}

/** A checker that fails every question with the error that prevented checking it. */
const FAILING_CHECKER = (e: unknown): SmilesChecker => {
  const fail = (): never => {
    throw e;
  };
  return { isValidSmiles: fail, canonical: fail, inchikey: fail, parseQuery: fail };
};

/** Loads the data source and starts the chemistry workers in parallel and returns a ready agent. */
export async function createAgent(opts: AgentOptions = {}): Promise<Agent> {
  const [data, chem] = await Promise.all([
    (opts.source ?? embeddedSource()).load(),
    opts.chem ?? createChemPool({ size: opts.chemWorkers, timeoutMs: opts.chemTimeoutMs }),
  ]);
  return new Agent(data, chem, opts);
}

/** True when tool arguments name a library (or a library row): such results are never cached. */
function usesLibrary(args: unknown): boolean {
  return !!args && typeof args === "object" &&
    JSON.stringify(args).search(/"library"|"lib_[0-9a-f]{16}:/) >= 0;
}
