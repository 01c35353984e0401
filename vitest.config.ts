import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Node resolves "graphql" for libraries to its CommonJS entry; the code vitest transforms
    // must get the same instance, or schema types come "from another module or realm".
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    include: ["test/**/*.test.ts"],
    // Only a guard against a hang, never a speed check (those are benchmarks): generous enough for a
    // loaded 2-core machine, where everything takes a few times longer than on an idle one.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: "forks",
    globalSetup: ["test/support/global-setup.ts"],
  },
});
