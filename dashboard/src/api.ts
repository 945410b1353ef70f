/** Data access: the API base (same origin by default, `?api=` for a standalone deployment), polling hooks,
 * and the live ops feed over WebSocket through the ChemAgent SDK. */
import { useEffect, useRef, useState } from "preact/hooks";
import { ChemAgentClient, type QueryEvent } from "../../sdk/client.ts";
import type { QueryRecord } from "./types.ts";

const params = new URLSearchParams(location.search);
export const API = (params.get("api") ??
  (globalThis as { CHEMAGENT_API?: string }).CHEMAGENT_API ?? location.origin)
  .replace(
    /\/$/,
    "",
  );

export async function getJson<T>(path: string): Promise<T> {
  const r = await fetch(API + path);
  const body = await r.json();
  if (!r.ok || body.success === false) {
    throw new Error(body.error?.message ?? `HTTP ${r.status}`);
  }
  return body.result as T;
}

/** Fetches `path` now, every `refreshMs`, and whenever `bump` changes (live events). */
export function useApi<T>(
  path: string,
  bump = 0,
  refreshMs = 10_000,
): { data?: T; error?: string } {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  useEffect(() => {
    let alive = true;
    const load = () =>
      getJson<T>(path).then(
        (data) => alive && setState({ data }),
        (e) => alive && setState((s) => ({ ...s, error: String(e.message) })),
      );
    load();
    const t = setInterval(load, refreshMs);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, [path, bump]);
  return state;
}

export interface LiveEvent {
  at: number;
  query_id: string;
  type: string;
  status: string;
  /** Who asked: user, warmup or probe. */
  origin: string;
  intent: string;
  cached: boolean;
  ms: number;
  error?: { code: string; message: string };
}

/** Newest first, each query once (a query finishing while the page loads can arrive both ways). */
function merge(newer: LiveEvent[], older: LiveEvent[]): LiveEvent[] {
  const seen = new Set(newer.map((e) => e.query_id));
  return [...newer, ...older.filter((e) => !seen.has(e.query_id))].slice(
    0,
    200,
  );
}

/** Live feed of finished queries (room "ops"), starting from the most recent ones already answered so the
 * page is not empty before the next query; `version` changes on every event. */
export function useLive(): {
  events: LiveEvent[];
  version: number;
  connected: boolean;
} {
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [connected, setConnected] = useState(false);
  const client = useRef<ChemAgentClient | undefined>(undefined);
  useEffect(() => {
    const ws = API.replace(/^http/, "ws") + "/ws";
    const c = new ChemAgentClient(ws, {
      onConnectionChange: (s) => setConnected(s === "open"),
    });
    c.onRoomEvent = (e: QueryEvent) => {
      const d = e.data as Omit<LiveEvent, "at" | "query_id" | "type">;
      setEvents((xs) =>
        merge(
          [{ at: Date.now(), query_id: e.query_id, type: e.type, ...d }],
          xs,
        )
      );
    };
    c.join("ops");
    // Every origin: the page filters (the "include internal" toggle) without reconnecting.
    getJson<{ queries: QueryRecord[] }>(
      "/api/metrics/queries?limit=200&origin=all",
    ).then(({ queries }) =>
      setEvents((xs) =>
        merge(
          xs,
          queries.map((q) => ({
            at: q.ts,
            query_id: q.query_id,
            type: q.status === "error" ? "error" : "result",
            status: q.status,
            origin: q.origin ?? "user",
            intent: q.intent,
            cached: q.cached,
            ms: q.ms,
            ...(q.error_code
              ? {
                error: { code: q.error_code, message: q.error_message ?? "" },
              }
              : {}),
          })),
        )
      )
    ).catch(() => {}); // the live feed still works without the backlog
    client.current = c;
    return () => c.close();
  }, []);
  return { events, version: events.length ? events[0].at : 0, connected };
}

/** CSV download of rows (objects with the same keys). */
export function downloadCsv(
  name: string,
  records: readonly object[] | undefined,
) {
  const rows = (records ?? []) as readonly Record<string, unknown>[];
  if (!rows.length) return;
  const keys = Object.keys(rows[0]);
  const esc = (v: unknown) => {
    const s = typeof v === "object" && v !== null ? JSON.stringify(v) : String(v ?? "");
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const csv = [
    keys.join(","),
    ...rows.map((r) => keys.map((k) => esc(r[k])).join(",")),
  ].join("\n");
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
  a.download = name;
  a.click();
}
