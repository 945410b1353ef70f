/** Debian's Chromium driven by playwright-core, shared by the e2e tests. They always run: `deno task test`
 * installs Chromium first (or stops with the install command), and a run without it fails loudly. */
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const browserTestOpts = { sanitizeOps: false, sanitizeResources: false };

/** Where the e2e tests save screenshots: test-output/screenshots (ignored by git) in test runs, so tests never
 * modify tracked files; `deno task screenshots` sets SCREENSHOTS_DIR=docs/screenshots to refresh the docs. */
export const shots = new URL(
  `${Deno.env.get("SCREENSHOTS_DIR") ?? "test-output/screenshots"}/`,
  new URL("../", import.meta.url),
);
await Deno.mkdir(shots, { recursive: true });

export async function launchBrowser(): Promise<Browser> {
  if (!await Deno.stat(CHROMIUM).then(() => true, () => false)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or run \`deno task test\`)`,
    );
  }
  return await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
