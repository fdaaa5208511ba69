import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium (`apt-get install chromium`; tools/bin/setup-machine.js installs it), or CHROMIUM_BIN. */
export const CHROMIUM_BIN = process.env.CHROMIUM_BIN || "/usr/bin/chromium";

/** Headless Chromium driven by playwright-core (which brings no browser of its own). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_BIN)) {
    throw new Error(`no Chromium at ${CHROMIUM_BIN}: install Debian's (apt-get install chromium) or set CHROMIUM_BIN`);
  }
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM_BIN, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"] });
}
