// Prints gzip -9 sizes and fails when one is over its budget:
// - the two script-tag builds, as shipped;
// - what an app's bundle holds when it imports only the core (createClient: login, callback,
//   fetch), or the code flow (createClient and codeFlow), or the core with the session features,
//   or OpenID Connect: each built from
//   dist/implicitly.mjs with the same rollup and terser settings as the script-tag build, so
//   tree-shaking decides what is left.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import terser from "@rollup/plugin-terser";
import { rollup } from "rollup";
import { terserOptions } from "../rollup.config.mjs";

const esm = resolve("dist/implicitly.mjs");
const session = ["renew", "loginWithPopup", "restore", "autoRenew", "syncTabs"];
const budgets = [
  // +16 B over 3,584 for the code flow's extension points (the parse and check hooks, the flow option).
  { what: "core import (createClient)", imports: ["createClient"], max: 3600 },
  { what: "code flow import (createClient, codeFlow)", imports: ["createClient", "codeFlow"], max: 5376 },
  { what: "core + session features", imports: ["createClient", ...session], max: 5120 },
  { what: "OpenID Connect import (createOidcClient)", imports: ["createOidcClient"], max: 6144 },
  { what: "script-tag build", file: "dist/implicitly.umd.min.js", max: 5120 },
  { what: "script-tag build with OpenID Connect", file: "dist/implicitly-oidc.umd.min.js", max: 7680 },
  { what: "script-tag build with everything (code flow)", file: "dist/implicitly-code.umd.min.js", max: 9216 },
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

if (!existsSync(esm)) {
  console.error("dist/ is missing: run npm run build first");
  process.exit(1);
}
let failed = false;
for (const { what, file, imports, max } of budgets) {
  let code;
  try {
    code = file ? readFileSync(file) : await bundle(imports);
  } catch (e) {
    console.log(`FAIL ${what}: ${e.message.split("\n")[0]}`);
    failed = true;
    continue;
  }
  const bytes = gzipSync(code, { level: 9 }).length;
  const ok = bytes <= max;
  failed ||= !ok;
  console.log(`${ok ? "ok  " : "OVER"} ${what.padEnd(42)} ${String(bytes).padStart(5)} B gzip  (budget ${max} B)`);
}
process.exit(failed ? 1 : 0);
