/// <reference lib="dom" />
/** The web console in real Chromium (Debian chromium + playwright-core): a 3-step workflow to 100%, cancel,
 * clarification, and the SDK bundle running in the browser through a server restart. */
import assert from "node:assert/strict";
import { browserTestOpts as opts, launchBrowser as browser } from "../browser.ts";
import { startWsServer } from "../ws_helpers.ts";
import { startRedis } from "../services.ts";

const shots = new URL("../../docs/screenshots/", import.meta.url);

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
    assert.ok(await page.$$eval("#answer table", (t) => t.length) >= 3);
    assert.match(await page.textContent("#answer") ?? "", /Ranked by cLogP/);
    // Structures of the similarity hits, drawn by the server (real SVGs that loaded).
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>(".structures img")].filter((i) =>
        i.complete && i.naturalWidth > 0
      ).length >= 6
    );
    assert.match(await page.textContent(".structures") ?? "", /Dexibuprofen · 1\.00/);
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
