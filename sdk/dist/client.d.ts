/**
 * @module ChemAgent client SDK for browsers, Deno and Node ≥ 22 (uses the standard WebSocket; no dependencies).
 *
 * @example
 * const client = new ChemAgentClient("ws://localhost:8000/ws");
 * const run = client.query("Find compounds similar to aspirin and get their targets", {
 *   onProgress: (p) => console.log(Math.round(p * 100) + "%"),
 * });
 * for await (const ev of run) console.log(ev.type);
 * const response = await run;
 */
export type EventType = "accepted" | "parsing" | "planning" | "step_start" | "step_complete" | "step_error" | "partial_result" | "clarification_needed" | "paused" | "resumed" | "cancelled" | "result" | "error" | "pong" | "rate_limited";
export interface QueryEvent {
    type: EventType;
    query_id: string;
    seq: number;
    event_id: string;
    data: Record<string, unknown>;
    progress: number;
    timestamp: string;
}
export interface ErrorBody {
    code: string;
    message: string;
    suggestions?: string[];
    /** With rate_limited: when to try again. */
    retry_after_ms?: number;
}
export interface Clarification {
    question: string;
    options: string[];
    suggested_queries?: string[];
}
export interface QueryResponse {
    query_id: string;
    session_id?: string;
    status: "success" | "partial" | "error" | "clarification_needed";
    success: boolean;
    intent: {
        type: string;
        confidence: number;
        source: string;
        entities: Record<string, unknown>;
    };
    plan: {
        steps: {
            id: string;
            tool: string;
            args: Record<string, unknown>;
            depends_on: string[];
        }[];
    };
    result: Record<string, unknown>;
    answer: string;
    error?: ErrorBody;
    clarification?: Clarification;
    provenance: {
        source: string;
        id?: string;
        note?: string;
    }[];
    cached: boolean;
    timing_ms: {
        total: number;
        parse: number;
        plan: number;
        execute: number;
    };
    /** Which words of the question were used (and as what), which were not, and which names were corrected. */
    understanding: {
        used: {
            text: string;
            start: number;
            end: number;
            as: string;
            value?: string;
        }[];
        unused: {
            text: string;
            start: number;
            end: number;
        }[];
        corrections: {
            from: string;
            to: string;
        }[];
    };
    /** What was not available or not used, and assumptions made. */
    notes: string[];
}
export interface ClientOptions {
    /** JWT sent as the subprotocol pair ["bearer", token] on every (re)connect. */
    token?: string;
    /** Reconnection: exponential backoff with full jitter. */
    reconnect?: {
        initialDelayMs?: number;
        maxDelayMs?: number;
        maxAttempts?: number;
    };
    /** A WebSocket implementation (defaults to globalThis.WebSocket). */
    WebSocket?: typeof WebSocket;
    onConnectionChange?: (state: "connecting" | "open" | "closed") => void;
}
export interface QueryOptions {
    sessionId?: string;
    cache?: boolean;
    parallel?: boolean;
    signal?: AbortSignal;
    onEvent?: (e: QueryEvent) => void;
    onProgress?: (progress: number, e: QueryEvent) => void;
    onResult?: (r: QueryResponse) => void;
    onError?: (e: ErrorBody) => void;
    onClarification?: (c: Clarification, answer: (text: string) => void) => void;
}
/** A running query: await it for the final response, or iterate it for events. */
export interface QueryHandle extends PromiseLike<QueryResponse>, AsyncIterable<QueryEvent> {
    readonly queryId: Promise<string>;
    cancel(): void;
    pause(): void;
    resume(): void;
    clarify(answer: string): void;
}
export declare class ChemAgentError extends Error {
    readonly body: ErrorBody;
    constructor(body: ErrorBody);
}
export declare class ChemAgentClient {
    #private;
    readonly url: string;
    constructor(url: string, opts?: ClientOptions);
    /** Opens the connection (queries also open it on demand). */
    connect(): Promise<void>;
    /** Sends a question; returns a handle that is both a promise of the response and an event stream. */
    query(text: string, opts?: QueryOptions): QueryHandle;
    /** Watches a room (e.g. "session:s_123" or "query:q_…"); events arrive through `onRoomEvent`. */
    join(room: string): void;
    leave(room: string): void;
    /** Called for room events of queries this client did not start. */
    set onRoomEvent(fn: ((e: QueryEvent) => void) | undefined);
    close(): void;
    get connected(): boolean;
}
