import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// "underlay" means this repository's sources here, as in examples/consumer.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^underlay\/testing$/, replacement: fileURLToPath(new URL("../../../../sdk/testing/index.ts", import.meta.url)) },
      { find: /^underlay$/, replacement: fileURLToPath(new URL("../../../../sdk/index.ts", import.meta.url)) },
    ],
  },
  test: { include: ["**/*_spec.ts"], pool: "forks", maxWorkers: 2, testTimeout: 30_000, hookTimeout: 60_000 },
});
