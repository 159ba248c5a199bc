import terser from "@rollup/plugin-terser";
import typescript from "@rollup/plugin-typescript";
import { dts } from "rollup-plugin-dts";
import { readFileSync } from "node:fs";

const input = "src/index.ts";
const ts = () => typescript({ tsconfig: "./tsconfig.json", declaration: false, noEmitOnError: true });

/** Minifier settings shared by the script-tag build and the size check's bundles. */
export const terserOptions = { ecma: 2021, compress: { passes: 3, unsafe_arrows: true }, format: { comments: false } };

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
 * Its only relative imports outside src/react/ are the core's public modules (`npm run lint:arch`).
 */
const coreFromMain = {
  name: "core-from-main",
  resolveId(source, importer) {
    const fromBinding = importer && /[\\/]src[\\/]react[\\/]/.test(importer);
    return fromBinding && source.startsWith("../") ? { id: "implicitly", external: true } : null;
  },
};
const reactExternal = (id) => id == "react" || id.startsWith("react/") || id == "implicitly";

export default [
  {
    input,
    plugins: [ts(), silentPage],
    output: [
      { file: "dist/implicitly.mjs", format: "es" },
      { file: "dist/implicitly.cjs", format: "cjs" },
    ],
  },
  {
    input: "src/script-tag.ts",
    plugins: [ts()],
    output: { file: "dist/implicitly.umd.min.js", format: "umd", name: "Implicitly", plugins: [terser(terserOptions)] },
  },
  // The script-tag build with OpenID Connect (createOidcClient), without the code flow.
  {
    input: "src/script-tag-oidc.ts",
    plugins: [ts()],
    output: { file: "dist/implicitly-oidc.umd.min.js", format: "umd", name: "Implicitly", plugins: [terser(terserOptions)] },
  },
  // The script-tag build with everything: OpenID Connect and the code flow (codeFlow) too.
  {
    input,
    plugins: [ts()],
    output: { file: "dist/implicitly-code.umd.min.js", format: "umd", name: "Implicitly", plugins: [terser(terserOptions)] },
  },
  // implicitly/testing: the fake server for an app's tests, its own entry (no app bundle holds it).
  {
    input: "src/testing.ts",
    plugins: [ts()],
    output: [
      { file: "dist/testing.mjs", format: "es" },
      { file: "dist/testing.cjs", format: "cjs" },
    ],
  },
  {
    input: "src/testing.ts",
    plugins: [dts()],
    // `.d.ts` for resolvers that ignore `exports` (node10), through testing/package.json.
    output: ["d.mts", "d.cts", "d.ts"].map((ext) => ({ file: "dist/testing." + ext, format: "es" })),
  },
  // The doctor (`npx implicitly doctor`, bin/implicitly.mjs): a Node tool, never in an app bundle.
  {
    input: "src/doctor.ts",
    plugins: [ts()],
    output: { file: "dist/doctor.mjs", format: "es" },
  },
  // The same declarations three times: `.d.mts` for `import`, `.d.cts` for `require` (TypeScript
  // reads a declaration's module format from its extension, so one file cannot serve both), and
  // `.d.ts` for the top-level `types` field of resolvers that ignore `exports` (node10).
  {
    input,
    plugins: [dts()],
    output: ["d.mts", "d.cts", "d.ts"].map((ext) => ({ file: "dist/implicitly." + ext, format: "es" })),
  },
  // `implicitly/react`: the React binding, an entry of its own (`react` and the main entry external).
  {
    input: "src/react.ts",
    external: reactExternal,
    plugins: [coreFromMain, ts()],
    output: [
      { file: "dist/implicitly-react.mjs", format: "es" },
      { file: "dist/implicitly-react.cjs", format: "cjs" },
    ],
  },
  {
    input: "src/react.ts",
    external: reactExternal,
    plugins: [coreFromMain, dts()],
    output: ["d.mts", "d.cts"].map((ext) => ({ file: "dist/implicitly-react." + ext, format: "es" })),
  },
];
