/** The real server over real sockets: contract routes, and every kind of bad input answered with the documented code. */
import assert from "node:assert/strict";
import { getJson, postJson, startServer } from "../helpers.ts";

const server = await startServer();
const u = (p: string) => server.url + p;
// deno-lint-ignore no-explicit-any
type Any = any;

/** POSTs a streamed (chunked) JSON body and reads the JSON reply. */
async function postStream(url: string, body: ReadableStream<Uint8Array>) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    duplex: "half",
  } as RequestInit);
  return { res, json: await res.json() };
}

Deno.test({
  name: "HTTP API",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    await t.step(
      "GET /api/compounds/CHEMBL25 returns aspirin with SMILES, synonyms, phase, targets summary, provenance",
      async () => {
        const { status, body, headers } = await getJson(u("/api/compounds/CHEMBL25"));
        assert.equal(status, 200);
        const r = body.result as Any;
        assert.equal(r.compound.name, "Aspirin");
        assert.equal(r.compound.smiles, "CC(=O)Oc1ccccc1C(=O)O");
        assert.ok(r.compound.synonyms.includes("acetylsalicylic acid"));
        assert.equal(r.compound.phase, 4);
        assert.deepEqual(r.targets_summary.genes, ["PTGS1", "PTGS2"]);
        assert.ok((body.provenance as Any[]).some((p) => p.source.startsWith("ChEMBL 18")));
        assert.ok(headers.get("x-request-id"));
      },
    );

    await t.step("x-request-id is echoed", async () => {
      const res = await fetch(u("/health"), { headers: { "x-request-id": "abc-123" } });
      await res.body?.cancel();
      assert.equal(res.headers.get("x-request-id"), "abc-123");
    });

    await t.step("every kind of response carries exactly one x-request-id", async () => {
      const cases: [string, RequestInit | undefined, number][] = [
        ["/api/compounds/CHEMBL25", undefined, 200],
        ["/api/query?q=" + encodeURIComponent("What are the targets of imatinib?"), undefined, 200],
        ["/nowhere", undefined, 404],
        ["/api/compounds/CHEMBL0", undefined, 404],
        ["/api/query", { method: "POST", headers: { "content-type": "application/json" }, body: "{" }, 400],
        ["/api/query", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "x".repeat(2_000_000),
        }, 413],
        ["/ui", undefined, 200],
        ["/", { redirect: "manual" }, 302],
        ["/favicon.ico", undefined, 204],
      ];
      for (const [path, init, status] of cases) {
        const res = await fetch(u(path), { ...init, headers: { ...init?.headers, "x-request-id": "rid-7" } });
        await res.body?.cancel();
        assert.equal(res.status, status, path);
        assert.equal(res.headers.get("x-request-id"), "rid-7", `${path} (${status})`);
      }
    });

    await t.step("health, ready, openapi, docs", async () => {
      assert.equal((await getJson(u("/health"))).status, 200);
      const ready = await getJson(u("/ready"));
      assert.equal(ready.status, 200);
      assert.ok((ready.body.dataset as Any).compounds > 10000);
      const doc = await getJson(u("/openapi.json"));
      assert.equal((doc.body as Any).openapi, "3.1.0");
      assert.ok((doc.body as Any).paths["/api/query"]);
      const docs = await fetch(u("/docs"));
      assert.match(await docs.text(), /ChemAgent API/);
    });

    await t.step("similar, targets, ligands, search, properties, depict", async () => {
      const sim = await getJson(u("/api/compounds/ibuprofen/similar?threshold=0.4&limit=5"));
      assert.equal(sim.status, 200);
      assert.ok((sim.body.result as Any).hits.length <= 5);
      const tg = await getJson(u("/api/compounds/aspirin/targets"));
      assert.ok((tg.body.result as Any).targets.some((t: Any) => t.genes.includes("PTGS2")));
      const lig = await getJson(u("/api/targets/EGFR/ligands"));
      assert.ok((lig.body.result as Any).ligands.some((l: Any) => l.name === "Gefitinib"));
      const s = await getJson(u("/api/compounds?search=imatin"));
      assert.ok((s.body.result as Any).compounds.some((c: Any) => c.id === "CHEMBL941"));
      const p = await postJson(u("/api/properties"), { smiles: "CCO" });
      assert.equal((p.body.result as Any).properties.formula, "C2H6O");
      const svg = await fetch(u("/api/depict?smiles=" + encodeURIComponent("c1ccccc1O")));
      assert.equal(svg.headers.get("content-type"), "image/svg+xml; charset=utf-8");
      assert.match(await svg.text(), /<svg/);
    });

    await t.step("POST /api/query answers with the QueryResponse envelope", async () => {
      const { status, body } = await postJson(u("/api/query"), {
        query: "What are the targets of imatinib?",
        session_id: "s_test",
      });
      assert.equal(status, 200);
      for (
        const k of [
          "query_id",
          "session_id",
          "status",
          "success",
          "intent",
          "plan",
          "result",
          "answer",
          "provenance",
          "cached",
          "timing_ms",
        ]
      ) assert.ok(k in body, k);
      assert.equal((body.intent as Any).type, "target_query");
      assert.match(body.answer as string, /ABL1/);
    });

    await t.step("understood-but-unanswerable queries are 200 with the error code", async () => {
      for (
        const [q, code] of [["zorblaxinol", "not_found"], ["What is the weather today?", "out_of_scope"], [
          "qwrtzp xkcdvb",
          "unrecognized_query",
        ]]
      ) {
        const { status, body } = await postJson(u("/api/query"), { query: q });
        assert.equal(status, 200, q);
        assert.equal((body.error as Any).code, code, q);
      }
    });

    await t.step("SSE stream carries the same events", async () => {
      const res = await fetch(u("/api/query/stream?q=" + encodeURIComponent("targets of aspirin")));
      assert.equal(res.headers.get("content-type"), "text/event-stream");
      const text = await res.text();
      const types = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
      assert.deepEqual(types.slice(0, 3), ["accepted", "parsing", "planning"]);
      assert.equal(types.at(-1), "result");
    });

    const post = (body: string, type = "application/json"): RequestInit => ({
      method: "POST",
      headers: { "content-type": type },
      body,
    });
    const bad: [string, RequestInit, number, string][] = [
      [
        "/api/query",
        post(JSON.stringify({ query: "" })),
        400,
        "empty_query",
      ],
      [
        "/api/query",
        post(JSON.stringify({ query: "   \n\t " })),
        400,
        "empty_query",
      ],
      [
        "/api/query",
        post("{not json"),
        400,
        "invalid_request",
      ],
      [
        "/api/tools/substructure_search",
        post('{"a":'.repeat(3000) + "1" + "}".repeat(3000)),
        400,
        "invalid_request",
      ],
      [
        "/api/query",
        post("aspirin", "text/plain"),
        400,
        "invalid_request",
      ],
      [
        "/api/query",
        post(JSON.stringify({ q: "aspirin" })),
        400,
        "invalid_request",
      ],
      [
        "/api/query",
        post(JSON.stringify({ query: 42 })),
        400,
        "invalid_request",
      ],
      [
        "/api/query",
        post(JSON.stringify({ query: "x".repeat(100 * 1024) })),
        413,
        "payload_too_large",
      ],
      [
        "/api/query",
        post(JSON.stringify({ query: "aspirin ".repeat(5000) })),
        400,
        "invalid_request",
      ],
      [
        "/api/properties",
        post(JSON.stringify({ smiles: "C1CC(" })),
        400,
        "invalid_smiles",
      ],
      [
        "/api/properties",
        post(JSON.stringify({ smiles: "C".repeat(10_000) })),
        400,
        "invalid_parameter",
      ],
      [
        "/api/properties",
        post(JSON.stringify({ smiles: "" })),
        400,
        "invalid_smiles",
      ],
      [
        "/api/properties",
        post(JSON.stringify({})),
        400,
        "invalid_request",
      ],
      ["/api/compounds/CHEMBL99999999", {}, 404, "not_found"],
      ["/api/compounds/ibuprofin", {}, 404, "not_found"],
      ["/api/compounds/aspirin/similar?threshold=1.5", {}, 400, "invalid_parameter"],
      ["/api/compounds/aspirin/similar?threshold=abc", {}, 400, "invalid_parameter"],
      ["/api/compounds/aspirin/similar?limit=-5", {}, 400, "invalid_parameter"],
      ["/api/compounds/aspirin/similar?limit=99999999", {}, 400, "invalid_parameter"],
      ["/api/targets/NOTAGENE123/ligands", {}, 404, "not_found"],
      ["/api/compounds?search=", {}, 400, "invalid_parameter"],
      ["/api/depict?smiles=C1CC(", {}, 400, "invalid_smiles"],
      ["/api/depict", {}, 400, "invalid_parameter"],
      ["/api/nowhere", {}, 404, "not_found"],
      ["/api/tools/nope", post("{}"), 404, "not_found"],
      // Tool names are own keys of the registry, never inherited properties of a plain object.
      ...["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__", "__defineGetter__"].map((
        name,
      ): [string, RequestInit, number, string] => [`/api/tools/${name}`, post("{}"), 404, "not_found"]),
    ];
    for (const [path, init, status, code] of bad) {
      await t.step(
        `${init.method ?? "GET"} ${path.slice(0, 60)} ${
          String(init.body ?? "").slice(0, 30)
        } → ${status} ${code}`,
        async () => {
          const r = await getJson(u(path), init);
          assert.equal(r.status, status, JSON.stringify(r.body).slice(0, 300));
          assert.equal(r.body.success, false);
          const err = (r.body.error ?? {}) as Any;
          assert.equal(err.code, code, JSON.stringify(r.body).slice(0, 300));
          assert.ok(!JSON.stringify(r.body).includes("    at "), "no stack traces");
        },
      );
    }

    await t.step("a chunked body over the limit (no Content-Length) is 413 payload_too_large", async () => {
      const chunk = new TextEncoder().encode(" ".repeat(16 * 1024));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(c) {
          // 8 × 16 KiB = 128 KiB > the 64 KiB limit.
          if (sent++ < 8) c.enqueue(chunk);
          else c.close();
        },
      });
      const { res, json } = await postStream(u("/api/query"), body);
      assert.equal(res.status, 413);
      assert.equal(json.error.code, "payload_too_large");
    });

    await t.step("a chunked body under the limit is read whole and answered", async () => {
      const text = new TextEncoder().encode(
        JSON.stringify({ query: "What is the molecular weight of aspirin?" }),
      );
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < text.length; i += 7) c.enqueue(text.subarray(i, i + 7)); // many small chunks
          c.close();
        },
      });
      const { res, json } = await postStream(u("/api/query"), body);
      assert.equal(res.status, 200);
      assert.equal(json.intent.type, "property_query");
    });

    await t.step("an unknown tool answers 404 with the list of tools", async () => {
      const r = await postJson(u("/api/tools/constructor"), {});
      assert.equal(r.status, 404);
      const err = r.body.error as Any;
      assert.ok(err.suggestions.includes("properties") && err.suggestions.includes("compound_lookup"));
      assert.ok(!err.suggestions.includes("constructor"));
    });

    await t.step("an over-long URL gets the JSON envelope (414), not a bare error", async () => {
      const r = await getJson(u("/api/compounds?search=" + "a".repeat(40 * 1024)));
      assert.equal(r.status, 414);
      assert.equal(r.body.success, false);
      assert.equal((r.body.error as Any).code, "invalid_request");
      assert.match((r.body.error as Any).message, /limit is 16384/);
      assert.ok(r.body.request_id);
    });

    await t.step("a long search string is refused and the server keeps serving", async () => {
      const r = await getJson(u("/api/compounds?search=" + "a".repeat(8 * 1024)));
      assert.equal(r.status, 400);
      assert.equal((r.body.error as Any).code, "invalid_parameter");
      const big = await postJson(u("/api/properties"), { smiles: "C".repeat(100 * 1024) });
      assert.equal(big.status, 413);
      assert.equal((await getJson(u("/health"))).status, 200);
      assert.equal((await getJson(u("/api/compounds/CHEMBL25"))).status, 200);
    });
  },
});

Deno.test({ name: "close server", sanitizeResources: false, sanitizeOps: false, fn: () => server.close() });
