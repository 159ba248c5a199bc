// `npm run bench:size`: where the bytes of the smallest app go. The peers' minimal implicitly app
// (bench/peers/entries/implicitly.js: login, callback, one API call) is built from src the way
// `npm run bench:peers` builds it (rollup, one IIFE, the SDK's terser settings, gzip -9), once as
// it is and once per part below with that part replaced by what a lax library does instead, or
// left out. The difference is what the part costs in that app. Printed only; the README quotes it.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import terser from "@rollup/plugin-terser";
import { rollup } from "rollup";
import { terserOptions } from "../rollup.config.mjs";
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
        code: `export const checkUrl = (o, v) => v;
export const checkScope = (o, v) => (typeof v == "string" ? v.split(" ") : v || []);
export const checkParams = (o, v) => v || {};
export const resolveOptions = (g) => ({
  scope: [], clockSkew: 30, expiringNotice: 60, stateTtl: 600, silentTimeout: 10, redirectUri: location.origin + location.pathname, ...g,
  resources: (g.resourceOrigins || []).map((o) => ({ origin: o, path: "" })), extraParams: g.extraParams || {}, storage: () => g.storage || sessionStorage,
});`,
      },
    },
  },
  {
    what: "the strict callback parser: duplicates, percent-encoding, each parameter's syntax, no prototype, error responses in the query (lax: `URLSearchParams`)",
    files: {
      "protocol/response.ts": {
        code: `export const QUERY_RESPONSE = /x/;
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
      "client/client.ts": { edits: [edit(/if \(state\?\.\[1\] == "\."\) \{[\s\S]*?return null;\n {6}\}/, 'if (state?.[1] == ".") return null;')] },
    },
  },
  {
    what: "the extension hooks the opt-in features use: `request`, `check`, `accept`, `retry`, `authorize`, `flow`, `dpop` (left out)",
    files: {
      "client/client.ts": {
        edits: [
          edit("(await hooks.request?.(params, login)) || ", ""),
          edit("await hooks.check?.(response as AuthorizationResponse, login);", ""),
          edit("if (hooks.accept) token = await hooks.accept(token, response as AuthorizationResponse, login);", ""),
          edit("return invalid && hooks.retry?.(input, init);", "return undefined;"),
          edit("o.flow?.(client);", ""),
          edit("o.dpop?.(client);", ""),
          edit(", o.tokenType)", ")"),
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
          edit(/if \(last\?\.includes[\s\S]*?\n {6}\}\n/, ""),
          edit("return (last = [state, clean, complete(response, state, login)])[2];", "return complete(response, state, login);"),
          edit("last = undefined;", ""),
        ],
      },
    },
  },
];

/** The app's gzip -9 size with `files` replaced or edited. */
const gzipSize = async (files = {}) => {
  const replace = {};
  for (const [file, { code, edits = [] }] of Object.entries(files)) {
    replace[file] = code ?? edits.reduce((text, apply) => apply(text), readFileSync(srcPath(file), "utf8"));
  }
  const bundle = await rollup({ input: FROM_SRC_ENTRY, plugins: [fromSrc(entry, replace)], onwarn: () => {} });
  const { output } = await bundle.generate({ format: "iife", plugins: [terser(terserOptions)] });
  await bundle.close();
  return gzipSync(output[0].code, { level: 9 }).length;
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
