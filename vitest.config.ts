import { defineConfig } from "vitest/config";

/**
 * Two projects. `default`: every test, on the default executor — the netlink executor wherever it
 * runs (vitest runs under Node: through koffi, an optional dependency), else iproute2. `iproute2`:
 * the tests that drive labs through the runner (runner, route sets, programs in endpoints, fixtures, CLI, examples) once more with
 * `UNDERLAY_EXECUTOR=iproute2`, which the processes they start inherit. Tests that construct
 * `localExecutor()` themselves stay on iproute2 in both.
 */
export default defineConfig({
  test: {
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default", "./test/support/plain-summary-reporter.ts"],
    projects: [
      { extends: true, test: { name: "default", include: ["test/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "iproute2",
          include: ["test/integration/runner/**/*.test.ts", "test/integration/route/**/*.test.ts", "test/integration/live/**/*.test.ts", "test/integration/testing/**/*.test.ts", "test/cli/**/*.test.ts", "test/examples/**/*.test.ts"],
          env: { UNDERLAY_EXECUTOR: "iproute2" },
        },
      },
    ],
  },
});
