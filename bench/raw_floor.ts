/** The floor Deno itself puts under a compliant /health, for bench/hit_path.ts: no framework at all, just the
 * headers every ChemAgent response must carry (content-type and x-request-id, echoed or a fresh UUID). Deno
 * serves a response whose only header is content-type on a faster path than any other; this shows what the
 * second header alone costs next to bare Hono's /health, so the /health ratio can be read against it. */
const BODY = JSON.stringify({ status: "ok" });
const JSON_INIT = { headers: { "content-type": "application/json" } };
Deno.serve({
  port: 0,
  hostname: "127.0.0.1",
  onListen: ({ port }) => console.log(JSON.stringify({ port })),
}, (req) => {
  const res = new Response(BODY, JSON_INIT);
  // Set after construction: cheaper than a two-header init (see edge/fast_path.ts, health).
  res.headers.set("x-request-id", req.headers.get("x-request-id") ?? crypto.randomUUID());
  return res;
});
