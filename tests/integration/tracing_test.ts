/** Traces exported over OTLP/HTTP to a local receiver: the span tree of a 3-step workflow is
 * HTTP → query → parse / plan / execute → one span per tool, with cache-tier spans under the tools. */
import assert from "node:assert/strict";
import { Agent } from "../../core/mod.ts";
import { DiskTier, LayeredCache } from "../../core/cache/mod.ts";
import { setupTracing } from "../../core/obs/tracing.ts";
import { createApp } from "../../edge/app.ts";
import { testAgent } from "../helpers.ts";

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: Record<string, unknown> }[];
}

Deno.test({
  name: "OTLP/HTTP export: the span tree of a 3-step workflow",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const spans: OtlpSpan[] = [];
    const receiver = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
      assert.equal(new URL(req.url).pathname, "/v1/traces");
      const body = await req.json();
      for (const rs of body.resourceSpans ?? []) {
        for (const ss of rs.scopeSpans ?? []) spans.push(...ss.spans);
      }
      return Response.json({});
    });
    const tracing = await setupTracing({
      endpoint: `http://127.0.0.1:${(receiver.addr as Deno.NetAddr).port}/v1/traces`,
      sampleRatio: 1,
    });
    const base = await testAgent();
    const dir = await Deno.makeTempDir();
    const agent = new Agent(base.data, base.chem, { cache: new LayeredCache({ l2: new DiskTier(dir) }) });
    const app = createApp({
      agent,
      config: { CHEMAGENT_MAX_BODY_BYTES: 65536, corsOrigins: ["*"] },
      tracing: true,
    });
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
    const res = await fetch(`http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/api/query`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "trace-me" },
      body: JSON.stringify({
        query: "Find compounds similar to ibuprofen with MW < 300 and rank them by logP",
      }),
    });
    const body = await res.json();
    assert.deepEqual(body.plan.steps.map((s: { tool: string }) => s.tool), [
      "similarity_search",
      "filter_by_properties",
      "rank",
    ]);
    await tracing.flush();
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const children = (s: OtlpSpan) => spans.filter((c) => c.parentSpanId === s.spanId).map((c) => c.name);
    const http = spans.find((s) => s.name === "HTTP POST /api/query");
    assert.ok(http, spans.map((s) => s.name).join(", "));
    assert.ok(!http.parentSpanId || !byId.has(http.parentSpanId), "HTTP span is the root");
    const query = spans.find((s) => s.name === "query" && s.parentSpanId === http.spanId)!;
    assert.ok(query, "query is a child of the HTTP span");
    assert.ok(
      query.attributes.some((a) => a.key === "chemagent.request_id" && a.value.stringValue === "trace-me"),
    );
    assert.deepEqual(children(query).filter((n) => !n.startsWith("cache.")).sort(), [
      "execute",
      "parse",
      "plan",
    ]);
    assert.ok(children(query).includes("cache.l2.get"), "the response cache lookup is part of the query");
    const execute = spans.find((s) => s.name === "execute" && s.parentSpanId === query.spanId)!;
    assert.deepEqual(children(execute), ["tool similarity_search", "tool filter_by_properties", "tool rank"]);
    const tool = spans.find((s) => s.name === "tool similarity_search" && s.parentSpanId === execute.spanId)!;
    assert.ok(
      children(tool).some((n) => n.startsWith("cache.l2.")),
      `cache spans under the tool: ${children(tool).join(", ")}`,
    );
    assert.ok(
      spans.every((s) =>
        s.traceId === http.traceId ||
        !spans.some((x) => x.spanId === s.parentSpanId && x.traceId !== s.traceId)
      ),
    );
    await server.shutdown();
    await tracing.shutdown();
    await receiver.shutdown();
    await Deno.remove(dir, { recursive: true });
  },
});
