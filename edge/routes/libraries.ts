/**
 * @module /api/libraries: upload (streamed; SDF, SMILES or CSV; gzip by Content-Encoding or a `.gz` name), list,
 * read and delete a user's own compound libraries. With `Accept: text/event-stream` the upload answers with
 * progress events as SSE (the event envelope of DESIGN.md §5, types `library_progress`, `library_imported`,
 * `error`); otherwise with the JSON envelope once the import is done.
 */
import { type Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import {
  type Agent,
  ChemAgentError,
  importLibrary,
  type ImportProgress,
  isoNow,
  LIBRARY_FORMATS,
  type LibraryFormat,
  type LibraryMeta,
  newId,
  toErrorBody,
  type Viewer,
} from "../../core/mod.ts";
import { ok } from "../envelope.ts";
import type { AuthVariables } from "../middleware/auth/index.ts";
import type { Access } from "../ws/access.ts";

/** Who is asking, for library visibility: the token's subject; ownership enforced when auth is required. */
export function viewerOf(c: Context, access?: Access): Viewer {
  const p = (c as Context<{ Variables: AuthVariables }>).get("principal");
  return { sub: p?.sub, enforced: !!access?.enforced };
}

/** The list view: the description and counts, without the per-record lists. */
const summary = (m: LibraryMeta) => {
  const { rejected_records: _r, duplicate_records: _d, ...report } = m.report;
  return { ...m, report };
};

export interface LibraryRouteOptions {
  agent: Agent;
  access?: Access;
  /** Largest upload (bytes), compressed and decompressed. */
  maxBytes: number;
}

export function libraryRoutes({ agent, access, maxBytes }: LibraryRouteOptions) {
  const app = new Hono<{ Variables: AuthVariables }>();
  const store = () => {
    if (!agent.libraries) {
      throw new ChemAgentError("not_available", "Libraries are not enabled on this server.");
    }
    return agent.libraries;
  };

  app.post("/", async (c) => {
    const t0 = performance.now();
    const libraries = store();
    const q = c.req.query();
    for (const k of Object.keys(q)) {
      if (!["name", "format", "filename"].includes(k)) {
        throw new ChemAgentError(
          "invalid_parameter",
          `Unknown parameter "${k.slice(0, 50)}" (name, format, filename).`,
        );
      }
    }
    if (!q.name) throw new ChemAgentError("invalid_parameter", "name is required (?name=…).");
    if (q.format && !LIBRARY_FORMATS.includes(q.format as LibraryFormat)) {
      throw new ChemAgentError("invalid_parameter", `format must be one of ${LIBRARY_FORMATS.join(", ")}.`);
    }
    const body = c.req.raw.body;
    if (!body) {
      throw new ChemAgentError("invalid_request", "The request has no body: send the file as the body.");
    }
    const encoding = (c.req.header("content-encoding") ?? "identity").toLowerCase();
    if (!["identity", "gzip", "x-gzip"].includes(encoding)) {
      throw new ChemAgentError(
        "invalid_request",
        `Content-Encoding ${encoding.slice(0, 30)} is not supported (gzip is).`,
      );
    }
    const declared = Number(c.req.header("content-length") ?? NaN);
    if (declared > maxBytes) {
      throw new ChemAgentError("payload_too_large", `Body is larger than the limit of ${maxBytes} bytes.`, {
        details: { limit_bytes: maxBytes },
      });
    }
    const options = {
      name: q.name,
      ...(q.filename ? { filename: q.filename } : {}),
      ...(q.format ? { format: q.format as LibraryFormat } : {}),
      gzip: encoding !== "identity" || /^application\/(?:x-)?gzip/.test(c.req.header("content-type") ?? ""),
      maxBytes,
      totalBytes: Number.isFinite(declared) ? declared : null,
      viewer: viewerOf(c, access),
      chem: agent.chem,
      store: libraries,
    };
    if (!/text\/event-stream/.test(c.req.header("accept") ?? "")) {
      const { library, report } = await importLibrary(body, { ...options, signal: c.req.raw.signal });
      return ok(c, { library: summary(library.meta), report }, t0);
    }
    // SSE: progress while the body streams in and records are standardised; the last event is the outcome.
    const importId = newId("imp");
    return streamSSE(c, async (stream) => {
      // A client that goes away cancels the import (its workers' batches are abandoned).
      const ac = new AbortController();
      stream.onAbort(() => ac.abort());
      let seq = 0;
      const send = (type: string, data: Record<string, unknown>, progress: number | null) => {
        const ev = {
          type,
          query_id: importId,
          import_id: importId,
          seq: ++seq,
          event_id: `${importId}:${seq}`,
          data,
          progress,
          timestamp: isoNow(),
        };
        return stream.writeSSE({ event: type, id: ev.event_id, data: JSON.stringify(ev) });
      };
      const fraction = (p: ImportProgress) =>
        p.total_bytes ? Math.min(0.99, Math.round((p.bytes / p.total_bytes) * 1000) / 1000) : null;
      let writing = Promise.resolve();
      try {
        await send("accepted", { name: q.name, import_id: importId }, 0);
        const { library, report } = await importLibrary(body, {
          ...options,
          signal: ac.signal,
          onProgress: (p) => {
            writing = writing.then(() => send("library_progress", { ...p }, fraction(p)));
          },
        });
        await writing;
        await send("library_imported", { library: summary(library.meta), report }, 1);
      } catch (e) {
        await writing.catch(() => {});
        await send("error", { error: toErrorBody(e) }, null);
      }
    });
  });

  app.get("/", (c) => {
    const t0 = performance.now();
    return ok(c, { libraries: store().list(viewerOf(c, access)).map((l) => summary(l.meta)) }, t0);
  });

  app.get("/:id", (c) => {
    const t0 = performance.now();
    const lib = store().get(c.req.param("id"), viewerOf(c, access));
    return ok(c, { library: lib.meta }, t0);
  });

  app.delete("/:id", async (c) => {
    const t0 = performance.now();
    await store().delete(c.req.param("id"), viewerOf(c, access));
    return ok(c, { deleted: true }, t0);
  });

  return app;
}
