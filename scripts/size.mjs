// Prints gzip -9 sizes and fails when one is over its budget:
// - the two script-tag builds, as shipped;
// - what an app's bundle holds when it imports only the core (createClient: login, callback,
//   fetch), or the code flow (createClient and codeFlow), or the core with the session features,
//   or the code flow with resources, or OpenID Connect: each built from
//   dist/implicitly.mjs with the same rollup and terser settings as the script-tag build, so
//   tree-shaking decides what is left.
// - what the React binding adds to a React app that already has the core: `implicitly/react`
//   bundled from dist/implicitly-react.mjs, with `react` and the main entry left out.
// It also checks that none of the main entry's bundles holds any of the React binding.
// It also checks for leaks, exactly (jose's bundle report does the same for its algorithm
// families): each bundle holds the code of the opt-in features it imports and of no other, told
// by strings that only that feature's code holds. The minimal implicit app ships no code-flow,
// DPoP, OpenID Connect, session or sign-out code; the code flow without `dpop` no DPoP code; and
// so on. A marker must also be found where its feature is imported, so that a renamed string
// cannot make the check pass unnoticed.
// It also prints the Subresource Integrity hash of each script-tag build, and keeps the README
// and docs/*.md true: it writes the size table (between the size-table markers, in
// docs/performance.md) and the version and `integrity` of every unpkg <script> tag
// (docs/install.md). With --check (CI) it writes nothing and fails when a page differs from what
// it measured.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import terser from "@rollup/plugin-terser";
import { rollup } from "rollup";
import { terserOptions } from "../rollup.config.mjs";

const esm = resolve("dist/implicitly.mjs");

/** Strings that only each opt-in feature's code holds (wire names and literals a minifier keeps). */
const markers = {
  "code flow": ["code_challenge_method", "authorization_code"],
  DPoP: ["dpop+jwt", "DPoP-Nonce"],
  "OpenID Connect": ["openid-configuration", "at_hash"],
  session: ["iframe", "implicitly-tabs:", "popup,width"],
  "sign-out": ["post_logout_redirect_uri", "token_type_hint"],
  persistSession: ["implicitly-refresh:", "readwrite"],
  resources: ["is the resource of no API", "token expiring expired unauthorized"],
};
const session = ["renew", "loginWithPopup", "restore", "autoRenew", "syncTabs"];
const budgets = [
  {
    what: "core import (createClient)",
    ships: [],
    readme: "`import { createClient }`: login, callback, `fetch` (what a bundler keeps)",
    imports: ["createClient"],
    max: 5264,
  },
  {
    what: "code flow import (createClient, codeFlow)",
    ships: ["code flow"],
    readme: "`import { createClient, codeFlow }`: the same with the code flow, PKCE and refresh tokens",
    imports: ["createClient", "codeFlow"],
    max: 8048,
  },
  {
    what: "core + session features",
    ships: ["session"],
    readme: "`createClient` plus `restore`, `renew`, `autoRenew`, `loginWithPopup`, `syncTabs`",
    imports: ["createClient", ...session],
    max: 7472,
  },
  {
    what: "core + sign-out (signOut, handleSignOut)",
    ships: ["sign-out"],
    readme: "`createClient` plus `signOut`, `handleSignOut`",
    imports: ["createClient", "signOut", "handleSignOut"],
    max: 6144,
  },
  {
    what: "code flow + DPoP (createClient, codeFlow, dpop)",
    ships: ["code flow", "DPoP"],
    readme: "`import { createClient, codeFlow, dpop }`: `createClient` with the code flow and DPoP-bound tokens",
    imports: ["createClient", "codeFlow", "dpop"],
    max: 9088,
  },
  {
    what: "code flow + DPoP + persistSession",
    ships: ["code flow", "DPoP", "persistSession"],
    readme: "the same plus `persistSession` (the DPoP-bound session kept across reloads)",
    imports: ["createClient", "codeFlow", "dpop", "persistSession"],
    max: 10224,
  },
  {
    what: "code flow + resources (createClient, codeFlow, resources)",
    ships: ["code flow", "resources"],
    readme: "`import { createClient, codeFlow, resources }`: the code flow with one token per API (RFC 8707)",
    imports: ["createClient", "codeFlow", "resources"],
    max: 9504,
  },
  {
    what: "OpenID Connect import (createOidcClient)",
    ships: ["OpenID Connect"],
    readme: "`import { createOidcClient }` (core included)",
    imports: ["createOidcClient"],
    max: 8560,
  },
  {
    what: "React binding (AuthProvider, useAuth)",
    ships: [],
    readme: '`import { AuthProvider, useAuth } from "implicitly/react"`: what the React binding adds to a React app (React and the core not counted)',
    imports: ["AuthProvider", "useAuth"],
    from: "dist/implicitly-react.mjs",
    max: 1344,
  },
  {
    what: "script-tag build",
    ships: ["session"],
    readme: "`dist/implicitly.umd.min.js` (script tag: core and session features)",
    file: "dist/implicitly.umd.min.js",
    max: 7648,
  },
  {
    what: "script-tag build with OpenID Connect and sign-out",
    ships: ["OpenID Connect", "session", "sign-out"],
    readme: "`dist/implicitly-oidc.umd.min.js` (script tag with OpenID Connect and sign-out)",
    file: "dist/implicitly-oidc.umd.min.js",
    max: 11440,
  },
  {
    what: "script-tag build with everything (code flow)",
    ships: Object.keys(markers),
    readme: "`dist/implicitly-code.umd.min.js` (script tag with everything: OpenID Connect, sign-out, the code flow, DPoP, persistSession and resources)",
    file: "dist/implicitly-code.umd.min.js",
    max: 16944,
  },
];

