/**
 * The fixtures tear a test's lab down whatever becomes of the test: a suite whose tests pass,
 * fail and time out — in the test, and while its lab is still coming up — each leaving a program
 * running in its lab, plus a per-file lab whose test fails, run for real under vitest (fixture) and under `bun test --parallel=2` (hook helpers).
 * Afterwards no namespace, hosts directory, journal or lock of the run is left, and none of the
 * programs is still running.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { removeNetnsWithPrefix, requireRoot } from "../../support/netns.ts";
import { bunTestArgv, leftBehind, processesWith, startSuite, suitePrefix, vitestArgv } from "../../support/suites.ts";

const suite = join(import.meta.dirname, "outcomes");

describe.runIf(requireRoot("fixture outcomes"))("labs are torn down when tests pass, fail or time out", () => {
  const runs = [
    { runner: "vitest", argv: vitestArgv(suite), summary: [/Tests {2}4 failed \| 1 passed \(5\)/, /Test timed out in 2000ms/, /Test timed out in 1ms/] },
    { runner: "bun test", argv: bunTestArgv(2, ["./outcomes_spec.ts"]), summary: [/ 1 pass\n 4 fail\n/, /this test timed out after 2000ms/, /this test timed out after 1ms/] },
  ];
  for (const { runner, argv, summary } of runs) {
    it(`under ${runner}`, async () => {
      const prefix = suitePrefix();
      const stateDir = mkdtempSync(join(tmpdir(), "underlay-outcomes-"));
      const mark = String(6100 + Math.floor(Math.random() * 800));
      try {
        const run = await startSuite(argv, suite, { UNDERLAY_STATE_DIR: stateDir, UNDERLAY_LAB_PREFIX: prefix, OUTCOME_MARK: mark }).done;
        expect(run.code, run.output).toBe(1);
        for (const line of summary) expect(run.output).toMatch(line);
        expect(leftBehind(prefix, stateDir)).toEqual([]);
        expect(processesWith(`sleep ${mark}`)).toEqual([]);
      } finally {
        for (const p of processesWith(`sleep ${mark}`)) process.kill(Number(p.split(" ")[0]), "SIGKILL");
        removeNetnsWithPrefix(prefix);
        rmSync(stateDir, { recursive: true, force: true });
      }
    }, 180_000);
  }
});
