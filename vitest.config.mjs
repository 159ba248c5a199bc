import { availableParallelism } from "node:os";
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

export default defineConfig({
  test: {
    exclude: ["test/e2e/**", "test/consumer/**", "node_modules/**"],
    restoreMocks: true,
    // vitest's default is one worker fewer than the cores, which on 2 cores means one file at a
    // time; the main process mostly waits, so use both.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      { extends: true, test: { name: "node", include: ["test/**/*.test.ts"], exclude: DOM, environment: "node" } },
      { extends: true, test: { name: "dom", include: DOM, environment: "jsdom" } },
    ],
  },
});
