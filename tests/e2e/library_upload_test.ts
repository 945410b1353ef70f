/// <reference lib="dom" />
/** The library acceptance test in real Chromium: a seeded 100,000-record SDF (gzip) with 1 % broken records is
 * uploaded through the console's library page, the progress bar is watched rising, every broken record is
 * reported with its record number, every good record is in the searchable library (or reported as a duplicate of
 * one that is), and a question over the library is answered on the page. */
import assert from "node:assert/strict";
import { browserTestOpts as opts, launchBrowser as browser, shots } from "../browser.ts";
import { createApp } from "../../edge/app.ts";
import { Agent, LibraryStore } from "../../core/mod.ts";
import { testAgent } from "../helpers.ts";
import { generateSdf } from "../fixtures/library_sdf.ts";

// LIBRARY_E2E_RECORDS lowers the size for a quick local run; the acceptance size is the default.
const RECORDS = Number(Deno.env.get("LIBRARY_E2E_RECORDS") ?? 100_000);

Deno.test({
  ...opts,
  name: `libraries page: a ${RECORDS}-record SDF with 1 % broken records, progress watched, then searched`,
  async fn() {
    const base = await testAgent();
    const dir = await Deno.makeTempDir();
    const libraries = new LibraryStore(dir);
    const agent = new Agent(base.data, base.chem, { libraries });
    const app = createApp({
      agent,
      config: {
        CHEMAGENT_MAX_BODY_BYTES: 64 * 1024,
        CHEMAGENT_MAX_LIBRARY_BYTES: 2 * 1024 ** 3,
        corsOrigins: ["*"],
      },
      onUnexpected: (e) => console.error(e),
    });
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
    const url = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
    const gen = await generateSdf(base.data.compounds, { records: RECORDS });
    const file = `${dir}/analogues.sdf.gz`;
    await Deno.writeFile(
      file,
      new Uint8Array(
        await new Response(new Blob([gen.text]).stream().pipeThrough(new CompressionStream("gzip")))
          .arrayBuffer(),
      ),
    );
    const b = await browser();
    try {
      const page = await b.newPage({ viewport: { width: 1280, height: 1000 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${url}/ui/libraries`);
      // The shared stylesheet (/ui/base.css) is applied: page background and the two-column main grid.
      const layout = await page.evaluate(() => {
        const main = getComputedStyle(document.querySelector("main")!);
        return [
          getComputedStyle(document.body).backgroundColor,
          main.display,
          main.gridTemplateColumns.split(" ").length,
        ];
      });
      assert.deepEqual(layout, ["rgb(246, 248, 250)", "grid", 2]);
      await page.fill("#name", "analogues");
      await page.setInputFiles("#file", file);
      await page.click("#send");
      // The bar is seen part-way (the import streams: progress is the share of the upload consumed so far).
      await page.waitForFunction(
        () => {
          const v = Number(document.getElementById("lib-progress")!.dataset.value);
          return v > 0.02 && v < 0.9;
        },
        null,
        { timeout: 600_000, polling: 100 },
      );
      const midway = Number(await page.getAttribute("#lib-progress", "data-value"));
      await page.waitForFunction(() => document.getElementById("lib-status")!.dataset.done === "1", null, {
        timeout: 1_800_000,
      });
      assert.equal(await page.getAttribute("#lib-progress", "data-value"), "1");
      assert.ok(midway > 0 && midway < 1);
      const status = await page.textContent("#lib-status") ?? "";
      assert.match(status, new RegExp(`from ${RECORDS.toLocaleString("en-US")} records`));

      // The report: every planted broken record, by record number, and nothing else.
      const lib = libraries.list({ enforced: false })[0];
      const report = lib.meta.report;
      assert.equal(report.records, RECORDS);
      assert.deepEqual(report.rejected_records.map((r) => r.record).sort((a, b) => a - b), gen.broken);
      assert.equal(report.rejected, gen.broken.length);
      assert.equal(report.accepted + report.duplicates + report.rejected, RECORDS);
      // Every good record is searchable: accepted into the library, or a duplicate of a record that was (the
      // counts add up, so a good record that is not in the library is one of the reported duplicates).
      const inLibrary = new Set(lib.records);
      const broken = new Set(gen.broken);
      assert.equal(inLibrary.size, report.accepted);
      assert.equal(lib.size, report.accepted);
      for (const r of inLibrary) assert.ok(!broken.has(r), `broken record ${r} is in the library`);
      for (const d of report.duplicate_records) {
        assert.ok(inLibrary.has(d.duplicate_of) && !broken.has(d.record), `duplicate ${d.record}`);
      }
      const shownRejected = await page.$$eval("#rejected tbody tr", (rows) => rows.length);
      assert.equal(shownRejected, Math.min(200, gen.broken.length));
      assert.equal(
        Number((await page.textContent("#stat-rejected"))!.replace(/,/g, "")),
        gen.broken.length,
      );

      // A question over the library, asked on the page: the analogues of a drug are found in it.
      const drug = gen.samples[0].title.replace(/-\d+$/, "");
      await page.fill("#q", `in my analogues library, find compounds similar to ${drug}`);
      await page.click("#ask button");
      await page.waitForFunction(() => !!document.getElementById("answer")!.dataset.status, null, {
        timeout: 120_000,
      });
      assert.equal(await page.getAttribute("#answer", "data-status"), "success");
      assert.match(await page.textContent("#answer") ?? "", /in library analogues/);
      assert.ok(await page.$$eval("#answer table tbody tr", (r) => r.length) >= 1);
      await page.screenshot({ path: new URL("library-upload.png", shots).pathname, fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await b.close();
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
