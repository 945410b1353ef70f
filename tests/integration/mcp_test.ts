/**
 * The MCP server driven by the SDK's own client over Streamable HTTP (the whole server from edge/compose.ts on a
 * free port) and over stdio (`deno task mcp`'s entry as a subprocess): tools, ask with progress, cancellation,
 * tool errors with their ChemAgent code, resources, completion, prompts, resumability, auth and Origin checks.
 */
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { z } from "zod";
import { TOOLS } from "../../core/tools/mod.ts";
import type { QueryEvent } from "../../core/mod.ts";
import { mcpHttp } from "../../edge/mcp/http.ts";
import { testAgent } from "../helpers.ts";
import {
  Client,
  readSse,
  startMcpServer,
  StdioClientTransport,
  StreamableHTTPClientTransport,
} from "../mcp_helpers.ts";

const root = new URL("../../", import.meta.url).pathname;
const SECRET = "mcp-test-secret-0123456789abcdef0123456789";
type Json = Record<string, unknown>;

async function connect(url: string, token?: string) {
  const client = new Client({ name: "chemagent-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
    ...(token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : {}),
  });
  await client.connect(transport);
  return client;
}

const token = (sub: string) =>
  new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(sub).setExpirationTime("10m")
    .sign(new TextEncoder().encode(SECRET));

const initialize = (version: string) => ({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: version, capabilities: {}, clientInfo: { name: "raw", version: "1" } },
});

const MCP_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

