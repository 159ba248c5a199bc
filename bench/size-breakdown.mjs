// `npm run bench:size`: where the bytes of the smallest app go. The peers' minimal implicitly app
// (bench/peers/entries/implicitly.js: login, callback, one API call) is built from src the way
// `npm run bench:peers` builds it (rollup, one IIFE, the SDK's terser settings, gzip -9), once as
// it is and once per part below with that part replaced by what a lax library does instead, or
// left out. The difference is what the part costs in that app. Each build also runs the app's path
// (login URL, callback, API call) in a jsdom page, so a replacement that no longer works stops the
// breakdown. Printed only; docs/performance.md quotes it.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import terser from "@rollup/plugin-terser";
import { rollup } from "rollup";
import { terserOptions } from "../rollup.config.mjs";
import { openPage } from "./lib/dom.mjs";
import { API_URL, AUTHORIZATION_ENDPOINT, CLIENT_ID, REDIRECT_URI, SCOPE, callbackUrl, noopFetch } from "./lib/fixtures.mjs";
import { FROM_SRC_ENTRY, fromSrc, srcPath } from "./lib/from-src.mjs";

const entry = readFileSync(new URL("peers/entries/implicitly.js", import.meta.url), "utf8").replace("../../../dist/implicitly.mjs", srcPath("index.ts"));

/** An edit of a src file that must apply: the breakdown fails when the code it names has moved. */
const edit = (from, to) => (code) => {
  const out = code.replace(from, to);
  if (out === code) throw new Error(`size breakdown: ${from} no longer matches; update bench/size-breakdown.mjs`);
  return out;
};

/**
 * Each part: what it is, and per src file either the code a lax library would have instead
 * (`code`) or edits that leave the part out.
 * @type {{ what: string, files: Record<string, { code?: string, edits?: ((code: string) => string)[] }> }[]}
 */
const PARTS = [
  {
    what: "`fetch`: the allow-list on parsed URLs, Request URLs through the brand check, the caller's own `Authorization`, no redirect out of a path prefix, 401/403 only from inside (lax: the token for any URL that starts with an origin)",
    files: {
      "browser/fetch.ts": {
        code: `export const createFetch = (res, get, f) => async (i, init) => {
  const t = get(), h = new Headers(init?.headers);
  if (t && res.some((r) => String(i).startsWith(r.origin))) h.set("Authorization", "Bearer " + t.accessToken);
  return (f || fetch)(i, { ...init, headers: h });
};`,
      },
    },
  },
  {
    what: "option checks: URLs, scope and client id syntax, numbers, `resourceOrigins`, `extraParams` (lax: defaults spread under the options)",
    files: {
      "client/options.ts": {
        edits: [
          edit(
            /const SECURE = [\s\S]*?(?=\/\/ How alike)/,
            `export const checkUrl = (o, v) => v;
export const checkScope = (o, v) => (typeof v == "string" ? v.split(" ") : v || []);
export const checkParams = (o, v) => v || {};
export const resolveOptions = (g) => ({
  scope: [], clockSkew: 30, expiringNotice: 60, stateTtl: 600, redirectUri: location.origin + location.pathname, ...g,
  resources: (g.resourceOrigins || [location.origin]).map((o) => ({ origin: o, path: "" })), extraParams: g.extraParams || {}, storage: () => g.storage || sessionStorage,
});
`,
          ),
        ],
      },
    },
  },
  {
    what: "the check of option names: an unknown name (a typo) refused, a feature option holding that feature (left out)",
    files: {
      "compose/create-client.ts": { edits: [edit("checkOptionNames(options, KNOWN_OPTIONS);", "")] },
    },
  },
  {
    what: "the teaching messages of config errors: what was given, the rule it broke, the closest known name (lax: the option's name only)",
    files: {
      "client/options.ts": {
        edits: [
          edit(/export const shown = [\s\S]*?;\n\n/, ""),
          edit(
            /export const invalidConfig = [\s\S]*?;\n/,
            'export const invalidConfig = (option: string, ..._: unknown[]): AuthError => new AuthError("invalid_config", option);\n',
          ),
          edit(/const closest = [\s\S]*?\}\);/, 'throw new AuthError("invalid_config", name);'),
        ],
      },
    },
  },
  {
    what: "the strict callback parser: duplicates, percent-encoding, each parameter's syntax, no prototype, error responses in the query (lax: `URLSearchParams`)",
    files: {
      "protocol/response.ts": {
        code: `export const QUERY_RESPONSE = /x/;
export const ERROR_DETAILS = /x/;
export const splitQuery = (u) => ["#", u.split("?")[0]];
export const parseAuthorizationResponse = (u) => {
  const h = u.indexOf("#");
  if (h < 0) return null;
  const p = Object.fromEntries(new URLSearchParams(u.slice(h + 1)));
  return p.access_token || p.error
    ? { params: p, state: p.state, error: p.error, errorDescription: p.error_description, accessToken: p.access_token, tokenType: p.token_type, expiresIn: p.expires_in && +p.expires_in, scope: p.scope?.split(" ") }
    : null;
};`,
      },
    },
  },
  {
    what: "… of which error responses in the query (left out)",
    files: {
      "protocol/response.ts": {
        edits: [edit(/export const splitQuery = [\s\S]*$/, 'export const splitQuery = (u: string): [string, string] => ["#", u.split("?")[0]!];')],
      },
    },
  },
  {
    what: "the Bearer challenge parser (RFC 6750 §3, RFC 9110 §11.6.1) for `unauthorized` events (left out: no challenge)",
    files: { "protocol/challenge.ts": { code: "export const parseBearerChallenge = () => null;" } },
  },
  {
    what: "pending logins: one time, expiring, per client and server, purged (lax: one storage entry per state)",
    files: {
      "browser/pending.ts": {
        code: `export const createPendingStore = (s, key) => ({
  add: (st, l) => s().setItem(key + st, JSON.stringify(l)),
  take: (st) => { const v = s().getItem(key + st); s().removeItem(key + st); return v && JSON.parse(v); },
});`,
      },
    },
  },
  {
    what: "the frame and popup handoff in `handleRedirect()` (left out)",
    files: {
      "client/client.ts": {
        edits: [edit("handoffMark(via) + randomString()", "randomString()"), edit("const handoff = handoffOf(state);", "const handoff = undefined;")],
      },
    },
  },
  {
    what: "the pipeline the opt-in features join: its stages in `login()`, `handleRedirect()` and `fetch()`, the features given as options, the client's internals (left out)",
    files: {
      "client/client.ts": {
        edits: [
          edit("const hooks = createHooks(", "const hooks = ((parse) => ({ parse }))("),
          edit("for (const request of hooks.request) endpoint = (await request(params, login)) || endpoint;", ""),
          edit("for (const check of hooks.check) await check(checked, login);", ""),
          edit("if (!checked.params.error) await hooks.complete?.(checked, login);", ""),
          edit(", o.clockSkew, hooks.tokenType)", ", o.clockSkew)"),
          edit("for (const accept of hooks.accept) token = await accept(token, checked, login);", ""),
          edit("if (!hooks.hold?.(token, login)) tokens.set(token);", "tokens.set(token);"),
          edit("return invalid && hooks.retry?.(input, init);", "return undefined;"),
          edit(/ {4}hooks,\n {2}\);/, "    {},\n  );"),
          edit(/ {2}internals\.set\(client, \{[\s\S]*?\n {2}\}\);\n/, ""),
          edit(/ {2}for \(const feature of [\s\S]*?feature\(client\);\n/, ""),
        ],
      },
      "browser/fetch.ts": { edits: [edit("(hooks.authorize ? hooks.authorize(token, target, init, set, go) : go())", "go()")] },
    },
  },
  {
    what: "a second `handleRedirect()` call's same outcome (left out)",
    files: {
      "client/client.ts": {
        edits: [
          edit(/ {6}if \(last && [\s\S]*?\n {6}\}\n/, ""),
          edit("last = { state, clean, result: complete(response, state, login) };\n      return last.result;", "return complete(response, state, login);"),
          edit("last = undefined;", ""),
        ],
      },
    },
  },
];

