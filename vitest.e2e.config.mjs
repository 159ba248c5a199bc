import { defineConfig } from "vitest/config";

// Ring 3: the demo driven in Debian's Chromium by playwright-core (`npm run test:e2e`).
// Each file starts demo servers (on free ports) and a browser of its own, so files run in parallel.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    fileParallelism: true,
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    restoreMocks: true,
  },
});
