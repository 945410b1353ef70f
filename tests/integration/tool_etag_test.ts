/** Tool GETs (compounds, targets, depictions) carry an ETag from the dataset version and their content: a
 * matching If-None-Match answers 304 with no body, the tag is stable across requests, and changes with the content. */
import assert from "node:assert/strict";
import { observedStack, testAgent } from "../helpers.ts";

const base = await testAgent();

Deno.test({
  name: "tool GETs: ETag, 304 on If-None-Match, Cache-Control",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const s = await observedStack();
    const get = (path: string, headers: Record<string, string> = {}) =>
      s.app.fetch(new Request("http://x" + path, { headers }));
    const paths = [
      "/api/compounds/CHEMBL25",
      "/api/compounds?search=aspirin",
      "/api/compounds/CHEMBL25/targets",
      "/api/compounds/CHEMBL25/similar?threshold=0.5",
      `/api/targets/${encodeURIComponent(base.data.targets[0].id)}/ligands?limit=5`,
      "/api/depict?smiles=CCO",
    ];
    const tags = new Set<string>();
    for (const path of paths) {
      const first = await get(path);
      assert.equal(first.status, 200, path);
      const tag = first.headers.get("etag")!;
      assert.ok(tag?.includes(`"${base.data.version}-`), `${path}: ${tag}`);
      // JSON envelopes carry their own timing, so their tag is weak; an SVG is the same bytes every time.
      assert.equal(tag.startsWith("W/"), path !== "/api/depict?smiles=CCO", tag);
      assert.match(first.headers.get("cache-control")!, /^public, max-age=\d+$/);
      const body = await first.text();
      const again = await get(path);
      assert.equal(again.headers.get("etag"), tag, `${path}: stable tag`);
      await again.body?.cancel();
      const notModified = await get(path, { "if-none-match": tag });
      assert.equal(notModified.status, 304, path);
      assert.equal(notModified.headers.get("etag"), tag);
      assert.equal(notModified.headers.get("content-type"), null);
      assert.equal((await notModified.arrayBuffer()).byteLength, 0);
      const other = await get(path, { "if-none-match": '"other", W/"x"' });
      assert.equal(other.status, 200);
      assert.equal(await other.text() !== "", true);
      assert.ok(body.length > 0);
      tags.add(tag);
    }
    assert.equal(tags.size, paths.length, "different content, different tags");
    // Errors are never tagged.
    const missing = await get("/api/compounds/CHEMBL_NOPE_0");
    assert.notEqual(missing.status, 200);
    assert.equal(missing.headers.get("etag"), null);
    await missing.body?.cancel();
    s.store.close();
  },
});