Deno.test({
  name: "MCP over Streamable HTTP: tools, ask, cancel, errors, resources, completion, prompts, resumability",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const server = await startMcpServer();
    const client = await connect(server.url);
    try {
      await t.step(
        "lists every ChemAgent tool with its input schema generated from the tool's zod schema",
        async () => {
          const { tools } = await client.listTools();
          const names = tools.map((x) => x.name);
          for (const name of [...Object.keys(TOOLS), "ask", "depict"]) assert.ok(names.includes(name), name);
          const props = tools.find((x) => x.name === "properties")!;
          assert.deepEqual(props.inputSchema, z.toJSONSchema(TOOLS.properties.args, { io: "input" }));
          const askTool = tools.find((x) => x.name === "ask")!;
          assert.deepEqual(askTool.inputSchema.required, ["query"]);
          assert.equal(askTool.inputSchema.additionalProperties, false);
        },
      );

      await t.step("properties of aspirin: structured output (MW 180.16) plus readable text", async () => {
        const r = await client.callTool({ name: "properties", arguments: { compound: "aspirin" } });
        assert.ok(!r.isError);
        const out = r.structuredContent as { properties: { molecular_weight: number }; compound: Json };
        assert.equal(out.properties.molecular_weight.toFixed(2), "180.16");
        assert.equal(out.compound.id, "CHEMBL25");
        const text = (r.content as { type: string; text?: string }[]).find((c) => c.type === "text")!;
        assert.match(text.text!, /180\.1/);
      });

      await t.step("tool errors are isError results carrying the ChemAgent code", async () => {
        const bad = await client.callTool({ name: "properties", arguments: { smiles: "C1CC" } });
        assert.equal(bad.isError, true);
        assert.equal((bad.structuredContent as { error: Json }).error.code, "invalid_smiles");
        assert.match((bad.content as { text: string }[])[0].text, /^Error \(invalid_smiles\)/);
        const args = await client.callTool({
          name: "similarity_search",
          arguments: { compound: "aspirin", threshold: 7 },
        });
        assert.equal((args.structuredContent as { error: Json }).error.code, "invalid_parameter");
        const unknown = await client.callTool({ name: "no_such_tool", arguments: {} });
        assert.equal((unknown.structuredContent as { error: Json }).error.code, "not_found");
        const ask = await client.callTool({ name: "ask", arguments: { query: "hi", cache: true } });
        assert.equal((ask.structuredContent as { error: Json }).error.code, "invalid_request");
      });

      await t.step("depict returns the structure as an SVG image", async () => {
        const r = await client.callTool({ name: "depict", arguments: { compound: "aspirin" } });
        const img = (r.content as { type: string; data?: string; mimeType?: string }[]).find((c) =>
          c.type === "image"
        )!;
        assert.equal(img.mimeType, "image/svg+xml");
        assert.match(
          new TextDecoder().decode(Uint8Array.from(atob(img.data!), (c) => c.charCodeAt(0))),
          /<svg/,
        );
      });

      await t.step(
        "ask answers a question and streams its query events as progress notifications",
        async () => {
          const progress: { progress: number; message?: string }[] = [];
          const r = await client.callTool(
            {
              name: "ask",
              arguments: { query: "What is the molecular weight of aspirin?", options: { cache: false } },
            },
            undefined,
            { onprogress: (p) => void progress.push(p) },
          );
          assert.ok(!r.isError, JSON.stringify(r.content));
          const res = r.structuredContent as { status: string; answer: string; query_id: string };
          assert.equal(res.status, "success");
          assert.match((r.content as { text: string }[])[0].text, /180\.16/);
          assert.ok(progress.length >= 3, `progress notifications: ${progress.length}`);
          for (let i = 1; i < progress.length; i++) {
            assert.ok(progress[i].progress > progress[i - 1].progress);
          }
          assert.ok(progress.some((p) => /^accepted/.test(p.message ?? "")));
          assert.ok(progress.some((p) => /^result/.test(p.message ?? "")));
          assert.ok(
            progress.some((p) => /^step_start properties/.test(p.message ?? "")),
            JSON.stringify(progress),
          );
          assert.ok(
            progress.some((p) => p.message === "planning property_query (10%)"),
            JSON.stringify(progress),
          );
          assert.ok(!progress.some((p) => /object Object/.test(p.message ?? "")));
        },
      );

      await t.step(
        "cancelling ask aborts the query on the server (notifications/cancelled → AbortSignal)",
        async () => {
          const agent = server.app.agent;
          const events: QueryEvent[] = [];
          const observer = (e: QueryEvent) => void events.push(e);
          agent.observers.push(observer);
          // Every tool step waits 5 s (honouring the abort signal) so the workflow is still running when cancelled.
          const runTool = agent.runTool.bind(agent);
          agent.runTool = async (name, args, signal, opts) => {
            await new Promise<void>((resolve, reject) => {
              const timer = setTimeout(resolve, 5_000);
              signal?.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), {
                once: true,
              });
            });
            return await runTool(name, args, signal, opts);
          };
          try {
            const controller = new AbortController();
            const started = performance.now();
            const call = client.callTool(
              {
                name: "ask",
                arguments: {
                  query: "Compare the molecular weight of aspirin and ibuprofen",
                  options: { cache: false },
                },
              },
              undefined,
              {
                signal: controller.signal,
                onprogress: (p) => p.message?.startsWith("step_start") && controller.abort("user cancelled"),
              },
            );
            await assert.rejects(call);
            const deadline = Date.now() + 10_000;
            while (
              !events.some((e) => e.type === "cancelled" || e.type === "error") && Date.now() < deadline
            ) {
              await new Promise((r) => setTimeout(r, 20));
            }
            const end = events.find((e) => e.type === "cancelled" || e.type === "error");
            assert.ok(end, `events: ${events.map((e) => e.type).join(",")}`);
            assert.ok(
              end.type === "cancelled" || JSON.stringify(end.data).includes("cancelled"),
              JSON.stringify(end),
            );
            assert.ok(!events.some((e) => e.type === "result" && e.data.status === "success"));
            assert.ok(
              performance.now() - started < 5_000,
              "the query stopped before its first step finished",
            );
          } finally {
            agent.runTool = runTool;
            agent.observers.splice(agent.observers.indexOf(observer), 1);
          }
        },
      );

      await t.step("reads a compound resource (JSON card + SVG) and the dataset description", async () => {
        const { resourceTemplates } = await client.listResourceTemplates();
        assert.deepEqual(resourceTemplates.map((x) => x.uriTemplate).sort(), [
          "chemagent://compound/{id}",
          "chemagent://library/{id}",
          "chemagent://target/{id}",
        ]);
        const r = await client.readResource({ uri: "chemagent://compound/CHEMBL25" });
        const card = JSON.parse((r.contents[0] as { text: string }).text);
        assert.equal(card.compound.name, "Aspirin");
        assert.equal(r.contents[1].mimeType, "image/svg+xml");
        const target = await client.readResource({ uri: "chemagent://target/PTGS2" });
        assert.ok(JSON.parse((target.contents[0] as { text: string }).text).ligands.length > 0);
        const ds = await client.readResource({ uri: "chemagent://dataset" });
        const desc = JSON.parse((ds.contents[0] as { text: string }).text);
        assert.ok(desc.compounds > 1000);
        assert.deepEqual(desc.tools, Object.keys(TOOLS));
        await assert.rejects(
          client.readResource({ uri: "chemagent://compound/notacompoundxyz" }),
          (e: { code?: number }) => e.code === -32002,
        );
      });

      await t.step("completes compound and target ids and names", async () => {
        const names = await client.complete({
          ref: { type: "ref/resource", uri: "chemagent://compound/{id}" },
          argument: { name: "id", value: "aspiri" },
        });
        assert.ok(names.completion.values.includes("Aspirin"), JSON.stringify(names.completion.values));
        const ids = await client.complete({
          ref: { type: "ref/resource", uri: "chemagent://compound/{id}" },
          argument: { name: "id", value: "CHEMBL2" },
        });
        assert.ok(ids.completion.values.length > 0 && ids.completion.values.length <= 100);
        assert.ok(ids.completion.values.every((v) => v.startsWith("CHEMBL2")));
        const targets = await client.complete({
          ref: { type: "ref/resource", uri: "chemagent://target/{id}" },
          argument: { name: "id", value: "PTGS" },
        });
        assert.ok(targets.completion.values.includes("PTGS2"), JSON.stringify(targets.completion.values));
        const prompt = await client.complete({
          ref: { type: "ref/prompt", name: "profile_compound" },
          argument: { name: "compound", value: "ibupro" },
        });
        assert.ok(prompt.completion.values.includes("Ibuprofen"), JSON.stringify(prompt.completion.values));
      });

      await t.step("prompts: profile a compound, find analogues with constraints", async () => {
        const { prompts } = await client.listPrompts();
        assert.deepEqual(prompts.map((p) => p.name), ["profile_compound", "find_analogues"]);
        const p = await client.getPrompt({
          name: "find_analogues",
          arguments: { compound: "ibuprofen", constraints: "MW < 300" },
        });
        assert.match((p.messages[0].content as { text: string }).text, /similarity_search.*MW < 300/s);
        await assert.rejects(client.getPrompt({ name: "profile_compound", arguments: {} }));
      });

      await t.step("negotiates protocol versions 2025-06-18 and 2025-11-25", async () => {
        for (const version of ["2025-06-18", "2025-11-25"]) {
          const res = await fetch(`${server.url}/mcp`, {
            method: "POST",
            headers: MCP_HEADERS,
            body: JSON.stringify(initialize(version)),
          });
          assert.equal(res.status, 200);
          assert.ok(res.headers.get("mcp-session-id"));
          const events = await readSse(res.body!, (e) => e.data.includes('"result"'));
          const init = JSON.parse(events.at(-1)!.data);
          assert.equal(init.result.protocolVersion, version);
          assert.equal(init.result.serverInfo.name, "chemagent");
        }
      });

      await t.step(
        "a dropped SSE stream resumes with Last-Event-ID: the tool result is replayed",
        async () => {
          const init = await fetch(`${server.url}/mcp`, {
            method: "POST",
            headers: MCP_HEADERS,
            body: JSON.stringify(initialize("2025-11-25")),
          });
          const session = init.headers.get("mcp-session-id")!;
          await readSse(init.body!, (e) => e.data.includes('"result"'));
          const headers = { ...MCP_HEADERS, "mcp-session-id": session, "mcp-protocol-version": "2025-11-25" };
          await (await fetch(`${server.url}/mcp`, {
            method: "POST",
            headers,
            body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
          })).body?.cancel();
          const call = await fetch(`${server.url}/mcp`, {
            method: "POST",
            headers,
            body: JSON.stringify({
              jsonrpc: "2.0",
              id: 7,
              method: "tools/call",
              // A progress token makes the call stream (a call nobody streams is answered as plain JSON).
              params: {
                name: "properties",
                arguments: { compound: "ibuprofen" },
                _meta: { progressToken: "p7" },
              },
            }),
          });
          assert.equal(call.headers.get("content-type"), "text/event-stream");
          // Take the priming event only, then drop the connection.
          const [priming] = await readSse(call.body!, (e) => e.id !== undefined);
          assert.ok(priming.id);
          await new Promise((r) => setTimeout(r, 300));
          const resumed = await fetch(`${server.url}/mcp`, {
            headers: { ...headers, accept: "text/event-stream", "last-event-id": priming.id! },
          });
          assert.equal(resumed.status, 200);
          const replay = await readSse(resumed.body!, (e) => e.data.includes('"id":7'));
          const msg = JSON.parse(replay.at(-1)!.data);
          assert.equal(msg.id, 7);
          assert.equal(msg.result.structuredContent.compound.name, "Ibuprofen");
        },
      );

      await t.step(
        "a call nobody streams is answered as one JSON body; ask and progress-token calls stream as SSE",
        async () => {
          const init = await fetch(`${server.url}/mcp`, {
            method: "POST",
            headers: MCP_HEADERS,
            body: JSON.stringify(initialize("2025-11-25")),
          });
          const session = init.headers.get("mcp-session-id")!;
          await init.body?.cancel();
          const headers = { ...MCP_HEADERS, "mcp-session-id": session, "mcp-protocol-version": "2025-11-25" };
          const call = (id: number, params: Json) =>
            fetch(`${server.url}/mcp`, {
              method: "POST",
              headers,
              body: JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params }),
            });
          for (let id = 1; id <= 20; id++) {
            const res = await call(id, { name: "properties", arguments: { compound: "aspirin" } });
            assert.equal(res.headers.get("content-type"), "application/json");
            assert.equal(res.headers.get("mcp-session-id"), session);
            const msg = await res.json();
            assert.equal(msg.id, id);
            assert.equal(msg.result.structuredContent.compound.id, "CHEMBL25");
          }
          const ping = await fetch(`${server.url}/mcp`, {
            method: "POST",
            headers,
            body: JSON.stringify({ jsonrpc: "2.0", id: 99, method: "ping" }),
          });
          assert.deepEqual(await ping.json(), { jsonrpc: "2.0", id: 99, result: {} });
          // The SDK keeps one entry per open response stream; answered JSON calls must leave none behind.
          const transport = server.app.mcp.sessions.get(session)!.transport as unknown as {
            _streamMapping: Map<string, unknown>;
          };
          assert.equal(transport._streamMapping.size, 0);
          const streamed = await call(30, {
            name: "properties",
            arguments: { compound: "aspirin" },
            _meta: { progressToken: 1 },
          });
          assert.equal(streamed.headers.get("content-type"), "text/event-stream");
          const events = await readSse(streamed.body!, (e) => e.data.includes('"id":30'));
          assert.equal(JSON.parse(events.at(-1)!.data).result.structuredContent.compound.id, "CHEMBL25");
          const asked = await call(31, {
            name: "ask",
            arguments: { query: "What is the molecular weight of aspirin?" },
          });
          assert.equal(asked.headers.get("content-type"), "text/event-stream");
          const answer = await readSse(asked.body!, (e) => e.data.includes('"id":31'));
          assert.equal(JSON.parse(answer.at(-1)!.data).result.structuredContent.status, "success");
          // Malformed params keep the SDK's answer: JSON-RPC invalid params.
          const bad = await (await call(32, { arguments: {} })).json();
          assert.equal(bad.error.code, -32602);
        },
      );

      await t.step(
        "hostile bodies: nesting deeper than the bound, or not JSON, get typed JSON-RPC errors",
        async () => {
          const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
          const body = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"properties",` +
            `"arguments":{"compound":${deep(20_000)}}}}`;
          const res = await fetch(`${server.url}/mcp`, { method: "POST", headers: MCP_HEADERS, body });
          assert.equal(res.status, 400);
          const msg = await res.json();
          assert.equal(msg.error.code, -32600);
          assert.equal(msg.error.data.code, "invalid_request");
          assert.match(msg.error.message, /nests deeper than 32 levels/);
          // Brackets inside strings are text, not nesting.
          const ok = await fetch(`${server.url}/mcp`, {
            method: "POST",
            headers: MCP_HEADERS,
            body: JSON.stringify({
              ...initialize("2025-11-25"),
              params: {
                ...initialize("2025-11-25").params,
                clientInfo: { name: "[".repeat(100), version: "1" },
              },
            }),
          });
          assert.equal(ok.status, 200);
          await ok.body?.cancel();
          const syntax = await fetch(`${server.url}/mcp`, {
            method: "POST",
            headers: MCP_HEADERS,
            body: "{oops",
          });
          assert.equal(syntax.status, 400);
          assert.equal((await syntax.json()).error.code, -32700);
        },
      );

      await t.step("refuses a foreign Origin or Host (DNS rebinding) with 403", async () => {
        const foreignOrigin = await fetch(`${server.url}/mcp`, {
          method: "POST",
          headers: { ...MCP_HEADERS, origin: "http://evil.example.com" },
          body: JSON.stringify(initialize("2025-11-25")),
        });
        assert.equal(foreignOrigin.status, 403);
        assert.match(
          (await foreignOrigin.json()).error.message,
          /Origin "http:\/\/evil.example.com" is not allowed/,
        );
        // fetch() sends the URL's host, so the rebinding case (a foreign Host header) is written by hand.
        const port = Number(new URL(server.url).port);
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        const body = JSON.stringify(initialize("2025-11-25"));
        await conn.write(new TextEncoder().encode(
          `POST /mcp HTTP/1.1\r\nHost: evil.example.com:${port}\r\nContent-Type: application/json\r\n` +
            `Accept: application/json, text/event-stream\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        ));
        const reply = new TextDecoder().decode(await new Response(conn.readable).arrayBuffer());
        assert.match(reply, /^HTTP\/1\.1 403/);
        assert.match(reply, /Host \\"evil.example.com:\d+\\" is not allowed/);
      });
    } finally {
      await client.close();
      await server.close();
    }
  },
});

