import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Rings 1 and 2: unit tests and integration tests (a real authorization server in-process).
// The browser ring (test/e2e) runs with `npm run test:e2e`, the packed package (test/consumer)
// with `npm run test:consumer`.
//
// Setting up jsdom costs every file that gets it about a second, so only the files that need a page
// (window, document, location, history, Web Storage) get it: those listed here, and any file that
// starts with `// @vitest-environment jsdom`. The pure modules' tests run in node.
const DOM = [
  "test/browser/fetch.test.ts",
  "test/browser/tokens.test.ts",
  "test/client/**/*.test.ts",
  "test/code/code-flow.test.ts",
  "test/code/code-flow-oidc.test.ts",
  "test/code/refresh-retry.test.ts",
  "test/code/token-request.test.ts",
  "test/dpop/dpop.test.ts",
  "test/integration/code-flow.test.ts",
  "test/integration/implicit-flow.test.ts",
  "test/integration/server-quirks.test.ts",
  "test/integration/sign-out.test.ts",
  "test/logout/**/*.test.ts",
  "test/oidc/oidc-client.test.ts",
  "test/package/no-globals.test.ts",
  "test/persist/**/*.test.ts",
  "test/protocol/validate.test.ts",
  "test/react/**/*.test.ts",
  "test/session/**/*.test.ts",
  "test/testing/**/*.test.ts",
];

// React 18, for the react-18 project: test/react-18 is a package of its own (a file: devDependency)
// whose node_modules npm fills with react and react-dom 18. They cannot sit beside React 19 in the
// root's node_modules: react-dom 18 would load the root's react (19), and hooks break with two
// copies. There, plain Node resolution gives react-dom 18 its own react. The tests' and the
// binding's imports of react and react-dom are pointed there. @testing-library/react (one copy, in
// the root) is taken from its ES module build and inlined, so that Vite resolves its imports of
// react and react-dom with these aliases too (its CommonJS build's require() calls would get the
// root's React 19).
const REACT_18 = fileURLToPath(new URL("test/react-18/node_modules/", import.meta.url));
const require = createRequire(import.meta.url);
const testingLibrary = require.resolve("@testing-library/react/package.json");
const testingLibraryEsm = join(dirname(testingLibrary), require(testingLibrary).module);

export default defineConfig({
  test: {
    exclude: ["test/e2e/**", "test/consumer/**", "**/node_modules/**"],
    restoreMocks: true,
    // vitest's default is one worker fewer than the cores, which on 2 cores means one file at a
    // time; the main process mostly waits, so use both.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      { extends: true, test: { name: "node", include: ["test/**/*.test.ts"], exclude: DOM, environment: "node" } },
      { extends: true, test: { name: "dom", include: DOM, environment: "jsdom", provide: { react: "19" } } },
      // The binding's tests again, on React 18 (its last release, 18.3.1; the peer dependency allows ^18.0.0).
      {
        extends: true,
        resolve: {
          alias: [
            { find: /^(react|react-dom)(\/.*)?$/, replacement: REACT_18 + "$1$2" },
            { find: /^@testing-library\/react$/, replacement: testingLibraryEsm },
          ],
        },
        test: {
          name: "react-18",
          include: ["test/react/**/*.test.ts"],
          environment: "jsdom",
          provide: { react: "18" },
          server: { deps: { inline: ["@testing-library/react"] } },
        },
      },
    ],
  },
});
