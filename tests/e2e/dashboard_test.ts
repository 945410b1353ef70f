/// <reference lib="dom" />
/** The operations dashboard in real Chromium under a small generated load: every page renders live data,
 * a new error reaches the Errors page over the WebSocket feed, CSV and PDF exports download and open. */
import assert from "node:assert/strict";
import { Agent } from "../../core/mod.ts";
import { LayeredCache } from "../../core/cache/mod.ts";
import { commonQueries, warmCache } from "../../core/warm.ts";
import { MetricsStore } from "../../core/obs/metrics_store.ts";
import { AlertEngine } from "../../core/obs/alerts/engine.ts";
import { createApp } from "../../edge/app.ts";
import { MemoryEventLog } from "../../edge/ws/event_log.ts";
import { Hub } from "../../edge/ws/hub.ts";
import { LocalRoomBus } from "../../edge/ws/room_bus.ts";
import { testAgent } from "../helpers.ts";
import { browserTestOpts, launchBrowser, shots } from "../browser.ts";

/** The app with metrics store, alerts and the WebSocket hub, as the dashboard sees it, on an ephemeral port. */
async function startDashboardServer() {
  const base = await testAgent();
  const store = new MetricsStore(":memory:");
  const agent = new Agent(base.data, base.chem, {
    cache: new LayeredCache(),
    observers: [store.listener()],
  });
  const hub = new Hub({ agent, log: new MemoryEventLog(), bus: new LocalRoomBus() });
  agent.observers.push(hub.observer());
  const app = createApp({
    agent,
    config: { CHEMAGENT_MAX_BODY_BYTES: 65536, corsOrigins: ["*"] },
    ws: { hub, authRequired: false },
    observability: { store, alerts: new AlertEngine(store, []), showStacks: true },
  });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
  return { agent, server, url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}` };
}

Deno.test({
  name: "dashboard: six pages with live data, new errors pushed live, CSV and PDF exports",
  ...browserTestOpts,
  async fn() {
    const { server, url } = await startDashboardServer();
    const ask = (q: string) =>
      fetch(`${url}/api/query`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: q }),
      }).then((r) => r.json());
    const load = [
      "targets of aspirin",
      "molecular weight of caffeine",
      "ligands of EGFR",
      "Is ibuprofen drug-like?",
      "Find compounds similar to aspirin and get their targets",
      "compare aspirin and ibuprofen",
    ];
    for (let i = 0; i < 30; i++) await ask(load[i % load.length]);

    const b = await launchBrowser();
    const ctx = await b.newContext({ acceptDownloads: true, viewport: { width: 1300, height: 1000 } });
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const frames: string[] = [];
    page.on("websocket", (ws) => ws.on("framereceived", (f) => frames.push(String(f.payload))));
    const checks: Record<string, () => Promise<void>> = {
      overview: async () => {
        await page.waitForFunction(() =>
          /\d/.test(document.querySelector(".card .value")?.textContent ?? "")
        );
        assert.equal(await page.textContent(".card .value"), "30");
        // The live table starts from the queries already answered (no new query has run since the load).
        await page.waitForFunction(() => document.querySelectorAll("#live-table tbody tr").length === 10);
      },
      performance: async () => {
        await page.waitForFunction(() => document.querySelectorAll("canvas").length >= 4);
        await page.waitForFunction(() => document.querySelectorAll(".panel table tbody tr").length > 0);
      },
      caching: async () => {
        await page.waitForFunction(() => /%/.test(document.querySelector(".card .value")?.textContent ?? ""));
      },
      tools: async () => {
        await page.waitForFunction(() => document.querySelectorAll("#tools-table tbody tr").length >= 4);
        assert.match(await page.textContent("#tools-table") ?? "", /similarity_search/);
      },
      errors: async () => {
        await page.waitForSelector("#errors-table");
      },
      queries: async () => {
        await page.waitForFunction(() => document.querySelectorAll(".panel table tbody tr").length >= 30);
      },
    };
    for (const [name, check] of Object.entries(checks)) {
      await page.goto(`${url}/ui/dashboard/#/${name}`);
      await page.waitForFunction(() => document.querySelector(".live")?.textContent === "live");
      await check();
      await page.waitForTimeout(300); // charts settle
      await page.screenshot({ path: new URL(`dashboard-${name}.png`, shots).pathname, fullPage: true });
    }
    // A new error reaches the Errors page, pushed over the WebSocket feed (pages poll only every 10 s; the
    // 5 s deadline detects a hang, the feed is checked by its frames; latency is not asserted).
    await page.goto(`${url}/ui/dashboard/#/errors`);
    await page.waitForFunction(() => document.querySelector(".live")?.textContent === "live");
    await page.waitForTimeout(300);
    const t0 = performance.now();
    await ask("What is the molecular weight of zzyxorinol?");
    await page.waitForFunction(
      () => /zzyxorinol/.test(document.querySelector("#errors-table")?.textContent ?? ""),
      null,
      { timeout: 5000 },
    );
    const ms = performance.now() - t0;
    console.log(`new error on screen after ${ms.toFixed(0)} ms`);
    assert.ok(frames.some((f) => /zzyxorinol/.test(f)), "the error arrived over the WebSocket feed");
    // CSV export of the errors table.
    const [csv] = await Promise.all([
      page.waitForEvent("download"),
      page.click(".panel:last-of-type button.csv"),
    ]);
    const csvPath = await Deno.makeTempFile({ suffix: ".csv" });
    await csv.saveAs(csvPath);
    const text = await Deno.readTextFile(csvPath);
    assert.match(text.split("\n")[0], /error_code/);
    assert.match(text, /zzyxorinol/);
    // PDF export opens with pdftotext and renders with pdftoppm.
    const [pdf] = await Promise.all([page.waitForEvent("download"), page.click("#pdf")]);
    const pdfPath = await Deno.makeTempFile({ suffix: ".pdf" });
    await pdf.saveAs(pdfPath);
    const txt = await new Deno.Command("pdftotext", { args: [pdfPath, "-"], stdout: "piped" }).output();
    assert.equal(txt.code, 0);
    const pdfText = new TextDecoder().decode(txt.stdout);
    assert.match(pdfText, /ChemAgent metrics report/);
    assert.match(pdfText, /Queries: 31/);
    const png = await new Deno.Command("pdftoppm", {
      args: ["-png", "-r", "60", "-singlefile", pdfPath, new URL("dashboard-report", shots).pathname],
    }).output();
    assert.equal(png.code, 0);
    assert.deepEqual(errors, []);
    await b.close();
    await server.shutdown();
  },
});