Deno.test({
  name: "MCP with auth on: 401 names the protected-resource metadata; sessions belong to the token's sub",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startMcpServer({
      JWT_SECRET: SECRET,
      AUTH_REQUIRED: "true",
      MCP_AUTHORIZATION_SERVERS: "https://id.example.org",
    });
    try {
      const anonymous = await fetch(`${server.url}/mcp`, {
        method: "POST",
        headers: MCP_HEADERS,
        body: JSON.stringify(initialize("2025-11-25")),
      });
      assert.equal(anonymous.status, 401);
      const challenge = anonymous.headers.get("www-authenticate")!;
      const m = /^Bearer resource_metadata="([^"]+)"/.exec(challenge);
      assert.ok(m, challenge);
      await anonymous.body?.cancel();
      const meta = await (await fetch(m[1])).json();
      assert.equal(meta.resource, `${server.url}/mcp`);
      assert.deepEqual(meta.authorization_servers, ["https://id.example.org"]);
      const bad = await fetch(`${server.url}/mcp`, {
        method: "POST",
        headers: { ...MCP_HEADERS, authorization: "Bearer not.a.token" },
        body: JSON.stringify(initialize("2025-11-25")),
      });
      assert.equal(bad.status, 401);
      assert.match(bad.headers.get("www-authenticate")!, /error="invalid_token"/);
      await bad.body?.cancel();

      const alice = await token("alice");
      const client = await connect(server.url, alice);
      const r = await client.callTool({ name: "properties", arguments: { compound: "aspirin" } });
      assert.ok(!r.isError);
      const session = [...server.app.mcp.sessions.entries()].find(([, s]) => s.sub === "alice")![0];
      // Bob holding Alice's session id is told it does not exist.
      const bob = await fetch(`${server.url}/mcp`, {
        method: "POST",
        headers: {
          ...MCP_HEADERS,
          authorization: `Bearer ${await token("bob")}`,
          "mcp-session-id": session,
          "mcp-protocol-version": "2025-11-25",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
      });
      assert.equal(bob.status, 404);
      await bob.body?.cancel();
      // Conversations follow the same ownership rules as HTTP and WebSocket: Bob cannot continue Alice's.
      const mine = await client.callTool({
        name: "ask",
        arguments: { query: "What is the molecular weight of aspirin?", session_id: "s_alice_mcp" },
      });
      assert.ok(!mine.isError);
      const bobClient = await connect(server.url, await token("bob"));
      const theirs = await bobClient.callTool({
        name: "ask",
        arguments: { query: "and its targets?", session_id: "s_alice_mcp" },
      });
      assert.equal(theirs.isError, true);
      assert.equal((theirs.structuredContent as { error: Json }).error.code, "not_found");
      await bobClient.close();
      await client.close();
    } finally {
      await server.close();
    }
  },
});

