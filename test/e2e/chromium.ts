// Launches Debian's Chromium (`apt-get install -y chromium`) through playwright-core.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type LaunchOptions } from "playwright-core";
import { ARGS, EXECUTABLE, requireChromium } from "../../scripts/chromium.mjs";

/**
 * Starts a headless Chromium; throws with install instructions when it is missing.
 * @param options - more launch options, e.g. `ignoreDefaultArgs: ["--disable-popup-blocking"]`
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  requireChromium();
  return chromium.launch({ ...options, executablePath: EXECUTABLE, args: [...ARGS] });
}

/**
 * Starts a headless Chromium on a fresh profile whose preferences file holds `prefs`, as one
 * persistent context (every page of it shares cookies and storage, as tabs do). Closing the
 * context stops Chromium and removes the profile.
 * @param prefs - Chromium profile preferences, e.g. `{ profile: { cookie_controls_mode: 1 } }`
 *   (third-party cookies blocked; 0 allows them)
 */
export async function launchChromiumProfile(prefs: object, options: LaunchOptions = {}): Promise<BrowserContext> {
  requireChromium();
  const dir = mkdtempSync(join(tmpdir(), "implicitly-profile-"));
  mkdirSync(join(dir, "Default"));
  writeFileSync(join(dir, "Default", "Preferences"), JSON.stringify(prefs));
  const context = await chromium.launchPersistentContext(dir, {
    ...options,
    executablePath: EXECUTABLE,
    args: [...ARGS],
    viewport: { width: 800, height: 760 },
  });
  // Chromium may still be writing the profile as it exits: removed with retries, never failing the test.
  context.on("close", () => void rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }).catch(() => undefined));
  return context;
}
