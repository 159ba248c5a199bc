// `npm run bench` (node --expose-gc bench/run.mjs, after `npm run build`): the SDK's own costs,
// each next to a baseline timed in the same run, and a check that long use leaves nothing behind.
// Everything runs in a jsdom page whose fetch answers at once: nothing leaves the machine.
// See README.md in this folder for what each row measures.
import { writeFile } from "node:fs/promises";
import { countListeners, openPage } from "./lib/dom.mjs";
import { API_URL, AUTHORIZATION_ENDPOINT, CLIENT_ID, REDIRECT_URI, SCOPE, STATE, apiInit, apiRequests, callbackUrl, noopFetch } from "./lib/fixtures.mjs";
import { parseAndValidate } from "./lib/internals.mjs";
import { countTimers, retention, settledHeap } from "./lib/leaks.mjs";
import { measure, settings } from "./lib/measure.mjs";
import { machine, machineLine, rounds, writeSection } from "./lib/report.mjs";
import { createBenchClient, sdk, signedInClient, startLogin } from "./lib/sdk.mjs";
import { formatDelta, formatRatio, formatTime, markdownTable } from "./lib/table.mjs";

const page = openPage();
const listeners = [countListeners(page.window), countListeners(page.window.document)];
const liveListeners = () => listeners.reduce((n, l) => n + l.live(), 0);
const timers = countTimers();

// ---------------------------------------------------------------------------------------------
// Memory first, on a heap the timing runs have not filled yet.

const FETCHES = 100_000;
const CYCLES = 10_000;
const SAMPLE = 100; // every 100th object made is followed to its collection
const RUNS = 3; // measured runs of each workload, after one warm-up run

/**
 * Runs `work` once to warm up (one-time costs: compiled code, caches), then {@link RUNS} times,
 * and reports what the measured runs left behind. The heap is compared across all the measured
 * runs: a leak grows it on every run, while the engine's and jsdom's caches swing by a few hundred
 * kB from one run to the next and back.
 * @param {(sample?: ReturnType<typeof retention>) => Promise<void>} work
 */
const leftBehind = async (work) => {
  await work();
  const snapshot = async () => ({ heap: await settledHeap(), listeners: liveListeners(), timers: timers.live() });
  const before = await snapshot();
  const sample = retention();
  const growth = [];
  let after = before;
  for (let run = 0; run < RUNS; run++) {
    const previous = after.heap;
    await work(sample);
    after = await snapshot();
    growth.push(after.heap - previous);
  }
  return { before, after, growth, retained: sample.retained(), tracked: sample.tracked() };
};

// 100,000 authenticated calls, alternating a string URL with a plain-object init and a Request.
// The wrapped fetch keeps a sample of what the client hands it (its copy of the init).
let inspect = () => {};
const fetchClient = await signedInClient({ fetch: (input, init) => (inspect(init), noopFetch(input, init)) });
const fetchCalls = async (n, sample) => {
  let i = 0;
  inspect = (init) => sample && i % SAMPLE === 0 && sample.track(init);
  for (; i < n; i++) {
    const request = i % 2 ? new Request(API_URL, apiInit()) : undefined;
    if (request && sample && i % SAMPLE === 1) sample.track(request);
    await (request ? fetchClient.fetch(request) : fetchClient.fetch(API_URL, apiInit()));
  }
  inspect = () => {};
};
const fetchMemory = await leftBehind((sample) => fetchCalls(FETCHES, sample));
fetchClient.logout();

// 10,000 logins and callbacks on one client, the way a page sees them: the client makes the
// authorization URL and stores the pending login (what login() does before it navigates), the
// server's answer arrives in the address bar, handleRedirect() reads it from there, validates it
// and takes it out of the address bar.
const storage = new Map();
const cycleClient = createBenchClient({
  storage: {
    getItem: (key) => storage.get(key) ?? null,
    setItem: (key, value) => void storage.set(key, String(value)),
    removeItem: (key) => void storage.delete(key),
  },
});
const cycles = async (n, sample) => {
  for (let i = 0; i < n; i++) {
    history.replaceState(null, "", await startLogin(cycleClient));
    const result = await cycleClient.handleRedirect();
    if (!result?.token || location.hash) throw new Error("a login/callback cycle failed");
    if (sample && i % SAMPLE === 0) sample.track(result.token);
  }
};
const cycleMemory = await leftBehind((sample) => cycles(CYCLES, sample));
const pendingLeft = [...storage.values()].join("").length;

