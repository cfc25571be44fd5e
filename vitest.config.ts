import { defineConfig } from "vitest/config";

// Tests live under test/; the reliability suite is part of the default run.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
