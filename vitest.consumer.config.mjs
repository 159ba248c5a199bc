import { defineConfig } from "vitest/config";

// The package as users get it (`npm run test:consumer`): packed from a clean copy, installed from
// the tarball into a fixture app, bundled by Vite and type-checked. CI runs it after `npm test`.
export default defineConfig({
  test: {
    include: ["test/consumer/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
  },
});
