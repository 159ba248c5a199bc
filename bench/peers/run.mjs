// `npm run bench:peers`: implicitly and the libraries people would pick instead, side by side:
// bundle size, callback parsing and fetch-wrapper overhead, in one run. See ../README.md.
import { writeFile } from "node:fs/promises";
import { ensurePeersInstalled } from "./install.mjs";
import { openPage } from "../lib/dom.mjs";
import { API_URL, apiInit, apiRequests, callbackUrl, noopFetch } from "../lib/fixtures.mjs";
import { measure, settings } from "../lib/measure.mjs";
import { formatBytes, formatRatio, formatTime, printTable, printTimings } from "../lib/table.mjs";

ensurePeersInstalled();
const { buildEntry, fileSize } = await import("./size.mjs");
const { loadSubjects } = await import("./subjects/index.mjs");

// Everything below runs in a jsdom page whose fetch answers at once: nothing leaves the machine.
const page = openPage();
globalThis.fetch = noopFetch;
const subjects = await loadSubjects();
const [ours] = subjects;

console.log(`Bundling ${subjects.length} entries …`);
const sizes = new Map();
for (const s of subjects) sizes.set(s.name, await buildEntry(s.entry));
const scriptTag = await fileSize(new URL("../../dist/implicitly.umd.min.js", import.meta.url));

const URL_BASELINE = "URLSearchParams (baseline)";
const url = callbackUrl();
const parsing = await measure([
  { name: URL_BASELINE, fn: () => new URLSearchParams(url.slice(url.indexOf("#") + 1)) },
  ...subjects.filter((s) => s.parse).map((s) => ({ name: s.name, fn: () => s.parse(url) })),
]);

const RAW_URL = "fetch(url, init) (baseline)";
const RAW_REQUEST = "fetch(Request) (baseline)";
const fetching = await measure([
  { name: RAW_URL, async: true, fn: () => noopFetch(API_URL, apiInit()) },
  ...subjects
    .filter((s) => s.fetch?.url)
    .map((s) => ({ name: `${s.name}: url, init`, async: true, fn: () => s.fetch.url(API_URL) })),
  { name: RAW_REQUEST, async: true, prepare: apiRequests, fn: (request) => noopFetch(request) },
  ...subjects
    .filter((s) => s.fetch?.request)
    .map((s) => ({ name: `${s.name}: Request`, async: true, prepare: apiRequests, fn: (request) => s.fetch.request(request) })),
]);

printTimings("Callback parsing: the same 800-character-token callback URL", parsing, URL_BASELINE);
printTimings("fetch wrappers around a fetch that answers at once", fetching, RAW_URL);

// Per library: size, parse time and fetch overhead (time above the bare fetch it wraps).
const time = (results, name) => results.find((r) => r.name === name)?.ns;
const overhead = (name, baseline) => time(fetching, name) - time(fetching, baseline);
const rows = subjects.map((s) => ({
  name: s.name,
  version: s.version,
  gzip: sizes.get(s.name).gzip,
  parse: time(parsing, s.name),
  fetchUrl: overhead(`${s.name}: url, init`, RAW_URL),
  fetchRequest: overhead(`${s.name}: Request`, RAW_REQUEST),
}));
const base = rows[0];
const cell = (value, format, ref) => (Number.isFinite(value) ? `${format(value)} (${formatRatio(value / ref)})` : "–");
printTable(
  "Side by side (× = ratio to implicitly)",
  ["library", "version", "login+callback+request bundle, gzip", "callback parse", "fetch overhead: url, init", "fetch overhead: Request"],
  rows.map((r) => [
    r.name,
    r.version,
    cell(r.gzip, formatBytes, base.gzip),
    cell(r.parse, formatTime, base.parse),
    cell(r.fetchUrl, formatTime, base.fetchUrl),
    cell(r.fetchRequest, formatTime, base.fetchRequest),
  ]),
);
console.log(`\nimplicitly's script-tag build (dist/implicitly.umd.min.js, every export): ${formatBytes(scriptTag.gzip)} gzip.`);

// The targets of the performance budget: reported, never enforced here.
const peers = rows.slice(1);
const smallest = peers.reduce((a, b) => (b.gzip < a.gzip ? b : a));
const fastestWrapper = peers.filter((r) => Number.isFinite(r.fetchUrl)).reduce((a, b) => (b.fetchUrl < a.fetchUrl ? b : a));
const parseRatio = base.parse / time(parsing, URL_BASELINE);
const targets = [
  ["callback parse ≤ URLSearchParams", `${formatRatio(parseRatio)} the baseline`, parseRatio <= 1],
  [
    "fetch overhead ≤ ¼ of the fastest peer wrapper",
    `${formatTime(ours.fetch && base.fetchUrl)} vs ${formatTime(fastestWrapper.fetchUrl)} (${fastestWrapper.name}): ${formatRatio(base.fetchUrl / fastestWrapper.fetchUrl)}`,
    base.fetchUrl <= fastestWrapper.fetchUrl / 4,
  ],
  [
    "script-tag build ≤ ¾ of the smallest peer bundle",
    `${formatBytes(scriptTag.gzip)} vs ${formatBytes(smallest.gzip)} (${smallest.name}): ${formatRatio(scriptTag.gzip / smallest.gzip)}`,
    scriptTag.gzip <= (smallest.gzip * 3) / 4,
  ],
];
printTable("Targets", ["target", "measured", "met"], targets.map(([t, m, ok]) => [t, m, ok ? "yes" : "NO"]));

const results = { node: process.version, ...settings, scriptTag, rows, parsing, fetching };
await writeFile(new URL("results.json", import.meta.url), JSON.stringify(results, null, 2) + "\n");
console.log("\nWrote bench/peers/results.json.");

page.close();
// hello.js polls its sessions every second, forever, on a timer nobody can cancel.
process.exit(0);
