// Part of `npm run bench:browser` (node bench/browser/sessions.mjs, after `npm run build`): what a
// persisted session (persistSession) costs at a reload, against the hidden frame it replaces, in
// headless Chromium against the demo's OpenID provider (oidc-provider, code flow, DPoP), app and
// provider on the same site so that the frame works too. Per round, on fresh page loads:
// - "renew, persisted": renew() of a client with persistSession: the IndexedDB read, the Web Lock,
//   one refresh with a DPoP proof of the stored key, the rotated token written back;
// - "renew, hidden frame": renew() of a client without it: the frame with prompt=none, its code
//   exchanged (with a DPoP proof);
// - "IndexedDB read": opening the database and reading the stored session, alone.
import { chromium } from "playwright-core";
import os from "node:os";
import { startDemo } from "../../demo/demo.mjs";
import { median } from "../lib/measure.mjs";
import { machine, machineLine, writeSection } from "../lib/report.mjs";
import { markdownTable } from "../lib/table.mjs";
import { ARGS, EXECUTABLE, requireChromium } from "../../scripts/chromium.mjs";

const ROUNDS = Number(process.env.BENCH_SESSIONS_ROUNDS ?? 30);
const WARM_UP = Math.min(3, ROUNDS);
requireChromium();

const demo = await startDemo({ provider: "oidc", flow: "code", dpop: true, persist: true });
const oidc = demo.oidc;
const page_ = demo.spa.pages["script-tag"];
const browser = await chromium.launch({ executablePath: EXECUTABLE, args: ARGS });
const context = await browser.newContext();
const page = await context.newPage();
const load = [os.loadavg()[0]];

// Sign in once (the provider's development login), which also stores the session.
await page.goto(page_);
await page.locator("body[data-ready]").waitFor();
await page.getByRole("button", { name: "Sign in", exact: true }).click();
await page.waitForURL((url) => url.origin === oidc.issuer);
await page.getByPlaceholder("Enter any login").fill("demo");
await page.getByPlaceholder("and password").fill("any password");
await page.getByRole("button", { name: "Sign-in" }).click();
await page.getByRole("button", { name: "Continue" }).click();
await page.waitForURL((url) => url.origin === demo.spa.origin);
await page.locator("body[data-ready]").waitFor();

const cfg = {
  authorizationEndpoint: oidc.authorizationEndpoint,
  tokenEndpoint: oidc.tokenEndpoint,
  clientId: oidc.clientId,
  redirectUri: page_,
  silentRedirectUri: demo.spa.redirectUris.silent,
  scope: ["openid", "profile"],
};

/** On a fresh load of the demo page: times renew() of a new client, with or without persistSession. */
const timeRenew = async (persist) => {
  await page.goto(page_);
  await page.locator("body[data-ready]").waitFor();
  return page.evaluate(
    async ({ cfg, persist }) => {
      const { Implicitly } = window;
      const client = Implicitly.createClient({ ...cfg, flow: Implicitly.codeFlow, dpop: Implicitly.dpop });
      if (persist) Implicitly.persistSession(client);
      const start = performance.now();
      const token = await Implicitly.renew(client);
      const ms = performance.now() - start;
      if (token.tokenType !== "DPoP") throw new Error("not DPoP-bound");
      return ms;
    },
    { cfg, persist },
  );
};

const timeRead = async () => {
  await page.goto(page_);
  await page.locator("body[data-ready]").waitFor();
  return page.evaluate(async () => {
    const start = performance.now();
    const record = await new Promise((resolve, reject) => {
      const open = indexedDB.open("implicitly", 1);
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const get = open.result.transaction("sessions").objectStore("sessions").getAll();
        get.onsuccess = () => resolve(get.result[0]);
        get.onerror = () => reject(get.error);
      };
    });
    const ms = performance.now() - start;
    if (!record?.key) throw new Error("nothing stored");
    return ms;
  });
};

const tasks = [
  { name: "renew, persisted (IndexedDB, lock, one refresh)", run: () => timeRenew(true) },
  { name: "renew, hidden frame (prompt=none, code exchange)", run: () => timeRenew(false) },
  { name: "IndexedDB read of the stored session", run: timeRead },
];
const samples = new Map(tasks.map((t) => [t.name, []]));
const started = Date.now();
for (let round = 0; round < WARM_UP + ROUNDS; round++) {
  for (let k = 0; k < tasks.length; k++) {
    const task = tasks[(k + round) % tasks.length];
    const ms = await task.run();
    if (round >= WARM_UP) samples.get(task.name).push(ms);
  }
}
load.push(os.loadavg()[0]);
const seconds = (Date.now() - started) / 1000;
await context.close();
await browser.close();
await demo.close();

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  return s[Math.floor(at)] + (s[Math.ceil(at)] - s[Math.floor(at)]) * (at - Math.floor(at));
};
const msText = (v) => `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;
const rows = tasks.map((t) => {
  const xs = samples.get(t.name);
  return [t.name, `${msText(median(xs))} (${msText(quantile(xs, 0.25))}–${msText(quantile(xs, 0.75))})`];
});
const m = machine();
await writeSection(
  "sessions",
  `## A persisted session at a reload (\`npm run bench:browser\`, bench/browser/sessions.mjs)

Headless Chromium ${browser.version()}; ${machineLine(m)}; ${ROUNDS} interleaved rounds in ${seconds.toFixed(0)} s;
load average ${load.map((l) => l.toFixed(1)).join(" → ")}. The demo's OpenID provider (oidc-provider, code
flow, DPoP) on the app's site, so that the frame works too; each time is \`renew()\` of a new client
on a fresh page load, median (25th–75th percentile).

${markdownTable(["", "median (p25–p75)"], rows)}
`,
);
