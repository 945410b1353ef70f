/** The committed API reference is exactly what the OpenAPI document renders to (no drift), and the OpenAPI
 * document lists every route the app serves. */
import assert from "node:assert/strict";
import { renderApiReference } from "../../tools/gen_api_docs.ts";
import { openApiDocument } from "../../edge/openapi.ts";
import { createApp } from "../../edge/app.ts";
import { Metrics } from "../../core/obs/metrics.ts";
import { MetricsStore } from "../../core/obs/metrics_store.ts";
import { AlertEngine } from "../../core/obs/alerts/engine.ts";
import { Hub } from "../../edge/ws/hub.ts";
import { MemoryEventLog } from "../../edge/ws/event_log.ts";
import { LocalRoomBus } from "../../edge/ws/room_bus.ts";
import { testAgent } from "../helpers.ts";

Deno.test("docs/api-reference.md is generated from the OpenAPI document (run deno task docs:api)", async () => {
  const committed = await Deno.readTextFile(new URL("../../docs/api-reference.md", import.meta.url));
  assert.equal(committed, renderApiReference());
});

Deno.test("the OpenAPI document covers every HTTP route of the app", async () => {
  // The app as main.ts composes it (metrics, metrics API, alerts, WebSocket), asked for its routes directly.
  const agent = await testAgent();
  const store = new MetricsStore(":memory:");
  const hub = new Hub({ agent, log: new MemoryEventLog(), bus: new LocalRoomBus(), authRequired: false });
  const app = createApp({
    agent,
    config: { CHEMAGENT_MAX_BODY_BYTES: 65536, corsOrigins: ["*"] },
    metrics: new Metrics(),
    ws: { hub, authRequired: false },
    observability: { store, alerts: new AlertEngine(store, []), showStacks: false },
  });
  store.close();
  const documented = new Set(Object.keys(openApiDocument("t").paths));
  // Pages (the console, dashboard, docs page, the spec itself, favicon, "/" redirect) are not API.
  const page = (p: string) => p === "/" || /^\/(ui|docs|openapi\.json|favicon\.ico)(\/|$)/.test(p);
  const missing = new Set<string>();
  for (const r of app.routes) {
    if (r.method === "ALL" || page(r.path)) continue; // middleware, pages
    const path = r.path.replace(/:(\w+)/g, "{$1}").replace(/(.)\/$/, "$1");
    if (!documented.has(path)) missing.add(`${r.method} ${path}`);
  }
  assert.deepEqual([...missing], []);
});
