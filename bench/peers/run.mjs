// `npm run bench:peers` (node bench/peers/run.mjs, after `npm run build`): implicitly and the
// libraries people would pick instead, side by side in one run: bundle size, callback parsing and
// fetch-wrapper overhead. See ../README.md for what each column measures.
import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { ensurePeersInstalled } from "./install.mjs";
import { median, settings } from "../lib/measure.mjs";
import { machine, machineLine, rounds, writeSection } from "../lib/report.mjs";
import { formatBytes, formatRatio, formatTime, markdownTable } from "../lib/table.mjs";

ensurePeersInstalled();
const { buildEntry, fileSize } = await import("./size.mjs");
const { SUBJECTS } = await import("./subjects/index.mjs");

// ---------------------------------------------------------------------------------------------
// Timings. Every subject is timed in a fresh Node process of its own (time.mjs) with its own jsdom
// page, where no other library is loaded: libraries that patch globals when imported (jso brings
// core-js, which replaces window.Promise and Function.prototype.toString) and code that shares the
// engine's compiled code and type feedback (Node's own URLSearchParams, URL, Headers and Request,
// which every library calls with its own shapes) would otherwise slow down whoever is timed in the
// same process, the baselines included. A round is one such process per subject, one after the
// other, in an order rotated from round to round; each process times one round of its subject's
// tasks interleaved with the baselines, and a figure is the median over the rounds.

/** Runs time.mjs for one subject and returns what it reports. */
const timeInChild = (module) =>
  new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL("time.mjs", import.meta.url)), [module], {
      env: { ...process.env, BENCH_ROUNDS: "1", BENCH_TIME: String(settings.timeMs) },
      execArgv: [],
    });
    let result;
    child.on("message", (message) => (result = message));
    child.on("error", reject);
    child.on("exit", (code, signal) => (result ? resolve(result) : reject(new Error(`timing ${module} failed (${signal ?? `exit ${code}`})`))));
  });

console.log(`Timing ${SUBJECTS.length} subjects, each in its own process, ${rounds(settings)} …`);
const started = performance.now();
/** Per subject module: what its processes reported, one per round. */
const reports = new Map(SUBJECTS.map((module) => [module, []]));
for (let round = 0; round < settings.rounds; round++) {
  const order = SUBJECTS.map((_, i) => SUBJECTS[(i + round) % SUBJECTS.length]);
  for (const module of order) {
    const done = reports.get(module);
    // A subject with nothing to time only needs its name and version, once.
    if (round > 0 && !done[0].timings) continue;
    done.push(await timeInChild(module));
  }
  console.log(`  round ${round + 1} of ${settings.rounds} done (${((performance.now() - started) / 1e3).toFixed(0)} s)`);
}
const subjects = SUBJECTS.map((module) => {
  const [{ name, version, entry }] = reports.get(module);
  return {
    name,
    version,
    entry,
    rounds: reports
      .get(module)
      .map((r) => r.timings)
      .filter(Boolean),
  };
});

// ---------------------------------------------------------------------------------------------
// Sizes.

console.log(`Bundling ${subjects.length} entries …`);
const sizes = new Map();
for (const s of subjects) sizes.set(s.name, await buildEntry(s.entry));
const dist = (file) => new URL(`../../dist/${file}`, import.meta.url);
const scriptTags = [
  { name: "implicitly, script-tag build", file: "implicitly.umd.min.js" },
  { name: "implicitly, script-tag build with OIDC", file: "implicitly-oidc.umd.min.js" },
  { name: "implicitly, script-tag build with everything", file: "implicitly-code.umd.min.js" },
].filter(({ file }) => existsSync(dist(file)));
for (const s of scriptTags) s.size = await fileSize(dist(s.file));

