// One subject's timings, in a Node process of its own: run.mjs forks this script once per subject
// and round (`node bench/peers/time.mjs <subject>`, BENCH_ROUNDS=1) and reads the result over IPC.
// The process opens its own fresh jsdom page and loads only that subject's library, so no other
// library can patch its globals or share its compiled code, and the baselines are timed here too,
// interleaved with the subject's tasks, so that its ratios to them come from the same process.
// A subject with nothing to time (keycloak-js) only reports its name and version.
import { openPage } from "../lib/dom.mjs";
import { API_URL, apiInit, apiRequests, callbackUrl, noopFetch } from "../lib/fixtures.mjs";
import { measure } from "../lib/measure.mjs";
import { loadSubject } from "./subjects/index.mjs";

const main = async (module) => {
  // A page whose fetch answers at once: nothing leaves the machine.
  const page = openPage();
  globalThis.fetch = noopFetch;
  const subject = await loadSubject(module);

  if (!subject.parse && !subject.fetch) {
    page.close();
    return { name: subject.name, version: subject.version, entry: subject.entry, timings: null };
  }
  const url = callbackUrl();
  const fragment = url.slice(url.indexOf("#") + 1);
  // Every process times `new URLSearchParams(fragment)`: the baseline of the callback parse, and
  // the yardstick run.mjs scales each process's times by. Then, per kind of work the subject
  // offers, its baseline (the parse's is that same task) and the subject's own task.
  const tasks = [{ name: "urlSearchParams", fn: () => new URLSearchParams(fragment) }];
  if (subject.parse) tasks.push({ name: "parse", fn: () => subject.parse(url) });
  if (subject.fetch?.url) {
    tasks.push({ name: "fetchUrl:baseline", async: true, fn: () => noopFetch(API_URL, apiInit()) });
    tasks.push({ name: "fetchUrl", async: true, fn: () => subject.fetch.url(API_URL) });
  }
  if (subject.fetch?.request) {
    const prepare = apiRequests;
    tasks.push({ name: "fetchRequest:baseline", async: true, prepare, fn: (request) => noopFetch(request) });
    tasks.push({ name: "fetchRequest", async: true, prepare, fn: (request) => subject.fetch.request(request) });
  }
  const ns = Object.fromEntries((await measure(tasks)).map((r) => [r.name, r.ns]));
  // { urlSearchParams, parse?: { baseline, subject }, fetchUrl?: …, fetchRequest?: … }, in ns per call.
  const timings = { urlSearchParams: ns.urlSearchParams };
  if (subject.parse) timings.parse = { baseline: ns.urlSearchParams, subject: ns.parse };
  for (const kind of ["fetchUrl", "fetchRequest"]) {
    if (kind in ns) timings[kind] = { baseline: ns[`${kind}:baseline`], subject: ns[kind] };
  }
  subject.teardown?.();
  page.close();
  return { name: subject.name, version: subject.version, entry: subject.entry, timings };
};

if (process.send) {
  const result = await main(process.argv[2]);
  // hello.js polls its sessions every second, forever, on a timer nobody can cancel: exit once the
  // result is on its way.
  process.send(result, () => process.exit(0));
}