/** The src files with `files` replaced or edited, by path under src/. */
const replaced = (files) => {
  const replace = {};
  for (const [file, { code, edits = [] }] of Object.entries(files)) {
    replace[file] = code ?? edits.reduce((text, apply) => apply(text), readFileSync(srcPath(file), "utf8"));
  }
  return replace;
};

/** `entryCode` bundled from src with `replace`, in `format`, minified or not. */
const build = async (entryCode, replace, format, minify) => {
  const bundle = await rollup({ input: FROM_SRC_ENTRY, plugins: [fromSrc(entryCode, replace)], onwarn: () => {} });
  const { output } = await bundle.generate({ format, plugins: minify ? [terser(terserOptions)] : [] });
  await bundle.close();
  return output[0].code;
};

const page = openPage();

/**
 * Runs the minimal app's path with `createClient` built from src with `replace`: the login URL,
 * its callback, an API call that must carry the token.
 * @throws Error when that path no longer works
 */
const runApp = async (replace) => {
  const code = await build(`export { createClient } from ${JSON.stringify(srcPath("index.ts"))};`, replace, "es", false);
  const { createClient } = await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
  const sent = [];
  const fetch = (input, init) => (sent.push(new Headers(init?.headers).get("Authorization")), noopFetch(input, init));
  const auth = createClient({
    authorizationEndpoint: AUTHORIZATION_ENDPOINT,
    clientId: CLIENT_ID,
    redirectUri: REDIRECT_URI,
    scope: SCOPE,
    resourceOrigins: [new URL(API_URL).origin],
    fetch,
  });
  const state = new URL(await auth.authorizationUrl({ appState: "/" })).searchParams.get("state");
  const { token, appState } = await auth.handleRedirect(callbackUrl(state));
  await auth.fetch(API_URL);
  // logout() clears the token's expiry timers, which would keep the process alive for the token's hour.
  auth.logout();
  if (appState !== "/" || sent[0] !== "Bearer " + token.accessToken) throw new Error("size breakdown: the app's path fails with this replacement");
};

/** The app's gzip -9 size with `files` replaced or edited, after its path has run. */
const gzipSize = async (files = {}) => {
  const replace = replaced(files);
  await runApp(replace);
  return gzipSync(await build(entry, replace, "iife", true), { level: 9 }).length;
};

/** Every part at once: a file's lax code wins over edits of it (the "of which" rows are inside another). */
const allParts = () => {
  const files = {};
  for (const part of PARTS) {
    for (const [file, change] of Object.entries(part.files)) {
      const had = files[file];
      if (had?.code) continue;
      files[file] = change.code ? change : { edits: [...(had?.edits ?? []), ...change.edits] };
    }
  }
  return files;
};

const full = await gzipSize();
console.log(`The peers' minimal implicitly app, built from src: ${full.toLocaleString("en-US")} B gzip -9\n`);
console.log("| part | costs |\n|---|---:|");
for (const part of PARTS) console.log(`| ${part.what} | ${(full - (await gzipSize(part.files))).toLocaleString("en-US")} B |`);
const rest = await gzipSize(allParts());
console.log(`\nWithout all of them: ${rest.toLocaleString("en-US")} B (${(full - rest).toLocaleString("en-US")} B less).`);
page.close();