Deno.test({
  name:
    "MCP_STATELESS: no sessions, the SDK client works, ask streams progress, the caller rides on each request",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startMcpServer({ MCP_STATELESS: "true", JWT_SECRET: SECRET, AUTH_REQUIRED: "true" });
    try {
      const alice = await connect(server.url, await token("alice"));
      const r = await alice.callTool({ name: "properties", arguments: { compound: "aspirin" } });
      assert.equal((r.structuredContent as { compound: Json }).compound.id, "CHEMBL25");
      assert.equal(server.app.mcp.sessions.size, 0);
      const progress: number[] = [];
      const answer = await alice.callTool(
        {
          name: "ask",
          arguments: { query: "What is the molecular weight of aspirin?", session_id: "s_alice_sl" },
        },
        undefined,
        { onprogress: (p) => void progress.push(p.progress) },
      );
      assert.equal((answer.structuredContent as { status: string }).status, "success");
      assert.ok(progress.length >= 3, `progress notifications: ${progress.length}`);
      // Servers are pooled across callers: the caller comes with each request, so Bob cannot continue Alice's
      // conversation even on the server instance that just served her.
      const bob = await connect(server.url, await token("bob"));
      const theirs = await bob.callTool({
        name: "ask",
        arguments: { query: "and its targets?", session_id: "s_alice_sl" },
      });
      assert.equal((theirs.structuredContent as { error: Json }).error.code, "not_found");
      const mine = await alice.callTool({
        name: "ask",
        arguments: { query: "and its targets?", session_id: "s_alice_sl" },
      });
      assert.ok(!mine.isError, JSON.stringify(mine.content));
      await Promise.all([alice.close(), bob.close()]);
      const headers = {
        ...MCP_HEADERS,
        authorization: `Bearer ${await token("carol")}`,
        "mcp-protocol-version": "2025-11-25",
      };
      // Any POST stands alone: no initialize, no session id.
      const raw = await fetch(`${server.url}/mcp`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 5,
          method: "tools/call",
          params: { name: "properties", arguments: { compound: "ibuprofen" } },
        }),
      });
      assert.equal(raw.headers.get("mcp-session-id"), null);
      assert.equal((await raw.json()).result.structuredContent.compound.name, "Ibuprofen");
      const get = await fetch(`${server.url}/mcp`, { headers: { ...headers, accept: "text/event-stream" } });
      assert.equal(get.status, 405);
      await get.body?.cancel();
    } finally {
      await server.close();
    }
  },
});

