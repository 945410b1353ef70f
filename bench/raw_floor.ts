/** The floor Deno itself puts under ChemAgent's responses, for bench/hit_path.ts: no framework and no work but
 * what the HTTP contract asks of every response, built the cheapest way measured on Deno 2.9.6 (a synchronous
 * handler; a Response with one JSON content-type, the other headers set afterwards; a hit cloned from a
 * template). GET /health: echo x-request-id or send a fresh UUID. GET /bytes/:name: the bytes registered with
 * PUT /bytes/:name and the headers in its `x-floor-headers` (a cached answer's own), plus the request's id;
 * it reads If-None-Match and Accept-Encoding as a hit must. Reading one request header is what costs most:
 * Deno builds the request's Headers object on first access (~15% of a bare /health). */
const BODY = JSON.stringify({ status: "ok" });
const JSON_INIT = { headers: { "content-type": "application/json" } };
const templates = new Map<string, Response>();

Deno.serve({
  port: 0,
  hostname: "127.0.0.1",
  onListen: ({ port }) => console.log(JSON.stringify({ port })),
}, (req) => {
  const url = req.url;
  const path = url.slice(url.indexOf("/", url.indexOf("//") + 2));
  const id = req.headers.get("x-request-id") ?? crypto.randomUUID();
  if (path === "/health") {
    const res = new Response(BODY, JSON_INIT);
    res.headers.set("x-request-id", id);
    return res;
  }
  const name = path.slice("/bytes/".length);
  if (req.method === "PUT") return register(req, name);
  req.headers.get("if-none-match");
  req.headers.get("accept-encoding");
  const tpl = templates.get(name);
  if (!tpl) return new Response(null, { status: 404 });
  const res = tpl.clone();
  res.headers.set("x-request-id", id);
  return res;
});

async function register(req: Request, name: string): Promise<Response> {
  const headers = JSON.parse(req.headers.get("x-floor-headers") ?? "{}");
  templates.set(name, new Response(new Uint8Array(await req.arrayBuffer()), { headers }));
  return new Response(null, { status: 204 });
}
