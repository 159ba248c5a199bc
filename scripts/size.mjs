// Prints gzip -9 sizes and fails when one is over its budget:
// - the two script-tag builds, as shipped;
// - what an app's bundle holds when it imports only the core (createClient: login, callback,
//   fetch), or the code flow (createClient and codeFlow), or the core with the session features,
//   or OpenID Connect: each built from
//   dist/implicitly.mjs with the same rollup and terser settings as the script-tag build, so
//   tree-shaking decides what is left.
// It also prints the Subresource Integrity hash of each script-tag build, and keeps the README
// true: it writes the size table (between the size-table markers) and the version and
// `integrity` of every unpkg <script> tag. With --check (CI) it writes nothing and fails when the
// README differs from what it measured.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import terser from "@rollup/plugin-terser";
import { rollup } from "rollup";
import { terserOptions } from "../rollup.config.mjs";

const esm = resolve("dist/implicitly.mjs");
const session = ["renew", "loginWithPopup", "restore", "autoRenew", "syncTabs"];
const budgets = [
  {
    what: "core import (createClient)",
    readme: "`import { createClient }`: login, callback, `fetch` (what a bundler keeps)",
    imports: ["createClient"],
    max: 4096,
  },
  {
    what: "code flow import (createClient, codeFlow)",
    readme: "`import { createClient, codeFlow }`: the same with the code flow, PKCE and refresh tokens",
    imports: ["createClient", "codeFlow"],
    max: 6112,
  },
  {
    what: "core + session features",
    readme: "the same plus `restore`, `renew`, `autoRenew`, `loginWithPopup`, `syncTabs`",
    imports: ["createClient", ...session],
    max: 5872,
  },
  {
    what: "core + sign-out (signOut, handleSignOut)",
    readme: "`createClient` plus `signOut`, `handleSignOut`",
    imports: ["createClient", "signOut", "handleSignOut"],
    max: 4864,
  },
  {
    what: "code flow + DPoP (createClient, codeFlow, dpop)",
    readme: "`import { createClient, codeFlow, dpop }`: `createClient` with the code flow and DPoP-bound tokens",
    imports: ["createClient", "codeFlow", "dpop"],
    max: 7056,
  },
  {
    what: "code flow + DPoP + persistSession",
    readme: "the same plus `persistSession` (the DPoP-bound session kept across reloads)",
    imports: ["createClient", "codeFlow", "dpop", "persistSession"],
    max: 8128,
  },
  {
    what: "OpenID Connect import (createOidcClient)",
    readme: "`import { createOidcClient }` (core included)",
    imports: ["createOidcClient"],
    max: 6496,
  },
  {
    what: "script-tag build",
    readme: "`dist/implicitly.umd.min.js` (script tag: core and session features)",
    file: "dist/implicitly.umd.min.js",
    max: 6032,
  },
  {
    what: "script-tag build with OpenID Connect and sign-out",
    readme: "`dist/implicitly-oidc.umd.min.js` (script tag with OpenID Connect and sign-out)",
    file: "dist/implicitly-oidc.umd.min.js",
    max: 9120,
  },
  {
    what: "script-tag build with everything (code flow)",
    readme: "`dist/implicitly-code.umd.min.js` (script tag with everything: OpenID Connect, sign-out, the code flow and DPoP)",
    file: "dist/implicitly-code.umd.min.js",
    max: 12784,
  },
];

/** Bundles `import { names } from dist/implicitly.mjs` as an app would, minified. */
const bundle = async (names) => {
  const entry = `export { ${names.join(", ")} } from ${JSON.stringify(esm)};`;
  const build = await rollup({
    input: "entry",
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
for (const { what, readme, file, imports, max } of budgets) {
  let code;
  try {
    code = file ? readFileSync(file) : await bundle(imports);
  } catch (e) {
    console.log(`FAIL ${what}: ${e.message.split("\n")[0]}`);
    failed = true;
    continue;
  }
  const size = gzipSync(code, { level: 9 }).length;
  const ok = size <= max;
  failed ||= !ok;
  console.log(`${ok ? "ok  " : "OVER"} ${what.padEnd(42)} ${String(size).padStart(5)} B gzip  (budget ${max} B)`);
  rows.push(`| ${readme} | ${bytes(size)} | ${bytes(max)} |`);
  if (file) hashes.set(file.slice("dist/".length), sri(code));
}
console.log("\nSubresource Integrity (the README's <script integrity>):");
for (const [file, hash] of hashes) console.log(`  dist/${file}  ${hash}`);

// The README, as it should read with these measurements.
const { version } = JSON.parse(readFileSync("package.json", "utf8"));
const before = readFileSync("README.md", "utf8");
const table = ["| what you ship | gzip -9 | budget |", "|---|---|---|", ...rows].join("\n");
let after = before.replace(/(<!-- size-table -->\n)[\s\S]*?(\n<!-- \/size-table -->)/, (_, open, close) => open + table + close);
after = after.replace(
  /<script src="https:\/\/unpkg\.com\/implicitly@[^/"]*\/dist\/([\w.-]+)"[^>]*><\/script>/g,
  (tag, file) =>
    hashes.has(file) ? `<script src="https://unpkg.com/implicitly@${version}/dist/${file}" integrity="${hashes.get(file)}" crossorigin="anonymous"></script>` : tag,
);
if (!after.includes("<!-- size-table -->")) {
  console.log("FAIL README.md has no <!-- size-table --> markers");
  failed = true;
} else if (after != before) {
  if (process.argv.includes("--check")) {
    console.log("FAIL README.md's size table or script-tag hashes differ from these figures: run npm run size and commit README.md");
    failed = true;
  } else {
    writeFileSync("README.md", after);
    console.log("\nREADME.md: size table and script-tag hashes updated");
  }
}
process.exit(failed ? 1 : 0);
