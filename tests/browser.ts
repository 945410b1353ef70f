/** Debian's Chromium driven by playwright-core, shared by the e2e tests. Outside CI a machine without it
 * skips them; in CI (`CI=true`) they run and fail loudly instead. */
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const haveChromium = await Deno.stat(CHROMIUM).then(() => true, () => false);
export const browserTestOpts = {
  sanitizeOps: false,
  sanitizeResources: false,
  ignore: !haveChromium && Deno.env.get("CI") !== "true",
};

export async function launchBrowser(): Promise<Browser> {
  if (!haveChromium) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`);
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