/**
 * Bundles `import { names } from dist/implicitly.mjs` (or `from`) as an app would, minified;
 * `react` and the main entry (which the React binding imports) are left out.
 */
const bundle = async (names, from = esm) => {
  const entry = `export { ${names.join(", ")} } from ${JSON.stringify(resolve(from))};`;
  const build = await rollup({
    input: "entry",
    external: (id) => id == "react" || id == "implicitly",
    plugins: [{ name: "entry", resolveId: (id) => (id == "entry" ? id : null), load: (id) => (id == "entry" ? entry : null) }],
  });
  const { output } = await build.generate({ format: "es", plugins: [terser(terserOptions)] });
  return output[0].code;
};

/** The `integrity` value of a file (SHA-384, as the SRI spec recommends). */
const sri = (bytes) => "sha384-" + createHash("sha384").update(bytes).digest("base64");
const bytes = (n) => n.toLocaleString("en-US") + " B";

if (!existsSync(esm)) {
  console.error("dist/ is missing: run npm run build first");
  process.exit(1);
}
let failed = false;
const rows = [];
const hashes = new Map();
// What the main entry's bundles must never hold: code of the React binding (strings that only
// it has, and that minifiers keep; the import of `react` in either quotes).
const REACT_MARKERS = ["useSyncExternalStore", "unexpected_error", '"react"', "'react'"];
const mainBundles = ["dist/implicitly.mjs", "dist/implicitly.cjs"].map((f) => [f, readFileSync(f, "utf8")]);
for (const { what, readme, file, imports, from, max, ships } of budgets) {
  let code;
  try {
    code = file ? readFileSync(file) : await bundle(imports, from);
    if (!from) mainBundles.push([what, String(code)]);
  } catch (e) {
    console.log(`FAIL ${what}: ${e.message.split("\n")[0]}`);
    failed = true;
    continue;
  }
  const text = code.toString();
  for (const [feature, strings] of Object.entries(markers)) {
    const found = strings.filter((marker) => text.includes(marker));
    if (ships.includes(feature) ? found.length < strings.length : found.length) {
      const missing = strings.filter((marker) => !found.includes(marker));
      console.log(
        ships.includes(feature)
          ? `FAIL ${what}: imports ${feature} but lacks its markers ${missing.join(", ")} (update the markers)`
          : `LEAK ${what}: holds ${feature} code (${found.join(", ")}) without importing it`,
      );
      failed = true;
    }
  }
  const size = gzipSync(code, { level: 9 }).length;
  const ok = size <= max;
  failed ||= !ok;
  console.log(`${ok ? "ok  " : "OVER"} ${what.padEnd(42)} ${String(size).padStart(5)} B gzip  (budget ${max} B)`);
  rows.push(`| ${readme} | ${bytes(size)} | ${bytes(max)} |`);
  if (file) hashes.set(file.slice("dist/".length), sri(code));
}
const leaks = mainBundles.flatMap(([what, code]) => REACT_MARKERS.filter((m) => code.includes(m)).map((m) => `${what} holds ${m}`));
failed ||= leaks.length > 0;
console.log(leaks.length ? leaks.map((leak) => `LEAK ${leak}`).join("\n") : `ok   no React binding code in the main entry's ${mainBundles.length} bundles`);
console.log("\nSubresource Integrity (the README's <script integrity>):");
for (const [file, hash] of hashes) console.log(`  dist/${file}  ${hash}`);

// The README and the guides, as they should read with these measurements: the size table (in
// docs/performance.md) and every versioned script tag's hash (docs/install.md, wherever one is).
const { version } = JSON.parse(readFileSync("package.json", "utf8"));
const table = ["| what you ship | gzip -9 | budget |", "|---|---|---|", ...rows].join("\n");
const pages = [
  "README.md",
  ...readdirSync("docs")
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`),
];
let tables = 0;
for (const page of pages) {
  const before = readFileSync(page, "utf8");
  let after = before.replace(/(<!-- size-table -->\n)[\s\S]*?(\n<!-- \/size-table -->)/, (_, open, close) => open + table + close);
  if (after.includes("<!-- size-table -->")) tables++;
  after = after.replace(/<script src="https:\/\/unpkg\.com\/implicitly@[^/"]*\/dist\/([\w.-]+)"[^>]*><\/script>/g, (tag, file) =>
    hashes.has(file)
      ? `<script src="https://unpkg.com/implicitly@${version}/dist/${file}" integrity="${hashes.get(file)}" crossorigin="anonymous"></script>`
      : tag,
  );
  if (after == before) continue;
  if (process.argv.includes("--check")) {
    console.log(`FAIL ${page}'s size table or script-tag hashes differ from these figures: run npm run size and commit ${page}`);
    failed = true;
  } else {
    writeFileSync(page, after);
    console.log(`\n${page}: size table and script-tag hashes updated`);
  }
}
if (tables != 1) {
  console.log(`FAIL the size table's <!-- size-table --> markers must be in exactly one of README.md and docs/*.md (found ${tables})`);
  failed = true;
}
process.exit(failed ? 1 : 0);
