// `npm run bench:peers` (node bench/peers/run.mjs, after `npm run build`): implicitly and the
// libraries people would pick instead, side by side in one run: bundle size, callback parsing and
// fetch-wrapper overhead. See ../README.md for what each column measures.
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { ensurePeersInstalled } from "./install.mjs";
import { openPage } from "../lib/dom.mjs";
import { API_URL, apiInit, apiRequests, callbackUrl, noopFetch } from "../lib/fixtures.mjs";
import { measure, settings } from "../lib/measure.mjs";
import { machine, machineLine, rounds, writeSection } from "../lib/report.mjs";
import { formatBytes, formatRatio, formatTime, markdownTable } from "../lib/table.mjs";

ensurePeersInstalled();
const { buildEntry, fileSize } = await import("./size.mjs");
const { loadSubjects } = await import("./subjects/index.mjs");

// Everything below runs in a jsdom page whose fetch answers at once: nothing leaves the machine.
const page = openPage();
globalThis.fetch = noopFetch;
const subjects = await loadSubjects();

console.log(`Bundling ${subjects.length} entries …`);
const sizes = new Map();
for (const s of subjects) sizes.set(s.name, await buildEntry(s.entry));
const dist = (file) => new URL(`../../dist/${file}`, import.meta.url);
const scriptTags = [
  { name: "implicitly, script-tag build", file: "implicitly.umd.min.js" },
  { name: "implicitly, script-tag build with OIDC", file: "implicitly-oidc.umd.min.js" },
].filter(({ file }) => existsSync(dist(file)));
for (const s of scriptTags) s.size = await fileSize(dist(s.file));

console.log("Timing …");
const url = callbackUrl();
const fragment = url.slice(url.indexOf("#") + 1);
const PARSE = "parse:";
const URL_INIT = "fetch url+init:";
const REQUEST = "fetch Request:";
const results = await measure([
  { name: PARSE, fn: () => new URLSearchParams(fragment) },
  ...subjects.filter((s) => s.parse).map((s) => ({ name: PARSE + s.name, fn: () => s.parse(url) })),
  { name: URL_INIT, async: true, fn: () => noopFetch(API_URL, apiInit()) },
  ...subjects
    .filter((s) => s.fetch?.url)
    .map((s) => ({ name: URL_INIT + s.name, async: true, fn: () => s.fetch.url(API_URL) })),
  { name: REQUEST, async: true, prepare: apiRequests, fn: (request) => noopFetch(request) },
  ...subjects
    .filter((s) => s.fetch?.request)
    .map((s) => ({ name: REQUEST + s.name, async: true, prepare: apiRequests, fn: (request) => s.fetch.request(request) })),
]);
for (const s of subjects) s.teardown?.();

// Per library: size, parse time and fetch overhead (time above the bare fetch it wraps).
const ns = Object.fromEntries(results.map((r) => [r.name, r.ns]));
const overhead = (kind, name) => ns[kind + name] - ns[kind];
const rows = subjects.map((s) => ({
  name: s.name,
  version: s.version,
  gzip: sizes.get(s.name).gzip,
  parse: ns[PARSE + s.name],
  fetchUrl: overhead(URL_INIT, s.name),
  fetchRequest: overhead(REQUEST, s.name),
}));
const [ours, ...peers] = rows;
const cell = (value, format, ref) => (Number.isFinite(value) ? `${format(value)} (${formatRatio(value / ref)})` : "–");
const table = markdownTable(
  ["library", "version", "bundle, gzip -9", "callback parse", "fetch overhead, url + init", "fetch overhead, Request"],
  [
    ...rows.map((r) => [
      r === ours ? "**implicitly**" : r.name,
      r.version,
      cell(r.gzip, formatBytes, ours.gzip),
      cell(r.parse, formatTime, ours.parse),
      cell(r.fetchUrl, formatTime, ours.fetchUrl),
      cell(r.fetchRequest, formatTime, ours.fetchRequest),
    ]),
    ...scriptTags.map((s) => [s.name, ours.version, cell(s.size.gzip, formatBytes, ours.gzip), "–", "–", "–"]),
  ],
);
const baselines =
  `Baselines in the same run: \`new URLSearchParams(fragment)\` ${formatTime(ns[PARSE])}; ` +
  `the bare fetch ${formatTime(ns[URL_INIT])} (url + init), ${formatTime(ns[REQUEST])} (Request).`;