cycleClient.logout();

// ---------------------------------------------------------------------------------------------
// Timings.

const url = callbackUrl();
const fragment = url.slice(url.indexOf("#") + 1);
const URL_PARAMS = {
  response_type: "token",
  client_id: CLIENT_ID,
  redirect_uri: REDIRECT_URI,
  scope: SCOPE.join(" "),
  state: STATE,
};

/** n fresh clients, each with one login waiting for its callback: [{ client, url }]. */
const pendingLogins = async (n) => {
  const out = [];
  for (let i = 0; i < n; i++) {
    const client = createBenchClient();
    out.push({ client, url: await startLogin(client) });
  }
  return out;
};
const logOut = (inputs) => inputs.forEach(({ client }) => client.logout());
const freshClients = (n) => Array.from({ length: n }, () => createBenchClient());

const apiClient = await signedInClient();

const results = await measure([
  { name: "urlsearchparams", fn: () => new URLSearchParams(fragment) },
  { name: "parse", fn: () => sdk.parseAuthorizationResponse(url) },
  { name: "parse+validate", fn: () => parseAndValidate(url) },
  {
    name: "handleRedirect",
    async: true,
    prepare: pendingLogins,
    after: logOut,
    fn: ({ client, url }) => client.handleRedirect(url),
  },
  { name: "url:concat", fn: () => `${AUTHORIZATION_ENDPOINT}?${new URLSearchParams(URL_PARAMS)}` },
  { name: "url:build", fn: () => sdk.buildAuthorizationUrl(AUTHORIZATION_ENDPOINT, URL_PARAMS) },
  { name: "url:client", async: true, prepare: freshClients, fn: (client) => client.authorizationUrl() },
  { name: "fetch:raw", async: true, fn: () => noopFetch(API_URL, apiInit()) },
  { name: "fetch:client", async: true, fn: () => apiClient.fetch(API_URL, apiInit()) },
  { name: "request:raw", async: true, prepare: apiRequests, fn: (request) => noopFetch(request) },
  { name: "request:client", async: true, prepare: apiRequests, fn: (request) => apiClient.fetch(request) },
]);
apiClient.logout();

// ---------------------------------------------------------------------------------------------
// Report.

const ns = Object.fromEntries(results.map((r) => [r.name, r.ns]));
const row = (what, name, baselineName, baselineLabel) => [
  what,
  formatTime(ns[name]),
  `${baselineLabel}: ${formatTime(ns[baselineName])}`,
  formatRatio(ns[name] / ns[baselineName]),
  formatTime(ns[name] - ns[baselineName]),
];
const USP = "`new URLSearchParams(fragment)`";
const timingTable = markdownTable(
  ["operation", "median", "baseline, same run", "× baseline", "overhead"],
  [
    row("callback: parse + validate (target)", "parse+validate", "urlsearchparams", USP),
    row("callback: `parseAuthorizationResponse(url)`", "parse", "urlsearchparams", USP),
    row("callback: `client.handleRedirect(url)`, whole", "handleRedirect", "urlsearchparams", USP),
    row("`buildAuthorizationUrl(endpoint, params)`", "url:build", "url:concat", '`endpoint + "?" + new URLSearchParams(params)`'),
    row("`client.authorizationUrl()`", "url:client", "url:concat", "the same"),
    row("`client.fetch(url, init)`", "fetch:client", "fetch:raw", "`fetch(url, init)`"),
    row("`client.fetch(request)`", "request:client", "request:raw", "`fetch(request)`"),
  ],
);

// Growth allowed before it counts: the heap swings by up to a few hundred kB between identical
// runs (engine and jsdom caches); one leaked small object per operation would add 16 B/op or more,
// i.e. 480 kB over the 30,000 measured cycles and 4.8 MB over the 300,000 measured calls.
const HEAP_NOISE = 384 * 1024;
const MAX_GROWTH_PER_OP = 2;
const verdict = (m, ops) =>
  m.after.listeners <= m.before.listeners &&
  m.after.timers <= m.before.timers &&
  m.retained === 0 &&
  m.after.heap - m.before.heap <= Math.max(HEAP_NOISE, ops * MAX_GROWTH_PER_OP);
