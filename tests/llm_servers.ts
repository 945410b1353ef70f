/** @module Local servers speaking the OpenAI and Anthropic HTTP protocols, with scripted replies
 * (content, latency, status codes, malformed bodies), so the real SDK clients are tested over real HTTP. */

export interface Reply {
  status?: number;
  delayMs?: number;
  /** The assistant's text (normally a JSON object as a string). */
  content?: string;
  /** A raw response body instead of a well-formed completion. */
  raw?: string;
}

export interface ScriptedServer {
  url: string;
  calls: { body: Record<string, unknown> }[];
  close(): Promise<void>;
}

export function startLLMServer(
  kind: "openai" | "anthropic",
  script: (n: number, body: Record<string, unknown>) => Reply,
): ScriptedServer {
  const calls: ScriptedServer["calls"] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    const body = await req.json().catch(() => ({}));
    calls.push({ body });
    const r = script(calls.length, body);
    if (r.delayMs) await new Promise((res) => setTimeout(res, r.delayMs));
    if (r.status && r.status >= 400) {
      return Response.json({ error: { message: `scripted ${r.status}`, type: "server_error" } }, {
        status: r.status,
        headers: r.status === 429 ? { "retry-after": "0" } : {},
      });
    }
    if (r.raw !== undefined) return new Response(r.raw, { headers: { "content-type": "application/json" } });
    const content = r.content ?? "{}";
    if (kind === "openai") {
      return Response.json({
        id: "chatcmpl-test",
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: String(body.model ?? "test"),
        choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
        usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 },
      });
    }
    return Response.json({
      id: "msg_test",
      type: "message",
      role: "assistant",
      model: String(body.model ?? "test"),
      content: [{ type: "text", text: content }],
      stop_reason: "end_turn",
      usage: { input_tokens: 120, output_tokens: 30 },
    });
  });
  const port = (server.addr as Deno.NetAddr).port;
  return {
    url: kind === "openai" ? `http://127.0.0.1:${port}/v1` : `http://127.0.0.1:${port}`,
    calls,
    close: () => server.shutdown(),
  };
}