// The targets of the performance budget: reported, never enforced here.
const smallest = peers.reduce((a, b) => (b.gzip < a.gzip ? b : a));
const fastest = peers.filter((r) => Number.isFinite(r.fetchUrl)).reduce((a, b) => (b.fetchUrl < a.fetchUrl ? b : a));
const scriptTag = scriptTags[0]?.size.gzip;
const parseRatio = ours.parse / ns[PARSE];
const fetchRatio = ours.fetchUrl / fastest.fetchUrl;
const sizeRatio = scriptTag / smallest.gzip;
const met = (ok) => (ok ? "yes" : "no");
const targets = markdownTable(
  ["target", "measured", "met"],
  [
    [
      "callback parse + validate ≤ `new URLSearchParams(fragment)`",
      `${formatTime(ours.parse)} vs ${formatTime(ns[PARSE])}: ${formatRatio(parseRatio)}`,
      met(parseRatio <= 1),
    ],
    [
      "fetch overhead (url + init) ≤ ¼ of the fastest peer wrapper",
      `${formatTime(ours.fetchUrl)} vs ${formatTime(fastest.fetchUrl)} (${fastest.name}): ${formatRatio(fetchRatio)}`,
      met(fetchRatio <= 1 / 4),
    ],
    [
      "script-tag build ≤ ¾ of the smallest peer bundle",
      `${formatBytes(scriptTag)} vs ${formatBytes(smallest.gzip)} (${smallest.name}): ${formatRatio(sizeRatio)}`,
      met(sizeRatio <= 3 / 4),
    ],
  ],
);

const m = machine();
const markdown = `## Compared with other libraries (\`npm run bench:peers\`)

${machineLine(m)}; ${rounds(settings)}.
Reproduce with \`npm ci && npm run bench:peers\` (the peers are installed into \`bench/peers\`, pinned
by its own lock file, never as dependencies of the SDK). × = ratio to implicitly.

${table}

${baselines}

- **Bundle**: a minimal app that logs in, handles the callback and makes one authenticated request
  (\`bench/peers/entries\`), bundled by rollup into one IIFE and minified with the terser settings of
  the SDK's own build. The script-tag builds are \`dist/implicitly.umd.min.js\` and
  \`dist/implicitly-oidc.umd.min.js\`, every export of each, no app code.
- **Callback parse**: the same callback URL (an 800-character token), through each library's own
  parser where it exposes one. implicitly: \`parseAuthorizationResponse\`, state check and
  \`tokenFromResponse\`; oauth4webapi: \`validateAuthResponse\`; @badgateway/oauth2-client:
  \`authorizationCode.validateResponse\`; oidc-client-ts: \`new SigninResponse\`; hellojs:
  \`hello.utils.param\` (no validation). The code-flow libraries get the same 800 characters as \`code\`
  where they insist on one.
- **Fetch overhead**: each wrapper's time minus the bare fetch's, around a fetch that returns a ready
  \`Response\`, with a token already held. jso reads it from localStorage on every call;
  oauth4webapi's \`protectedResourceRequest\` takes no Request. keycloak-js and oidc-client-ts have no
  wrapper; hellojs calls APIs through XMLHttpRequest.
- Everything runs in Node with jsdom standing in for the browser, so absolute times are not a
  browser's; all libraries run on the same page.

${targets}
`;

const out = { machine: m, ...settings, scriptTags, rows, timings: results };
await writeFile(new URL("results.json", import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
await writeSection("peers", markdown);
console.log("Wrote bench/RESULTS.md (section \"peers\") and bench/peers/results.json.");

page.close();
// hello.js polls its sessions every second, forever, on a timer nobody can cancel.
process.exit(0);
