// `npm run bench:browser` (node bench/browser/run.mjs, after `npm run build`): what start-up costs
// where users feel it, in headless Chromium against the demo's OAuth 2.0 server (oauth2orize) with
// a live session. Every figure is a ratio to a floor timed in the same interleaved rounds: a bare
// hidden iframe that loads the same prompt=none request and whose page only posts location.hash
// to its parent. See ../README.md for what each line measures.
import crypto from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { DEMO_USER, startAuthServer } from "../../demo/auth-server.mjs";
import { listen } from "../../demo/lib.mjs";
import { median } from "../lib/measure.mjs";
import { machine, machineLine, writeSection } from "../lib/report.mjs";
import { markdownTable } from "../lib/table.mjs";
import { ARGS, EXECUTABLE, requireChromium } from "../../scripts/chromium.mjs";

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const ROUNDS = Number(process.env.BENCH_BROWSER_ROUNDS ?? 100);
// Rounds run and thrown away first: the first page loads of a fresh browser are slow.
const WARM_UP = Math.min(3, ROUNDS);
// Another build to measure, e.g. an older one (its dist/ folder); default the SDK's own.
const DIST = path.resolve(process.env.BENCH_DIST ?? here("../../dist"));

// Every script-tag build of the package, as shipped.
const SCRIPT_TAG_BUILDS = ["implicitly.umd.min.js", "implicitly-oidc.umd.min.js", "implicitly-code.umd.min.js"];
for (const file of SCRIPT_TAG_BUILDS) {
  if (!existsSync(path.join(DIST, file))) throw new Error(`${DIST}/${file} is missing: run \`npm run build\` first`);
}
requireChromium();
// Without the shipped silent page (an older build), renew() and restore() use the page that loads the SDK.
const SILENT_PAGE = path.join(DIST, "implicitly-silent.html");
const hasSilentPage = existsSync(SILENT_PAGE);

// The peers' minimal apps (bench/peers/entries), built as `npm run bench:peers` builds them.
const { ensurePeersInstalled } = await import("../peers/install.mjs");
ensurePeersInstalled();
const { buildEntry } = await import("../peers/size.mjs");
const scripts = SCRIPT_TAG_BUILDS.map((file) => ({ name: `dist/${file}`, file: path.join(DIST, file) }));
for (const entry of readdirSync(here("../peers/entries"))
  .map((f) => f.replace(/\.js$/, ""))
  .sort()) {
  await buildEntry(entry);
  scripts.push({ name: `peers: ${entry} app`, file: here(`../peers/dist/${entry}.min.js`) });
}
for (const s of scripts) s.source = readFileSync(s.file, "utf8");

// ---------------------------------------------------------------------------------------------
// The app's origin: its pages, served as the demo serves its own (no caching, a strict CSP that
// allows inline scripts by hash only). The floor and the shipped silent page get the same headers.