Deno.test({
  name:
    "dashboard tells the truth: after a warm-up of 100 and 20 user questions, Overview shows 20 user queries, " +
    "outcomes that add up, four charts with data, and the same cache hit rate as Caching",
  ...browserTestOpts,
  async fn() {
    // Screenshots go to an ignored folder (never tracked files); SCREENSHOTS_DIR overrides it.
    const out = new URL(
      `${Deno.env.get("SCREENSHOTS_DIR") ?? "test-output/screenshots"}/`,
      new URL("../../", import.meta.url),
    );
    await Deno.mkdir(out, { recursive: true });
    const { agent, server, url } = await startDashboardServer();
    const warm = await warmCache(agent, (await commonQueries()).slice(0, 100));
    assert.equal(warm.total, 100);
    const questions = [
      "targets of aspirin",
      "molecular weight of caffeine",
      "ligands of EGFR",
      "Is ibuprofen drug-like?",
      "compare aspirin and ibuprofen",
      "What is the molecular weight of zzyxorinol?", // user error: not_found
      "What is the logP of qwertyzine?", // user error: not_found
    ];
    for (let i = 0; i < 20; i++) {
      await fetch(`${url}/api/query`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: questions[i % questions.length] }),
      }).then((r) => r.json());
    }
    const summary = (await fetch(`${url}/api/metrics/summary?window=1h`).then((r) => r.json())).result;
    assert.equal(summary.queries, 20);
    const all = (await fetch(`${url}/api/metrics/summary?window=1h&origin=all`).then((r) => r.json())).result;
    assert.equal(all.queries, 120);

    const b = await launchBrowser();
    const page = await b.newPage({ viewport: { width: 1300, height: 1000 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(`${url}/ui/dashboard/#/overview`);
    await page.waitForFunction(() => document.querySelector(".live")?.textContent === "live");
    const card = (id: string) => page.textContent(`#${id} .value`).then((t) => t ?? "");
    await page.waitForFunction(() => document.querySelector("#card-queries .value")?.textContent === "20");
    await page.waitForFunction(() =>
      /\d/.test(document.querySelector("#card-system-errors .value")?.textContent ?? "")
    );
    const count = (t: string) => Number(t.split(" ")[0]);
    const answered = count(await card("card-answered"));
    const userErrors = count(await card("card-user-errors"));
    const systemErrors = count(await card("card-system-errors"));
    assert.equal(answered + userErrors + systemErrors, 20);
    assert.equal(userErrors, summary.outcomes.user_error);
    assert.ok(userErrors >= 4, `the not-found questions are user errors (${userErrors})`);
    // Definitions on hover.
    assert.match(
      await page.getAttribute("#card-user-errors", "title") ?? "",
      /could not be answered as asked/,
    );
    assert.match(
      await page.getAttribute("#card-hit-rate", "title") ?? "",
      /whole answer came from the cache/,
    );
    // Four charts, each with data (no "nothing in this range" overlay).
    await page.waitForFunction(() => document.querySelectorAll("#overview-charts canvas").length === 4);
    await page.waitForTimeout(500); // charts settle
    assert.equal(await page.locator("#overview-charts .chart-empty").count(), 0);
    const hitRate = await card("card-hit-rate");
    assert.equal(hitRate, `${(summary.cache_hit_rate * 100).toFixed(1)}%`);
    // The live table shows user queries only.
    await page.waitForFunction(() => document.querySelectorAll("#live-table tbody tr").length === 10);
    await page.screenshot({ path: new URL("dashboard-overview-truth.png", out).pathname, fullPage: true });
    // Including internal traffic shows all 120.
    await page.click("#include-internal");
    await page.waitForFunction(() => document.querySelector("#card-queries .value")?.textContent === "120");
    await page.screenshot({ path: new URL("dashboard-overview-all.png", out).pathname, fullPage: true });
    await page.click("#include-internal");
    // Caching shows the same cache hit rate, with the same definition.
    await page.goto(`${url}/ui/dashboard/#/caching`);
    await page.waitForFunction(() =>
      /%/.test(document.querySelector("#card-hit-rate .value")?.textContent ?? "")
    );
    assert.equal(await card("card-hit-rate"), hitRate);
    await page.waitForTimeout(300);
    await page.screenshot({ path: new URL("dashboard-caching-truth.png", out).pathname, fullPage: true });
    assert.deepEqual(pageErrors, []);
    await b.close();
    await server.shutdown();
  },
});
