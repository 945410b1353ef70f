/** @module /ui: the query console, the SDK bundle, and the operations dashboard (dashboard/dist). */
import { Hono } from "hono";

const CONSOLE = await Deno.readTextFile(new URL("../ui/console.html", import.meta.url));
const LIBRARIES = await Deno.readTextFile(new URL("../ui/libraries.html", import.meta.url));
const BASE_CSS = await Deno.readTextFile(new URL("../ui/base.css", import.meta.url));
// The SDK bundle built by `deno task sdk:build` (committed, so a fresh clone serves it without a build step).
const SDK = await Deno.readTextFile(new URL("../../sdk/dist/chemagent-sdk.js", import.meta.url));
const DASHBOARD = new URL("../../dashboard/dist/", import.meta.url);
const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  json: "application/json",
};

/** The dashboard's built files, loaded once (a few hundred KB). */
async function loadDashboard(): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const walk = async (dir: URL, prefix: string) => {
    for await (const e of Deno.readDir(dir)) {
      if (e.isDirectory) await walk(new URL(`${e.name}/`, dir), `${prefix}${e.name}/`);
      else files.set(prefix + e.name, await Deno.readFile(new URL(e.name, dir)));
    }
  };
  try {
    await walk(DASHBOARD, "");
  } catch { /* not built: /ui/dashboard answers 404 with a hint */ }
  return files;
}
const DASH = await loadDashboard();

export function uiRoutes() {
  const app = new Hono();
  app.get("/", (c) => c.html(CONSOLE));
  app.get("/libraries", (c) => c.html(LIBRARIES));
  app.get(
    "/base.css",
    (c) => c.body(BASE_CSS, 200, { "content-type": TYPES.css, "cache-control": "no-cache" }),
  );
  app.get(
    "/sdk.js",
    (c) =>
      c.body(SDK, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" }),
  );
  app.get("/dashboard", (c) => c.redirect("/ui/dashboard/"));
  app.get("/dashboard/*", (c) => {
    const path = c.req.path.replace(/^\/ui\/dashboard\/?/, "") || "index.html";
    const file = DASH.get(path);
    if (!file) {
      return c.json({
        success: false,
        error: {
          code: "not_found",
          message: DASH.size ? `No file ${path}` : "Dashboard not built: run `deno task dashboard:build`.",
        },
      }, 404);
    }
    const ext = path.split(".").pop() ?? "";
    return c.body(file as Uint8Array<ArrayBuffer>, 200, {
      "content-type": TYPES[ext] ?? "application/octet-stream",
      "cache-control": path.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache",
    });
  });
  return app;
}
