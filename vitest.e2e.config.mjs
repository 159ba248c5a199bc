import { defineConfig } from "vitest/config";

// Ring 3: the demo driven in Debian's Chromium by playwright-core (`npm run test:e2e`).
// One file at a time: each starts the demo servers and a browser of its own.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    restoreMocks: true,
  },
});