// The machine's speed is not steady: on a shared host a whole process can run at half speed. Every
// process timed the same yardstick, \`new URLSearchParams(fragment)\`, so its times are put on a
// common scale: multiplied by the median yardstick over all processes ÷ its own. Ratios within a
// process (a parse to its baseline) are unchanged by that; comparisons between processes then
// compare the work, not the moment it ran at.
const yardsticks = subjects.flatMap((s) => s.rounds.map((r) => r.urlSearchParams));
const yardstick = median(yardsticks);
// Per library and kind of work, medians over its processes, each scaled: the subject's time, the
// baseline's, the overhead (subject minus baseline, in the same process) and the ratio to the
// baseline (in the same process).
const figures = (s, kind) => {
  const per = s.rounds.filter((r) => r[kind]).map((r) => ({ ...r[kind], scale: yardstick / r.urlSearchParams }));
  if (!per.length) return undefined;
  return {
    time: median(per.map((t) => t.subject * t.scale)),
    baseline: median(per.map((t) => t.baseline * t.scale)),
    overhead: median(per.map((t) => (t.subject - t.baseline) * t.scale)),
    ratio: median(per.map((t) => t.subject / t.baseline)),
    processes: per.length,
  };
};
const rows = subjects.map((s) => ({
  name: s.name,
  version: s.version,
  gzip: sizes.get(s.name).gzip,
  parse: figures(s, "parse"),
  fetchUrl: figures(s, "fetchUrl"),
  fetchRequest: figures(s, "fetchRequest"),
}));
const [ours, ...peers] = rows;
const cell = (value, format, ref) => (Number.isFinite(value) ? `${format(value)} (${formatRatio(value / ref)})` : "–");
const timeCell = (f, ref) => (f ? cell(f.time, formatTime, ref.time) : "–");
const overheadCell = (f, ref) => (f ? cell(f.overhead, formatTime, ref.overhead) : "–");
const table = markdownTable(
  ["library", "version", "bundle, gzip -9", "callback parse", "fetch overhead, url + init", "fetch overhead, Request"],
  [
    ...rows.map((r) => [
      r === ours ? "**implicitly**" : r.name,
      r.version,
      cell(r.gzip, formatBytes, ours.gzip),
      timeCell(r.parse, ours.parse),
      overheadCell(r.fetchUrl, ours.fetchUrl),
      overheadCell(r.fetchRequest, ours.fetchRequest),
    ]),
    ...scriptTags.map((s) => [s.name, ours.version, cell(s.size.gzip, formatBytes, ours.gzip), "–", "–", "–"]),
  ],
);
// The baselines as timed, unscaled: median and range over the processes.
const spread = (values) => `${formatTime(median(values))} (${formatTime(Math.min(...values))} to ${formatTime(Math.max(...values))})`;
const bare = (kind) => subjects.flatMap((s) => s.rounds.map((r) => r[kind]?.baseline)).filter(Number.isFinite);
const baselines =
  `Baselines, timed in every process next to its subject, unscaled (median, and range over the ` +
  `${yardsticks.length} processes): \`new URLSearchParams(fragment)\` ${spread(yardsticks)}; the bare fetch ` +
  `${spread(bare("fetchUrl"))} (url + init), ${spread(bare("fetchRequest"))} (Request).`;

// The targets of the performance budget: reported, never enforced here.
const smallest = peers.reduce((a, b) => (b.gzip < a.gzip ? b : a));
const fastest = peers.filter((r) => r.fetchUrl).reduce((a, b) => (b.fetchUrl.overhead < a.fetchUrl.overhead ? b : a));
const scriptTag = scriptTags[0]?.size.gzip;
const parseRatio = ours.parse.ratio; // the median of implicitly's processes' own ratios
const fetchRatio = ours.fetchUrl.overhead / fastest.fetchUrl.overhead;
const sizeRatio = scriptTag / smallest.gzip;
const appRatio = ours.gzip / smallest.gzip;
const met = (ok) => (ok ? "yes" : "no");
const targets = markdownTable(
  ["target", "measured", "met"],
  [
    [
      "callback parse + validate ≤ `new URLSearchParams(fragment)`",
      `${formatTime(ours.parse.time)} vs ${formatTime(ours.parse.baseline)}: ${formatRatio(parseRatio)}`,
      met(parseRatio <= 1),
    ],
    [
      "fetch overhead (url + init) ≤ ¼ of the fastest peer wrapper",
      `${formatTime(ours.fetchUrl.overhead)} vs ${formatTime(fastest.fetchUrl.overhead)} (${fastest.name}): ${formatRatio(fetchRatio)}`,
      met(fetchRatio <= 1 / 4),
    ],
    [
      "minimal app bundle ≤ ¾ of the smallest peer bundle",
      `${formatBytes(ours.gzip)} vs ${formatBytes(smallest.gzip)} (${smallest.name}): ${formatRatio(appRatio)}`,
      met(appRatio <= 3 / 4),
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
  the SDK's own build. The script-tag builds are \`dist/implicitly.umd.min.js\`,
  \`dist/implicitly-oidc.umd.min.js\` and \`dist/implicitly-code.umd.min.js\`, every export of each,
  no app code.
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
- **Isolation**: each library is timed in a fresh Node process of its own, with its own jsdom page
  and no other library loaded (jso's core-js, for one, replaces globals when imported), next to the
  baselines timed in that same process. A round is one such process per library, in an order
  rotated from round to round; figures are medians over the rounds. Each process's times are
  scaled by its own \`new URLSearchParams(fragment)\` time to the median over all processes, so that a
  process that ran while the machine was slower does not count as a slower library; the parse
  target's ratio is taken within implicitly's processes, unscaled.
- Everything runs in Node with jsdom standing in for the browser, so absolute times are not a
  browser's.

${targets}
`;

const out = { machine: m, ...settings, scriptTags, rows, processes: subjects };
await writeFile(new URL("results.json", import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
await writeSection("peers", markdown);
console.log('Wrote bench/RESULTS.md (section "peers") and bench/peers/results.json.');
