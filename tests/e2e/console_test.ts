/// <reference lib="dom" />
/** The web console in real Chromium (Debian chromium + playwright-core): a 3-step workflow to 100%, cancel,
 * clarification, and the SDK bundle running in the browser through a server restart. */
import assert from "node:assert/strict";
import { browserTestOpts as opts, launchBrowser as browser, shots } from "../browser.ts";
import { startWsServer } from "../ws_helpers.ts";
import { startRedis } from "../services.ts";

const http = (s: { port: number }) => `http://127.0.0.1:${s.port}`;

Deno.test({
  ...opts,
  name: "console: a 3-step workflow reaches 100% with results, every step done",
  async fn() {
    const s = await startWsServer({ slowMs: 80 });
    const b = await browser();
    const page = await b.newPage({ viewport: { width: 1280, height: 1100 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${http(s)}/ui`);
    await page.waitForFunction(() => document.getElementById("conn")?.textContent === "open");
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
    await page.fill("#q", "Find compounds similar to ibuprofen with MW < 300 and rank them by logP");
    await page.click("#ask");
    // Progress is observed rising while steps run, then reaching 100%.
    await page.waitForFunction(() =>
      Number(document.getElementById("progress")!.dataset.value) > 0.1 &&
      Number(document.getElementById("progress")!.dataset.value) < 1
    );
    await page.waitForFunction(() => document.getElementById("progress")!.dataset.value === "1", null, {
      timeout: 10_000,
    });
    await page.waitForFunction(() => /success/.test(document.getElementById("status")!.textContent ?? ""));
    const steps = await page.$$eval("#steps li", (lis) => lis.map((l) => (l as HTMLElement).dataset.status));
    assert.deepEqual(steps, ["ok", "ok", "ok"]);
    // The ranked table is the answer; the steps it narrowed say so instead of listing rows that were dropped.
    assert.equal(await page.$$eval("#answer table", (t) => t.length), 1);
    assert.equal((await page.textContent("#answer") ?? "").match(/the next step narrows them/g)?.length, 2);
    assert.match(await page.textContent("#answer") ?? "", /Ranked by cLogP/);
    // Structures of the similarity hits, drawn by the server (real SVGs that loaded).
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>(".structures img")].filter((i) =>
        i.complete && i.naturalWidth > 0
      ).length >= 6
    );
    // Pictures of what the answer kept (the ranked list, with the similarity the search gave each), not of the
    // search's hits the MW filter dropped (ibuprofen guaiacol ester, 312 g/mol).
    const figures = await page.$$eval(".structures figcaption", (f) => f.map((x) => x.textContent ?? ""));
    assert.match(figures[0], /^Xenyhexenic Acid · 0\.\d\d$/);
    assert.ok(!figures.some((f) => /guaiacol/i.test(f)), figures.join(" | "));
    // The bar eases to full width (a 150 ms transition): shoot the finished state.
    await page.waitForFunction(() => {
      const bar = document.getElementById("progress")!;
      return bar.getBoundingClientRect().width >= bar.parentElement!.getBoundingClientRect().width - 0.5;
    });
    await page.screenshot({ path: new URL("console-workflow.png", shots).pathname, fullPage: true });
    assert.deepEqual(errors, []);
    await b.close();
    await s.stop(false);
  },
});

Deno.test({
  ...opts,
  name: "console: the question is shown with used words underlined and unused words struck through",
  async fn() {
    const s = await startWsServer({});
    const b = await browser();
    const page = await b.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${http(s)}/ui`);
    await page.waitForFunction(() => document.getElementById("conn")?.textContent === "open");
    await page.fill("#q", "molecular weight of aspirin in zorblax units");
    await page.click("#ask");
    await page.waitForFunction(() => /partial/.test(document.getElementById("status")!.textContent ?? ""));
    const used = await page.$$eval("#understanding .used", (n) => n.map((x) => x.textContent));
    const unused = await page.$$eval("#understanding .unused", (n) => n.map((x) => x.textContent));
    assert.ok(used.includes("aspirin") && used.includes("molecular weight"), `used: ${used}`);
    assert.deepEqual(unused, ["zorblax", "units"]);
    assert.match(await page.textContent("#answer") ?? "", /zorblax/);
    assert.deepEqual(errors, []);
    await b.close();
    await s.stop(false);
  },
});

Deno.test({
  ...opts,
  name: "console: cancel a running query",
  async fn() {
    const s = await startWsServer({ slowMs: 400 });
    const b = await browser();
    const page = await b.newPage();
    await page.goto(`${http(s)}/ui`);
    await page.waitForFunction(() => document.getElementById("conn")?.textContent === "open");
    await page.fill("#q", "Find compounds similar to aspirin and get their targets");
    await page.click("#ask");
    await page.waitForSelector("#steps li[data-status=running]");
    await page.click("#cancel");
    await page.waitForFunction(() => document.getElementById("status")!.textContent === "cancelled", null, {
      timeout: 3000,
    });
    assert.match(await page.textContent("#answer") ?? "", /Cancelled/);
    await page.screenshot({ path: new URL("console-cancel.png", shots).pathname });
    await b.close();
    await s.stop(false);
  },
});

Deno.test({
  ...opts,
  name: "console: answer a clarification",
  async fn() {
    const s = await startWsServer();
    const b = await browser();
    const page = await b.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${http(s)}/ui`);
    await page.waitForFunction(() => document.getElementById("conn")?.textContent === "open");
    await page.fill("#q", "Thrombin");
    await page.click("#ask");
    await page.waitForSelector(".clarify button");
    await page.screenshot({ path: new URL("console-clarification.png", shots).pathname });
    const options = await page.$$eval(".clarify button", (bs) => bs.map((x) => x.textContent));
    assert.equal(options.length, 2);
    await page.click(".clarify button:nth-of-type(2)");
    await page.waitForFunction(
      () => /Ligands of/.test(document.getElementById("answer")!.textContent ?? ""),
      null,
      { timeout: 5000 },
    );
    await b.close();
    await s.stop(false);
  },
});

Deno.test({
  ...opts,
  name:
    "SDK in Chromium: server restarted mid-query, every remaining event exactly once; offline sends delivered",
  async fn() {
    const redis = await startRedis();
    let s = await startWsServer({ redisUrl: redis.url, slowMs: 150 });
    const port = s.port;
    const b = await browser();
    const page = await b.newPage();
    await page.goto(`${http(s)}/ui`);
    await page.waitForFunction(() => document.getElementById("conn")?.textContent === "open");
    const started = page.evaluate(async (url) => {
      const { ChemAgentClient } = await import(String("/ui/sdk.js"));
      const client = new ChemAgentClient(url, { reconnect: { initialDelayMs: 50, maxDelayMs: 300 } });
      const seqs: number[] = [];
      // deno-lint-ignore no-explicit-any
      (globalThis as any).__stepStarted = false;
      const r = await client.query("Find compounds similar to aspirin and get their targets", {
        // deno-lint-ignore no-explicit-any
        onEvent: (e: any) => {
          if (e.seq) seqs.push(e.seq);
          // deno-lint-ignore no-explicit-any
          if (e.type === "step_start") (globalThis as any).__stepStarted = true;
        },
      });
      return { status: r.status, seqs };
    }, `ws://127.0.0.1:${port}/ws`);
    await page.waitForFunction(() => (globalThis as unknown as { __stepStarted: boolean }).__stepStarted);
    await s.stop(true);
    s = await startWsServer({ redisUrl: redis.url, port });
    const r = await started;
    assert.equal(r.status, "success");
    assert.deepEqual(r.seqs, r.seqs.map((_: number, i: number) => i + 1));
    // Offline sends: stop, send, start.
    await s.stop(true);
    const offline = page.evaluate(async (url) => {
      const { ChemAgentClient } = await import(String("/ui/sdk.js"));
      const client = new ChemAgentClient(url, { reconnect: { initialDelayMs: 50, maxDelayMs: 300 } });
      const r = await client.query("molecular weight of caffeine");
      return r.answer;
    }, `ws://127.0.0.1:${port}/ws`);
    await new Promise((res) => setTimeout(res, 300));
    s = await startWsServer({ port });
    assert.match(await offline, /194\.19/);
    await b.close();
    await s.stop(false);
    await redis.stop();
  },
});

Deno.test({
  ...opts,
  name: "console: a cached answer shows its plan, an error looks like one, a suggestion click asks it",
  async fn() {
    const { Agent } = await import("../../core/mod.ts");
    const { LayeredCache } = await import("../../core/cache/mod.ts");
    const { createApp } = await import("../../edge/app.ts");
    const { Hub } = await import("../../edge/ws/hub.ts");
    const { MemoryEventLog } = await import("../../edge/ws/event_log.ts");
    const { LocalRoomBus } = await import("../../edge/ws/room_bus.ts");
    const { testAgent } = await import("../helpers.ts");
    const out = new URL(
      `${Deno.env.get("SCREENSHOTS_DIR") ?? "test-output/screenshots"}/`,
      new URL("../../", import.meta.url),
    );
    await Deno.mkdir(out, { recursive: true });
    const base = await testAgent();
    const agent = new Agent(base.data, base.chem, { cache: new LayeredCache() });
    const hub = new Hub({ agent, log: new MemoryEventLog(), bus: new LocalRoomBus() });
    const app = createApp({
      agent,
      config: { CHEMAGENT_MAX_BODY_BYTES: 65536, corsOrigins: ["*"] },
      ws: { hub, authRequired: false },
    });
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
    const url = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
    const b = await browser();
    const page = await b.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${url}/ui`);
    await page.waitForFunction(() => document.getElementById("conn")?.textContent === "open");
    const ask = async (q: string) => {
      await page.fill("#q", q);
      await page.click("#ask");
      await page.waitForFunction(() => !(document.getElementById("ask") as HTMLButtonElement).disabled);
    };
    // Cached: the plan of the answer it reuses, each step marked as served from the cache.
    await ask("Find compounds similar to aspirin and get their targets");
    await ask("Find compounds similar to aspirin and get their targets");
    assert.match(await page.textContent("#status") ?? "", /cached/);
    const steps = await page.$$eval(
      "#steps li[id]",
      (lis) => lis.map((l) => (l as HTMLElement).dataset.status),
    );
    assert.deepEqual(steps, ["cached", "cached"]);
    assert.match(await page.textContent("#steps") ?? "", /answered from the cache/);
    await page.screenshot({ path: new URL("console-cached-plan.png", out).pathname });
    // An error: red bar, red answer box, red status; the suggestions are buttons.
    // (A clear typo like "imatinibb" is corrected by itself; a four-letter gene typo is only suggested.)
    await ask("ligands of EGRF");
    assert.ok(await page.$eval(".bar", (e) => e.classList.contains("failed")));
    assert.ok(await page.$eval("#answer", (e) => e.classList.contains("failed")));
    const color = await page.$eval("#progress", (e) => getComputedStyle(e).backgroundColor);
    assert.equal(color, "rgb(179, 38, 30)"); // --err, not the accent blue
    const buttons = await page.$$eval(".suggestions button", (bs) => bs.map((x) => x.textContent));
    assert.equal(buttons[0], "EGFR");
    assert.equal(
      await page.locator("#answer p", { hasText: "Try:" }).count(),
      0,
      "the plain Try: line is gone",
    );
    await page.screenshot({ path: new URL("console-error-suggestions.png", out).pathname });
    // Clicking a suggestion asks the question with the name corrected, and the error state clears.
    await page.click(".suggestions button:first-of-type");
    await page.waitForFunction(() => /success/.test(document.getElementById("status")!.textContent ?? ""));
    assert.equal(await page.inputValue("#q"), "ligands of EGFR");
    assert.ok(!await page.$eval(".bar", (e) => e.classList.contains("failed")));
    assert.match(await page.textContent("#answer") ?? "", /EGFR/);
    assert.deepEqual(errors, []);
    await b.close();
    await server.shutdown();
  },
});