const pages = {
  "/host.html": readFileSync(here("pages/host.html"), "utf8"),
  "/floor.html": readFileSync(here("pages/floor.html"), "utf8"),
  "/eval.html": readFileSync(here("pages/eval.html"), "utf8"),
  "/app-silent.html": readFileSync(here("pages/app-silent.html"), "utf8"),
  "/callback.html": readFileSync(here("pages/callback.html"), "utf8"),
  ...(hasSilentPage && { "/silent.html": readFileSync(SILENT_PAGE, "utf8") }),
};
const files = {
  "/app-silent.js": readFileSync(here("pages/app-silent.js")),
  "/callback.js": readFileSync(here("pages/callback.js")),
  "/dist/implicitly.umd.min.js": readFileSync(path.join(DIST, "implicitly.umd.min.js")),
};
const inlineScripts = (html) => [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
const hashes = Object.values(pages)
  .flatMap(inlineScripts)
  .map((code) => `'sha256-${crypto.createHash("sha256").update(code).digest("base64")}'`);
const attribute = (value) => value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

let auth; // set once the app's origin is known (the redirect URIs are on it)
let config; // what every client of the pages is created with
const app = await listen(
  (req, res) => {
    const { pathname } = new URL(req.url, "http://x");
    const csp = [
      "default-src 'self'",
      `script-src 'self' ${hashes.join(" ")}${pathname === "/eval.html" ? " 'unsafe-eval'" : ""}`,
      `frame-src 'self' ${auth ? new URL(auth.authorizationEndpoint).origin : ""}`,
      "frame-ancestors 'self'",
      "object-src 'none'",
      "base-uri 'none'",
    ].join("; ");
    const headers = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Content-Security-Policy": csp };
    // Cross-origin isolated, the evaluation page's clock ticks in microseconds, not 0.1 ms.
    if (pathname === "/eval.html") Object.assign(headers, { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" });
    if (pages[pathname]) {
      const html = pages[pathname].replace("{{config}}", attribute(JSON.stringify({ ...config, redirectUri: app.origin + pathname })));
      res.writeHead(200, { ...headers, "Content-Type": "text/html; charset=utf-8" }).end(html);
    } else if (files[pathname]) {
      res.writeHead(200, { ...headers, "Content-Type": "text/javascript; charset=utf-8" }).end(files[pathname]);
    } else {
      res.writeHead(404, headers).end();
    }
  },
  { label: "bench app", port: 0 },
);
const uri = (p) => app.origin + p;
auth = await startAuthServer({ redirectUris: ["/floor.html", "/silent.html", "/app-silent.html", "/callback.html"].map(uri) });
config = { authorizationEndpoint: auth.authorizationEndpoint, clientId: auth.clientId, scope: ["profile"] };
const silentUri = uri(hasSilentPage ? "/silent.html" : "/app-silent.html");

const browser = await chromium.launch({ executablePath: EXECUTABLE, args: ARGS });
const browserVersion = browser.version();
const load = [os.loadavg()[0]];

/** A fresh profile with a session at the authorization server (signed in and consented once). */
const signedInProfile = async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(uri("/host.html"));
  const url = await page.evaluate((cfg) => Implicitly.createClient(cfg).authorizationUrl(), { ...config, redirectUri: uri("/callback.html") });
  await page.goto(url);
  await page.getByLabel("Username").fill(DEMO_USER.username);
  await page.getByLabel("Password").fill(DEMO_USER.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("button", { name: "Allow", exact: true }).click();
  await page.waitForURL((u) => u.href.startsWith(uri("/callback.html")));
  const result = await (await page.waitForFunction(() => window.benchResult)).jsonValue();
  if (!result.held) throw new Error(`sign-in failed: ${result.error}`);
  return { context, page };
};

const main = await signedInProfile();
// A second profile whose other tab holds a token and answers (syncTabs with shareTokens); its
// autoRenew keeps that token fresh for the whole run.
const answering = await signedInProfile();
const answerer = await answering.context.newPage();
await answerer.goto(uri("/host.html"));
await answerer.evaluate(
  async (cfg) => {
    const client = Implicitly.createClient(cfg);
    if (!(await Implicitly.restore(client, { shareTokens: true, autoRenew: true }))) throw new Error("the answering tab has no token");
  },
  { ...config, silentRedirectUri: silentUri },
);
// Script evaluation in a profile of its own: the peers' apps write to storage and navigate.
const evalContext = await browser.newContext();
const evalPage = await evalContext.newPage();

/** Opens a fresh app page in `page` (a new document: nothing of the last trial is left). */
const fresh = (page) => page.goto(uri("/host.html"));

/** Times one start-up call on a fresh page of `page`: the client is made first, outside the timing. */
const timeCall = async (page, call, options, cfg = { ...config, silentRedirectUri: silentUri }) => {
  await fresh(page);
  return page.evaluate(
    async ({ call, options, cfg }) => {
      const client = Implicitly.createClient(cfg);
      const start = performance.now();
      const token = await Implicitly[call](client, options);
      const ms = performance.now() - start;
      if (!token?.accessToken) throw new Error(`${call}: no token`);
      return ms;
    },
    { call, options, cfg },
  );
};

const tasks = [
  {
    name: "bare iframe",
    floor: true,
    async run() {
      await fresh(main.page);
      return main.page.evaluate(
        async ({ endpoint, clientId, redirectUri }) => {
          const start = performance.now();
          const state = "b." + crypto.randomUUID();
          const query = new URLSearchParams({
            response_type: "token",
            client_id: clientId,
            redirect_uri: redirectUri,
            scope: "profile",
            state,
            prompt: "none",
          });
          const frame = document.createElement("iframe");
          frame.style.display = "none";
          frame.src = endpoint + "?" + query;
          const hash = await new Promise((resolve) => {
            addEventListener("message", (e) => e.source === frame.contentWindow && resolve(e.data));
            document.body.append(frame);
          });
          const ms = performance.now() - start;
          frame.remove();
          if (!/[#&]access_token=/.test(hash)) throw new Error("floor: no token in the frame's response");
          return ms;
        },
        { endpoint: config.authorizationEndpoint, clientId: config.clientId, redirectUri: uri("/floor.html") },
      );
    },
  },
  { name: "renew", run: () => timeCall(main.page, "renew") },
  {
    name: "renew, silent page loading the SDK",
    run: () => timeCall(main.page, "renew", undefined, { ...config, silentRedirectUri: uri("/app-silent.html") }),
  },
  { name: "restore", run: () => timeCall(main.page, "restore") },
  { name: "restore, shareTokens, no other tab", run: () => timeCall(main.page, "restore", { shareTokens: true }) },
  { name: "restore, shareTokens, a tab answers", run: () => timeCall(answering.page, "restore", { shareTokens: true }) },
  {
    name: "handleRedirect on the callback page",
    async run() {
      await fresh(main.page);
      const url = await main.page.evaluate((cfg) => Implicitly.createClient(cfg).authorizationUrl({ extraParams: { prompt: "none" } }), {
        ...config,
        redirectUri: uri("/callback.html"),
      });
      await main.page.goto(url);
      const result = await (await main.page.waitForFunction(() => window.benchResult)).jsonValue();
      if (!result.held || !result.clean) throw new Error(`callback: ${result.error ?? "no token or URL not cleaned"}`);
      return result.ms;
    },
  },
  {
    // Each script in a fresh same-origin frame of its own (a new global, as a page load gives it),
    // in an order rotated from round to round. The peers' apps start a login when evaluated: the
    // frame navigates, never the page.
    name: "script evaluation",
    figures: scripts.map((s) => `evaluate ${s.name}`),
    async run(round) {
      await evalPage.goto(uri("/eval.html"));
      // A unique tail, so that no compilation cache of an earlier round is hit: a first load.
      const order = scripts.map((_, k) => scripts[(k + round) % scripts.length]);
      const sources = order.map((s) => `${s.source}\n//# ${crypto.randomUUID()}`);
      const times = await evalPage.evaluate(async (codes) => {
        // Blank pages of this origin (the apps read their URL), loaded before any timing.
        const frames = await Promise.all(
          codes.map(
            () =>
              new Promise((resolve) => {
                const frame = document.createElement("iframe");
                frame.onload = () => resolve(frame);
                frame.src = "/eval.html";
                document.body.append(frame);
              }),
          ),
        );
        const result = codes.map((code, k) => {
          const global = frames[k].contentWindow;
          const start = performance.now();
          try {
            global.eval(code);
          } catch (error) {
            return String(error);
          }
          return performance.now() - start;
        });
        frames.forEach((frame) => frame.remove());
        return result;
      }, sources);
      return Object.fromEntries(order.map((s, k) => [`evaluate ${s.name}`, times[k]]));
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Interleaved rounds: every task once per round, in an order rotated from round to round; each
// round's times are divided by that round's floor.

const names = tasks.flatMap((t) => t.figures ?? [t.name]);
const samples = new Map(names.map((name) => [name, []]));
const errors = new Map();
const started = Date.now();
for (let round = 0; round < WARM_UP + ROUNDS; round++) {
  const times = new Map();
  for (let k = 0; k < tasks.length; k++) {
    const task = tasks[(k + round) % tasks.length];
    try {
      const result = await task.run(round);
      for (const [name, ms] of typeof result == "number" ? [[task.name, result]] : Object.entries(result)) {
        if (typeof ms == "number") times.set(name, ms);
        else errors.set(name, [...(errors.get(name) ?? []), ms]);
      }
    } catch (error) {
      errors.set(task.name, [...(errors.get(task.name) ?? []), String(error.message ?? error).split("\n")[0]]);
    }
  }
  const floor = times.get("bare iframe");
  if (round < WARM_UP || floor === undefined) continue;
  for (const [name, ms] of times) samples.get(name).push({ ms, ratio: ms / floor });
  if ((round - WARM_UP + 1) % 10 === 0) process.stdout.write(`  round ${round - WARM_UP + 1}/${ROUNDS}\n`);
}
load.push(os.loadavg()[0]);
const seconds = (Date.now() - started) / 1000;
await Promise.all([main.context.close(), answering.context.close(), evalContext.close()]);
await browser.close();
await auth.close();
await app.close();

// ---------------------------------------------------------------------------------------------
// Report.

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  return s[Math.floor(at)] + (s[Math.ceil(at)] - s[Math.floor(at)]) * (at - Math.floor(at));
};
const figures = names.map((name) => {
  const xs = samples.get(name);
  const ratios = xs.map((x) => x.ratio);
  const ms = xs.map((x) => x.ms);
  return {
    name,
    n: xs.length,
    ratio: xs.length ? median(ratios) : NaN,
    ratioP25: xs.length ? quantile(ratios, 0.25) : NaN,
    ratioP75: xs.length ? quantile(ratios, 0.75) : NaN,
    ms: xs.length ? median(ms) : NaN,
    msP25: xs.length ? quantile(ms, 0.25) : NaN,
    msP75: xs.length ? quantile(ms, 0.75) : NaN,
    errors: errors.get(name) ?? [],
  };
});
const x = (r) => `${r.toFixed(r < 0.1 ? 3 : 2)}×`;
const msText = (v) => `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;
const m = machine();
console.log(
  `\nHeadless Chromium ${browserVersion}, ${machineLine(m)}; ${ROUNDS} rounds in ${seconds.toFixed(0)} s, load average ${load.map((l) => l.toFixed(1)).join(" → ")}`,
);
if (!hasSilentPage) console.log(`(${DIST} has no implicitly-silent.html: renew() and restore() use the silent page that loads the SDK)`);
console.log("median of the per-round ratios (p25–p75), median time (p25–p75)\n");
for (const f of figures) {
  const label = f.name == "bare iframe" ? "bare iframe (the floor)" : `${f.name} / bare iframe`;
  const ratio = f.name == "bare iframe" ? "1" : `${x(f.ratio)} (${x(f.ratioP25)}–${x(f.ratioP75)})`;
  console.log(
    `${label}: ${ratio}, ${msText(f.ms)} (${msText(f.msP25)}–${msText(f.msP75)})${f.errors.length ? `; ${f.errors.length} failed: ${f.errors[0]}` : ""}`,
  );
}

const results = { machine: m, browser: browserVersion, rounds: ROUNDS, seconds, load, dist: DIST, silentPage: hasSilentPage, figures };
await writeFile(here("results.json"), JSON.stringify(results, null, 2) + "\n");
const table = markdownTable(
  ["", "ratio to the floor (p25–p75)", "median (p25–p75)"],
  figures.map((f) => [
    f.name == "bare iframe" ? "bare iframe (the floor)" : f.name.replace(/^(renew|restore|handleRedirect)/, "`$1()`"),
    f.name == "bare iframe" ? "1" : `${x(f.ratio)} (${x(f.ratioP25)}–${x(f.ratioP75)})`,
    `${msText(f.ms)} (${msText(f.msP25)}–${msText(f.msP75)})`,
  ]),
);
await writeSection(
  "browser",
  `## Start-up in a browser (\`npm run bench:browser\`)

Headless Chromium ${browserVersion}; ${machineLine(m)}; ${ROUNDS} interleaved rounds; load average
${load.map((l) => l.toFixed(1)).join(" → ")} (1 minute, at the start and the end). Each ratio is the
median of each round's time over that round's floor (a bare hidden iframe loading the same
\`prompt=none\` request), with the 25th and 75th percentiles.

${table}
`,
);
if (figures.some((f) => f.n === 0)) process.exitCode = 1;
