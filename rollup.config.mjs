import terser from "@rollup/plugin-terser";
import typescript from "@rollup/plugin-typescript";
import { dts } from "rollup-plugin-dts";

const input = "src/index.ts";
const ts = () => typescript({ tsconfig: "./tsconfig.json", declaration: false, noEmitOnError: true });

/** Minifier settings shared by the script-tag build and the size check's bundles. */
export const terserOptions = { ecma: 2021, compress: { passes: 3, unsafe_arrows: true }, format: { comments: false } };

export default [
  {
    input,
    plugins: [ts()],
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
  { input, plugins: [dts()], output: { file: "dist/implicitly.d.ts", format: "es" } },
];
