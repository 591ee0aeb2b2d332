import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: Python workers and fake servers compete for them; keep test files few at once.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
