import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

const require = createRequire(import.meta.url);

/**
 * The files that take longest (tens of seconds each: real processes, outages, the soak, browsers),
 * longest first. Started first, they run beside the many short files instead of after them: a clean
 * clone has no timings of its own, and vitest would otherwise start them last and end on one worker
 * while the other has nothing left.
 */
const LONGEST_FIRST = [
  "faults/soak", "faults/redis-outage", "foundation/readme", "foundation/data-folder", "foundation/startup",
  "realtime/browser", "usage-tiers/cli", "faults/kill", "faults/postgres-restart", "web/",
];
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONGEST_FIRST.findIndex((p) => f.moduleId.includes(`/test/${p}`));
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    return (await super.sort(files)).map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map((x) => x.f);
  }
}

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
    // vitest runs cores - 1 files at once: one on this 2-core machine, where most of a test's time is
    // spent waiting on other processes (servers, PostgreSQL, browsers). Two at once: PostgreSQL +
    // Redis 369 s → 243 s, embedded 287 s → 227 s, on an idle machine.
    maxWorkers: 2,
    sequence: { sequencer: LongestFirst },
    globalSetup: ["test/support/global-setup.ts"],
  },
});
