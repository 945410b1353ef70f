/** The floor Deno itself puts under a compliant /health, for bench/hit_path.ts: no framework at all, just the
 * headers every ChemAgent response must carry (content-type and x-request-id, echoed or a fresh UUID). Deno
 * serves a response whose only header is content-type on a faster path than any other; this shows what the
 * second header alone costs next to bare Hono's /health, so the /health ratio can be read against it. */
const BODY = JSON.stringify({ status: "ok" });
Deno.serve({
  port: 0,
  hostname: "127.0.0.1",
  onListen: ({ port }) => console.log(JSON.stringify({ port })),
}, (req) => {
  const id = req.headers.get("x-request-id") ?? crypto.randomUUID();
  return new Response(BODY, { headers: { "content-type": "application/json", "x-request-id": id } });
});
