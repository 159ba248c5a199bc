import { defineConfig } from "vitest/config";

// Rings 1 and 2: unit tests (jsdom) and integration tests (a real authorization server in-process).
// The browser ring (test/e2e) runs with `npm run test:e2e`, the packed package (test/consumer)
// with `npm run test:consumer`.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/e2e/**", "test/consumer/**", "node_modules/**"],
    environment: "jsdom",
    restoreMocks: true,
  },
});
