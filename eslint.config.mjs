// ESLint (`npm run lint`): the recommended rules of ESLint and typescript-eslint, and TSDoc syntax
// in the TypeScript sources (the comments that editors show on hover). Formatting is Prettier's
// (`npm run format:check`), so no rule here is about layout.
import js from "@eslint/js";
import tsdoc from "eslint-plugin-tsdoc";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["dist/", "coverage/", ".tmp/", "etc/", "bench/peers/node_modules/", "bench/peers/dist/", "test/consumer/fixture/node_modules/"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Node scripts, servers, benchmarks and tests.
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // What runs in a page: the SDK and the demo's front end.
    files: ["src/**", "demo/public/**", "test/**"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Page scripts of the benchmarks, and the benchmark runners' callbacks that run in a page
    // (page.evaluate) or in jsdom: the script-tag build's `Implicitly` global is theirs to read.
    files: ["bench/**"],
    languageOptions: { globals: { ...globals.browser, Implicitly: "readonly" } },
  },
  {
    files: ["**/*.ts", "**/*.mts", "**/*.cts"],
    plugins: { tsdoc },
    rules: { "tsdoc/syntax": "error" },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
  },
  {
    rules: {
      // `_`-prefixed names are unused on purpose (a parameter kept for its position).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // A compile-only type test: its bindings and expressions exist to be type-checked, not used.
    files: ["test/**/*.compile.ts"],
    rules: { "@typescript-eslint/no-unused-vars": "off", "@typescript-eslint/no-unused-expressions": "off" },
  },
);
