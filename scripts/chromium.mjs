// Debian's Chromium, as the browser tests (test/e2e/chromium.ts) and the browser benchmarks
// (bench/browser) launch it: one list of flags for both, loopback only, nothing in the background.
import { existsSync } from "node:fs";

/** The Chromium binary: `CHROMIUM_PATH`, else Debian's. */
export const EXECUTABLE = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The flags every browser test and benchmark launches Chromium with. */
export const ARGS = [
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

/** Fails early, with the fix, when Chromium is not installed. */
export const requireChromium = () => {
  if (!existsSync(EXECUTABLE)) throw new Error(`Chromium not found at ${EXECUTABLE}: \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`);
};
