/** A bare Hono server on the same Deno, the baseline of bench/hit_path.ts: GET and POST /bytes/:name answer the
 * bytes registered with PUT /bytes/:name (the same bytes ChemAgent answers), /health answers like ChemAgent's. */
import { Hono } from "hono";

const bodies = new Map<string, Uint8Array<ArrayBuffer>>();
const app = new Hono();
app.get("/health", (c) => c.json({ status: "ok" }));
app.put("/bytes/:name", async (c) => {
  bodies.set(c.req.param("name"), new Uint8Array(await c.req.arrayBuffer()));
  return c.body(null, 204);
});
const send = (name: string) =>
  new Response(bodies.get(name), { headers: { "content-type": "application/json" } });
app.get("/bytes/:name", (c) => send(c.req.param("name")));
app.post("/bytes/:name", async (c) => {
  await c.req.arrayBuffer(); // read the request body, as the JSON route does
  return send(c.req.param("name"));
});
Deno.serve({
  port: 0,
  hostname: "127.0.0.1",
  onListen: ({ port }) => console.log(JSON.stringify({ port })),
}, app.fetch);