Deno.test({
  name: "shutdown waits for a running MCP tool call to answer before closing its session",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startMcpServer();
    const agent = server.app.agent;
    const runTool = agent.runTool.bind(agent);
    agent.runTool = async (name, args, signal, opts) => {
      await new Promise((r) => setTimeout(r, 1_000));
      return await runTool(name, args, signal, opts);
    };
    const client = await connect(server.url);
    const started = Promise.withResolvers<void>();
    const call = client.callTool(
      {
        name: "ask",
        arguments: { query: "What is the molecular weight of aspirin?", options: { cache: false } },
      },
      undefined,
      { onprogress: (p) => p.message?.startsWith("step_start") && started.resolve() },
    );
    await started.promise;
    const closing = server.close();
    const r = await call;
    assert.equal((r.structuredContent as { status: string }).status, "success");
    await closing;
    assert.equal(server.app.mcp.sessions.size, 0);
    await client.close().catch(() => {});
  },
});

Deno.test({
  name:
    "open MCP sessions are capped: a new session closes the least recently used, junk requests evict none",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const mcp = mcpHttp({
      agent: await testAgent(),
      authRequired: false,
      allowedOrigins: ["localhost"],
      maxSessions: 2,
    });
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, mcp.app.fetch);
    const url = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/mcp`;
    const post = (body: unknown, session?: string) =>
      fetch(url, {
        method: "POST",
        headers: { ...MCP_HEADERS, ...(session ? { "mcp-session-id": session } : {}) },
        body: JSON.stringify(body),
      });
    const open = async () => {
      const res = await post(initialize("2025-11-25"));
      await res.body?.cancel();
      return res.headers.get("mcp-session-id")!;
    };
    try {
      const [a, b] = [await open(), await open()];
      for (let i = 0; i < 3; i++) {
        const junk = await post({ jsonrpc: "2.0", id: 1, method: "tools/list" });
        assert.equal(junk.status, 400);
        await junk.body?.cancel();
      }
      assert.deepEqual([...mcp.sessions.keys()].sort(), [a, b].sort());
      const c = await open();
      assert.deepEqual([...mcp.sessions.keys()].sort(), [b, c].sort());
      const gone = await post({ jsonrpc: "2.0", id: 2, method: "ping" }, a);
      assert.equal(gone.status, 404);
      await gone.body?.cancel();
    } finally {
      await mcp.close();
      await server.shutdown();
    }
  },
});

Deno.test({
  name: "a JSON-answered call whose session is deleted meanwhile gets 404 at once instead of hanging",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const agent = await testAgent();
    const mcp = mcpHttp({ agent, authRequired: false, allowedOrigins: ["localhost"] });
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, mcp.app.fetch);
    const url = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/mcp`;
    const runTool = agent.runTool.bind(agent);
    const release = Promise.withResolvers<void>();
    agent.runTool = async (name, args, signal, opts) => {
      await release.promise;
      return await runTool(name, args, signal, opts);
    };
    try {
      const init = await fetch(url, {
        method: "POST",
        headers: MCP_HEADERS,
        body: JSON.stringify(initialize("2025-11-25")),
      });
      const session = init.headers.get("mcp-session-id")!;
      await init.body?.cancel();
      const headers = { ...MCP_HEADERS, "mcp-session-id": session, "mcp-protocol-version": "2025-11-25" };
      const call = fetch(url, {
        method: "POST",
        headers,
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "tools/call",
          params: { name: "properties", arguments: { compound: "aspirin" } },
        }),
      });
      await new Promise((r) => setTimeout(r, 200));
      const del = await fetch(url, { method: "DELETE", headers });
      assert.equal(del.status, 200);
      await del.body?.cancel();
      const res = await call; // the tool is still blocked: only the closing session can answer this
      assert.equal(res.status, 404);
      assert.equal((await res.json()).error.code, -32001);
    } finally {
      release.resolve();
      agent.runTool = runTool;
      await mcp.close();
      await server.shutdown();
    }
  },
});