const memoryRow = (what, m, ops, followed) => [
  what,
  `${formatDelta(m.after.heap - m.before.heap)} (${((m.after.heap - m.before.heap) / ops).toFixed(2)} B/op)`,
  `${m.before.listeners} → ${m.after.listeners}`,
  `${m.before.timers} → ${m.after.timers}`,
  `${m.retained} of ${m.tracked.toLocaleString("en-US")} ${followed}`,
  verdict(m, ops) ? "no growth" : "GROWTH",
];
const memoryTable = markdownTable(
  [`workload (×${RUNS} measured)`, "heap growth", "listeners", "timers", "still reachable", "result"],
  [
    memoryRow(`${FETCHES.toLocaleString("en-US")} \`client.fetch()\` calls`, fetchMemory, FETCHES * RUNS, "inits and Requests"),
    memoryRow(`${CYCLES.toLocaleString("en-US")} login/callback cycles`, cycleMemory, CYCLES * RUNS, "earlier tokens"),
  ],
);

const parseRatio = ns["parse+validate"] / ns.urlsearchparams;
const targetsTable = markdownTable(
  ["target", "measured", "met"],
  [
    [
      "callback parse + validate ≤ `new URLSearchParams(fragment)`",
      `${formatTime(ns["parse+validate"])} vs ${formatTime(ns.urlsearchparams)}: ${formatRatio(parseRatio)}`,
      parseRatio <= 1 ? "yes" : "no",
    ],
  ],
);

const m = machine();
const markdown = `## Speed and memory (\`npm run bench\`)

${machineLine(m)}; ${rounds(settings)}.
Reproduce with \`npm ci && npm run bench\`.

${timingTable}

- The callback is a typical implicit-grant response: an 800-character JWT-shaped \`access_token\`,
  \`token_type\`, \`expires_in\`, \`scope\` and \`state\`. *Parse + validate* is
  \`parseAuthorizationResponse\` (strict: repeated parameters, bad percent-encoding and each known
  parameter's RFC 6749 syntax) followed by the state comparison and \`tokenFromResponse\`, built from
  \`src\` for the benchmark; the baseline only splits and decodes. *Whole* adds what
  \`handleRedirect\` does around it: the pending login taken out of storage (an in-memory Storage
  here), the token stored and its timers armed, on a fresh client per call.
- \`client.fetch\` wraps a fetch that returns a ready \`Response\` (client option \`fetch\`), so the
  overhead is all the wrapper's own: resolving the URL, matching it to \`resourceOrigins\`, adding
  the \`Authorization\` header.

${memoryTable}

Each workload runs once to warm up, then ${RUNS} times measured; the columns compare before and
after the measured runs. Heap growth: bytes of objects that survive forced collections
(\`--expose-gc\`; V8's old and large-object spaces), in total and per measured operation, counted
as growth above ${HEAP_NOISE / 1024} kB or ${MAX_GROWTH_PER_OP} B per operation, whichever is more. Listeners: those on
\`window\` and \`document\`. Timers: armed and not yet fired or cleared (each token arms two, for
\`expiring\` and \`expired\`). Still reachable: one object in ${SAMPLE} is followed to its collection.
${pendingLeft ? `Pending-login storage left: ${pendingLeft} characters.` : "No pending login is left in storage."}

${targetsTable}

The fetch-overhead and size targets compare with other libraries: \`npm run bench:peers\`.
`;

await writeFile(
  new URL("results.json", import.meta.url),
  `${JSON.stringify({ machine: m, ...settings, timings: results, memory: { fetch: fetchMemory, cycles: cycleMemory, pendingLeft } }, null, 2)}\n`,
);
await writeSection("core", markdown);
console.log('Wrote bench/RESULTS.md (section "core") and bench/results.json.');

timers.stop();
listeners.forEach((l) => l.stop());
page.close();
// Anything the SDK or jsdom still has armed must not keep the process waiting.
process.exit(0);
