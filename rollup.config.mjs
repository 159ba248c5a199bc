import terser from "@rollup/plugin-terser";
import { dts } from "rollup-plugin-dts";
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";

// `npm run build` runs TypeScript once (tsconfig.build.json: JavaScript and declarations of every
// file of src/ into BUILT), then this config bundles what it wrote: no TypeScript runs in here.
const BUILT = ".tmp/build";

/** The silent redirect page, shipped as written (a copyable file, not a module). */
const silentPage = {
  name: "silent-page",
  generateBundle() {
    this.emitFile({ type: "asset", fileName: "implicitly-silent.html", source: readFileSync("src/session/silent.html", "utf8") });
  },
};

/**
 * The React binding (`implicitly/react`) takes the core from the package's main entry instead of
 * a copy of it: one `AuthError` class (so `instanceof` holds) and the same types as the app's.
 * Its only relative imports outside react/ are the core's public modules (`npm run lint:arch`).
 */
const coreFromMain = {
  name: "core-from-main",
  resolveId(source, importer) {
    const fromBinding = importer && /[\\/]react[\\/][^\\/]+$/.test(importer);
    return fromBinding && source.startsWith("../") ? { id: "implicitly", external: true } : null;
  },
};

/**
 * The package's module entries: each is `src/<from>.ts`, shipped as `dist/<name>.mjs` (import),
 * `dist/<name>.cjs` (require), and their declarations `dist/<name>.d.mts` and `dist/<name>.d.cts`.
 * A subpath export (`implicitly/x`) is one more line here, e.g.
 * `{ from: "testing/index", name: "implicitly-testing" }`, plus its `exports` and `files` entries
 * in package.json. `node10Types`: also `dist/<name>.d.ts`, for the top-level `types` field of
 * resolvers that ignore `exports`; `plugins`: more rollup plugins for its JavaScript build.
 */
const entries = [
  { from: "index", name: "implicitly", node10Types: true, plugins: [silentPage] },
  // implicitly/testing: the fake server for an app's tests (no app bundle holds it); `.d.ts` through testing/package.json.
  { from: "testing", name: "testing", node10Types: true },
  // implicitly/react: `react` stays an import, and the core comes from the main entry (see coreFromMain).
  { from: "react", name: "implicitly-react", resolve: [coreFromMain] },
];

/** Node tools shipped as one ES module each, without types: the doctor (`npx implicitly doctor`, bin/implicitly.mjs). */
const tools = [{ from: "doctor", file: "dist/doctor.mjs" }];

/** The script-tag builds (`window.Implicitly`), minified UMD files. */
const scriptTags = [
  // The core and the session features.
  { from: "script-tag", file: "dist/implicitly.umd.min.js" },
  // With OpenID Connect (createOidcClient) and sign-out, without the code flow.
  { from: "script-tag-oidc", file: "dist/implicitly-oidc.umd.min.js" },
  // With everything: OpenID Connect and the code flow (codeFlow) too.
  { from: "index", file: "dist/implicitly-code.umd.min.js" },
];

/** Minifier settings shared by the script-tag build and the size check's bundles. */
export const terserOptions = { ecma: 2021, compress: { passes: 3, unsafe_arrows: true }, format: { comments: false } };

/**
 * Resolves the emitted JavaScript's relative imports (`./protocol/authorize`, written without an
 * extension as the `Bundler` resolution allows) to the emitted `.js` files.
 */
const emittedJs = {
  name: "emitted-js",
  resolveId: (source, importer) => (importer && source.startsWith(".") ? resolve(dirname(importer), source + ".js") : null),
};

// Anything that is not a file of this package (a peer dependency of a subpath entry) stays an import.
const external = (id) => !id.startsWith(".") && !isAbsolute(id) && !id.startsWith("\0");

const js = (from) => `${BUILT}/${from}.js`;

export default [
  ...entries.map(({ from, name, plugins = [], resolve = [] }) => ({
    input: js(from),
    external,
    plugins: [...resolve, emittedJs, ...plugins],
    output: [
      { file: `dist/${name}.mjs`, format: "es" },
      { file: `dist/${name}.cjs`, format: "cjs" },
    ],
  })),
  ...scriptTags.map(({ from, file }) => ({
    input: js(from),
    plugins: [emittedJs],
    output: { file, format: "umd", name: "Implicitly", plugins: [terser(terserOptions)] },
  })),
  // The same declarations two or three times: `.d.mts` for `import`, `.d.cts` for `require`
  // (TypeScript reads a declaration's module format from its extension, so one file cannot serve
  // both), and `.d.ts` for node10.
  ...tools.map(({ from, file }) => ({
    input: js(from),
    external,
    plugins: [emittedJs],
    output: { file, format: "es" },
  })),
  ...entries.map(({ from, name, node10Types, resolve = [] }) => ({
    input: `${BUILT}/${from}.d.ts`,
    external,
    plugins: [...resolve, dts()],
    output: ["d.mts", "d.cts", ...(node10Types ? ["d.ts"] : [])].map((ext) => ({ file: `dist/${name}.${ext}`, format: "es" })),
  })),
];