Deno.test({
  name: "MCP bodies over the size bound get 413 with payload_too_large, declared or streamed (chunked)",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const mcp = mcpHttp({
      agent: await testAgent(),
      authRequired: false,
      allowedOrigins: ["localhost"],
      maxBodyBytes: 2_000,
    });
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, mcp.app.fetch);
    const url = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/mcp`;
    const big = JSON.stringify({ ...initialize("2025-11-25"), pad: "x".repeat(5_000) });
    try {
      const declared = await fetch(url, { method: "POST", headers: MCP_HEADERS, body: big });
      const chunked = await fetch(url, {
        method: "POST",
        headers: MCP_HEADERS,
        body: new Blob([big]).stream(), // no Content-Length: counted as it streams in
      });
      for (const res of [declared, chunked]) {
        assert.equal(res.status, 413);
        const msg = await res.json();
        assert.equal(msg.error.data.code, "payload_too_large");
      }
      assert.equal(mcp.sessions.size, 0);
      const fine = await fetch(url, {
        method: "POST",
        headers: MCP_HEADERS,
        body: JSON.stringify(initialize("2025-11-25")),
      });
      assert.equal(fine.status, 200);
      await fine.body?.cancel();
    } finally {
      await mcp.close();
      await server.shutdown();
    }
  },
});

Deno.test({
  name: "MCP requests count against the HTTP rate limit (per user), refused with 429 and Retry-After",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startMcpServer({
      RATE_LIMIT_LOOPBACK: "true",
      RATE_LIMIT_RPS: "0.1",
      RATE_LIMIT_BURST: "3",
    });
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${server.url}/mcp`, {
          method: "POST",
          headers: MCP_HEADERS,
          body: JSON.stringify(initialize("2025-11-25")),
        });
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get("retry-after");
        await res.body?.cancel();
      }
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
      assert.ok(Number(retryAfter) >= 1);
    } finally {
      await server.close();
    }
  },
});

