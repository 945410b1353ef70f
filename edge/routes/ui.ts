/** @module /ui: the query console (static page; the Preact dashboard is built into dashboard/dist when present). */
import { Hono } from "hono";

const CONSOLE = await Deno.readTextFile(new URL("../ui/console.html", import.meta.url));
// The SDK bundle built by `deno task sdk:build` (committed, so a fresh clone serves it without a build step).
const SDK = await Deno.readTextFile(new URL("../../sdk/dist/chemagent-sdk.js", import.meta.url));

export function uiRoutes() {
  const app = new Hono();
  app.get("/", (c) => c.html(CONSOLE));
  app.get(
    "/sdk.js",
    (c) =>
      c.body(SDK, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" }),
  );
  return app;
}
