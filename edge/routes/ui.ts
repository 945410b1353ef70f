/** @module /ui: the query console (static page; the Preact dashboard is built into dashboard/dist when present). */
import { Hono } from "hono";

const CONSOLE = await Deno.readTextFile(new URL("../ui/console.html", import.meta.url));

export function uiRoutes() {
  const app = new Hono();
  app.get("/", (c) => c.html(CONSOLE));
  return app;
}
