/**
 * vitest settings for tests that bring real labs up: forks (each worker its own process, the
 * default), a few workers at once, and timeouts with room for a loaded machine.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // In this repository "underlay" means its sources (a project of your own needs no alias: it
  // imports the installed package).
  resolve: {
    alias: [
      { find: /^underlay\/testing$/, replacement: fileURLToPath(new URL("../../sdk/testing/index.ts", import.meta.url)) },
      { find: /^underlay$/, replacement: fileURLToPath(new URL("../../sdk/index.ts", import.meta.url)) },
    ],
  },
  test: {
    include: ["**/*.test.ts"],
    pool: "forks",
    // About one worker per core: each lab's up and down keep the kernel busy, and more workers
    // than cores only make every test slower (see the README's fixture guide).
    maxWorkers: Number(process.env.UNDERLAY_TEST_WORKERS ?? 2),
    // A lab's up + down takes a fraction of a second on an idle machine, several under load.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
