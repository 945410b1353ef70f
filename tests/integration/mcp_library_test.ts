/**
 * User libraries over MCP (SDK client, Streamable HTTP): `chemagent://library/{id}` listed, completed and read,
 * `similarity_search` with `library`, and per-user visibility with auth on (another user gets `not_found`).
 */
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { Client, startMcpServer, StreamableHTTPClientTransport } from "../mcp_helpers.ts";

const SECRET = "mcp-library-secret-0123456789abcdef012345";
// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const token = (sub: string) =>
  new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(sub).setExpirationTime("10m")
    .sign(new TextEncoder().encode(SECRET));

async function connect(url: string, token?: string) {
  const client = new Client({ name: "chemagent-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
      ...(token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : {}),
    }),
  );
  return client;
}

const SMILES = [
  "CC(=O)Oc1ccccc1C(=O)O aspirin-like",
  "CC(C)Cc1ccc(C(C)C(=O)O)cc1 ibuprofen-like",
  "Cc1ccc(S(N)(=O)=O)cc1 tosylamide",
].join("\n") + "\n";

async function upload(url: string, name: string, bearer?: string): Promise<Json> {
  const r = await fetch(`${url}/api/libraries?name=${encodeURIComponent(name)}&format=smiles`, {
    method: "POST",
    headers: { "content-type": "text/plain", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: SMILES,
  });
  const body = await r.json() as Json;
  assert.equal(r.status, 200, JSON.stringify(body));
  return body.result.library;
}

/** The JSON-RPC error of a rejected call (the SDK throws McpError with code and data). */
async function rejection(p: Promise<unknown>): Promise<{ code: number; data: Json }> {
  try {
    await p;
  } catch (e) {
    return e as { code: number; data: Json };
  }
  throw new Error("expected an error");
}

Deno.test({
  name: "MCP libraries with auth on: listed, completed, read by id or name, searchable; foreign → not_found",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startMcpServer({
      JWT_SECRET: SECRET,
      AUTH_REQUIRED: "true",
      CHEMAGENT_LIBRARY_DIR: ":memory:",
      RATE_LIMIT_ENABLED: "false",
    });
    const clients: Client[] = [];
    try {
      const [aliceToken, bobToken] = await Promise.all([token("alice"), token("bob")]);
      const lib = await upload(server.url, "Kinase set", aliceToken);
      const alice = await connect(server.url, aliceToken);
      const bob = await connect(server.url, bobToken);
      clients.push(alice, bob);

      const templates = (await alice.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
      assert.ok(templates.includes("chemagent://library/{id}"));
      const uri = `chemagent://library/${lib.id}`;
      assert.ok((await alice.listResources()).resources.some((r) => r.uri === uri));
      assert.ok(!(await bob.listResources()).resources.some((r) => r.uri.startsWith("chemagent://library/")));

      const complete = async (c: Client, value: string) =>
        (await c.complete({
          ref: { type: "ref/resource", uri: "chemagent://library/{id}" },
          argument: { name: "id", value },
        })).completion.values;
      assert.deepEqual(await complete(alice, "kin"), ["Kinase set"]);
      assert.deepEqual(await complete(alice, "lib_"), [lib.id]);
      assert.deepEqual(await complete(bob, "kin"), []);

      for (const ref of [uri, "chemagent://library/Kinase%20set"]) {
        const read = await alice.readResource({ uri: ref });
        const body = JSON.parse((read.contents[0] as { text: string }).text) as Json;
        assert.equal(body.id, lib.id);
        assert.equal(body.name, "Kinase set");
        assert.equal(body.size, 3);
        assert.equal(body.format, "smiles");
        assert.equal(body.counts.accepted, 3);
        assert.equal(body.truncated, false);
        assert.deepEqual(body.rows.map((r: Json) => r.name), [
          "aspirin-like",
          "ibuprofen-like",
          "tosylamide",
        ]);
        assert.match(body.rows[0].id, new RegExp(`^${lib.id}:\\d+$`));
        assert.equal(typeof body.rows[0].smiles, "string");
      }

      // Tool calls carry the caller: alice's library is searchable, bob's view has no such library.
      const hit = await alice.callTool({
        name: "similarity_search",
        arguments: { smiles: "CC(=O)Oc1ccccc1C(=O)O", library: "Kinase set", threshold: 0.3 },
      });
      assert.ok(!hit.isError, JSON.stringify(hit.content));
      const hits = JSON.stringify(hit.structuredContent);
      assert.ok(hits.includes(`${lib.id}:`), hits.slice(0, 500));
      const foreignTool = await bob.callTool({
        name: "similarity_search",
        arguments: { smiles: "CC(=O)Oc1ccccc1C(=O)O", library: lib.id },
      });
      assert.equal(foreignTool.isError, true);
      assert.match(JSON.stringify(foreignTool.structuredContent ?? foreignTool.content), /not_found/);

      // `ask` carries the caller too: alice's question runs over her library, bob's finds none of his.
      const question = { query: "which compounds contain a sulfonamide in my kinase set library?" };
      const asked = await alice.callTool({ name: "ask", arguments: question });
      assert.ok(!asked.isError, JSON.stringify(asked.content));
      assert.deepEqual(
        (asked.structuredContent as Json).result.substructure.hits.map((h: Json) => h.name),
        ["tosylamide"],
      );
      const bobAsked = await bob.callTool({ name: "ask", arguments: question });
      assert.equal(bobAsked.isError, true);
      assert.equal((bobAsked.structuredContent as Json).error.code, "not_found");

      // Another user's library, an unknown one and a malformed id: JSON-RPC errors carrying not_found.
      for (
        const ref of [uri, "chemagent://library/Kinase%20set", "chemagent://library/lib_0000000000000000"]
      ) {
        const e = await rejection(bob.readResource({ uri: ref }));
        assert.equal(e.code, -32002);
        assert.equal(e.data.code, "not_found");
      }
      const bad = await rejection(alice.readResource({ uri: "chemagent://library/%E0%A4%A" }));
      assert.equal(bad.data.code, "invalid_parameter");
    } finally {
      for (const c of clients) await c.close().catch(() => {});
      await server.close();
    }
  },
});

Deno.test({
  name: "MCP libraries with auth off: everyone sees every library, as on the HTTP API",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startMcpServer({ CHEMAGENT_LIBRARY_DIR: ":memory:", RATE_LIMIT_ENABLED: "false" });
    let client: Client | undefined;
    try {
      const lib = await upload(server.url, "Open set");
      client = await connect(server.url);
      assert.ok(
        (await client.listResources()).resources.some((r) => r.uri === `chemagent://library/${lib.id}`),
      );
      const body = JSON.parse(
        ((await client.readResource({ uri: "chemagent://library/Open%20set" })).contents[0] as {
          text: string;
        }).text,
      ) as Json;
      assert.equal(body.id, lib.id);
      const hit = await client.callTool({
        name: "substructure_search",
        arguments: { query: "c1ccccc1C(=O)O", library: lib.id },
      });
      assert.ok(!hit.isError, JSON.stringify(hit.content));
    } finally {
      await client?.close().catch(() => {});
      await server.close();
    }
  },
});
