import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    // Property tests and CLI end-to-end tests spawn processes or run many cases.
    testTimeout: 60_000,
    pool: "threads",
  },
});
