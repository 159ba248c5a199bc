// Launches Debian's Chromium (`apt-get install -y chromium`) through playwright-core.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type LaunchOptions } from "playwright-core";

const EXECUTABLE = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // Loopback only: the tests must not depend on, or talk to, anything outside this machine.
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
];

/**
 * Starts a headless Chromium; throws with install instructions when it is missing.
 * @param options - more launch options, e.g. `ignoreDefaultArgs: ["--disable-popup-blocking"]`
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(EXECUTABLE)) {
    throw new Error(`Chromium not found at ${EXECUTABLE}. Install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
  }
  return chromium.launch({ ...options, executablePath: EXECUTABLE, args: ARGS });
}

/**
 * Starts a headless Chromium on a fresh profile whose preferences file holds `prefs`, as one
 * persistent context (every page of it shares cookies and storage, as tabs do). Closing the
 * context stops Chromium and removes the profile.
 * @param prefs - Chromium profile preferences, e.g. `{ profile: { cookie_controls_mode: 1 } }`
 *   (third-party cookies blocked; 0 allows them)
 */
export async function launchChromiumProfile(prefs: object, options: LaunchOptions = {}): Promise<BrowserContext> {
  if (!existsSync(EXECUTABLE)) {
    throw new Error(`Chromium not found at ${EXECUTABLE}. Install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
  }
  const dir = mkdtempSync(join(tmpdir(), "implicitly-profile-"));
  mkdirSync(join(dir, "Default"));
  writeFileSync(join(dir, "Default", "Preferences"), JSON.stringify(prefs));
  const context = await chromium.launchPersistentContext(dir, { ...options, executablePath: EXECUTABLE, args: ARGS, viewport: { width: 800, height: 760 } });
  // Chromium may still be writing the profile as it exits: removed with retries, never failing the test.
  context.on("close", () => void rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }).catch(() => undefined));
  return context;
}
