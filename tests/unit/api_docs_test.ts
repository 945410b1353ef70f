/** The committed API reference is exactly what the OpenAPI document renders to (no drift), and the OpenAPI
 * document lists every route the app serves. */
import assert from "node:assert/strict";
import { renderApiReference } from "../../tools/gen_api_docs.ts";
import { openApiDocument } from "../../edge/openapi.ts";

Deno.test("docs/api-reference.md is generated from the OpenAPI document (run deno task docs:api)", async () => {
  const committed = await Deno.readTextFile(new URL("../../docs/api-reference.md", import.meta.url));
  assert.equal(committed, renderApiReference());
});

Deno.test("the OpenAPI document covers every HTTP route of the app", async () => {
  const paths = Object.keys(openApiDocument("t").paths);
  const src = (f: string) => Deno.readTextFile(new URL(`../../edge/${f}`, import.meta.url));
  const app = await src("app.ts");
  // Each mounted router's routes, joined with its mount point, in OpenAPI path syntax.
  const mounts = [...app.matchAll(/app\.route\(\s*"([^"]+)",\s*(\w+)\(/g)];
  const files: Record<string, string> = {
    queryRoutes: "routes/query.ts",
    compoundRoutes: "routes/compounds.ts",
    targetRoutes: "routes/targets.ts",
    cacheRoutes: "routes/cache.ts",
    sessionRoutes: "routes/sessions.ts",
    metricsApiRoutes: "routes/observability.ts",
    alertRoutes: "routes/observability.ts",
    chemistryRoutes: "routes/chemistry.ts",
    healthRoutes: "routes/health.ts",
    metricsRoutes: "routes/metrics.ts",
    wsRoutes: "routes/ws.ts",
  };
  const missing: string[] = [];
  for (const [, mount, fn] of mounts) {
    if (!files[fn]) continue; // the UI router serves pages, not API
    const text = await src(files[fn]);
    // observability.ts holds two routers: take the part of the file that defines this one.
    const body = fn === "alertRoutes"
      ? text.slice(text.indexOf("export function alertRoutes"))
      : fn === "metricsApiRoutes"
      ? text.slice(0, text.indexOf("export function alertRoutes"))
      : text;
    for (const [, route] of body.matchAll(/app\.(?:get|post|delete|put)\(\s*"([^"]+)"/g)) {
      const full = `${mount === "/" ? "" : mount}${route === "/" ? "" : route}`.replace(/:(\w+)/g, "{$1}") ||
        "/";
      if (!paths.includes(full)) missing.push(full);
    }
  }
  assert.deepEqual(missing, []);
});