Deno.test({
  name: "MCP over stdio (deno task mcp's entry): tools, properties of aspirin, ask with progress, a resource",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "chemagent-mcp-stdio-" });
    const transport = new StdioClientTransport({
      command: Deno.execPath(),
      args: [
        "run",
        "--allow-net",
        "--allow-read",
        "--allow-env",
        "--allow-write",
        "--allow-sys",
        "edge/mcp/stdio.ts",
      ],
      cwd: root,
      env: {
        PATH: Deno.env.get("PATH") ?? "",
        HOME: Deno.env.get("HOME") ?? "",
        ...(Deno.env.get("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR")! } : {}),
        MEMORY_SQLITE_PATH: `${dir}/sessions.db`,
        LOG_LEVEL: "warn",
      },
      stderr: "pipe",
    });
    const client = new Client({ name: "chemagent-stdio-test", version: "1.0.0" });
    try {
      await client.connect(transport);
      assert.equal(client.getServerVersion()?.name, "chemagent");
      const { tools } = await client.listTools();
      assert.ok(
        tools.some((x) => x.name === "ask") &&
          tools.some((x) => x.name === "class_members" || x.name === "rank"),
      );
      const r = await client.callTool({ name: "properties", arguments: { compound: "aspirin" } });
      const mw =
        (r.structuredContent as { properties: { molecular_weight: number } }).properties.molecular_weight;
      assert.equal(mw.toFixed(2), "180.16");
      const progress: number[] = [];
      const answer = await client.callTool(
        { name: "ask", arguments: { query: "What are the targets of imatinib?" } },
        undefined,
        { onprogress: (p) => void progress.push(p.progress) },
      );
      assert.equal((answer.structuredContent as { status: string }).status, "success");
      assert.ok(progress.length >= 3);
      const res = await client.readResource({ uri: "chemagent://compound/aspirin" });
      assert.equal(JSON.parse((res.contents[0] as { text: string }).text).compound.id, "CHEMBL25");
    } finally {
      await client.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
