/** The floor Deno itself puts under ChemAgent's responses, for bench/hit_path.ts: no framework and no work, only
 * the headers ChemAgent sends. GET /health: content-type and x-request-id (echoed or a fresh UUID), the headers
 * every response must carry. GET /bytes/:name: bytes registered with PUT /bytes/:name, with the headers given
 * in its `x-floor-headers` (JSON: a cached answer's own headers) and a fresh x-request-id. Deno serves a
 * response whose only header is content-type on a faster path than any other; these show what ChemAgent's
 * header sets alone cost next to bare Hono, so the hit-path ratios can be read against them. */
const BODY = JSON.stringify({ status: "ok" });
const JSON_INIT = { headers: { "content-type": "application/json" } };
const bodies = new Map<string, { bytes: Uint8Array<ArrayBuffer>; headers: Record<string, string> }>();

Deno.serve({
  port: 0,
  hostname: "127.0.0.1",
  onListen: ({ port }) => console.log(JSON.stringify({ port })),
}, async (req) => {
  const url = new URL(req.url);
  const id = req.headers.get("x-request-id") ?? crypto.randomUUID();
  if (url.pathname === "/health") {
    const res = new Response(BODY, JSON_INIT);
    // Set after construction: cheaper than a two-header init (see edge/fast_path.ts, health).
    res.headers.set("x-request-id", id);
    return res;
  }
  const name = url.pathname.slice("/bytes/".length);
  if (req.method === "PUT") {
    const headers = JSON.parse(req.headers.get("x-floor-headers") ?? "{}");
    bodies.set(name, { bytes: new Uint8Array(await req.arrayBuffer()), headers });
    return new Response(null, { status: 204 });
  }
  const b = bodies.get(name);
  if (!b) return new Response(null, { status: 404 });
  return new Response(b.bytes, { headers: { ...b.headers, "x-request-id": id } });
});
