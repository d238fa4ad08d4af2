/**
 * The example consumer suite (`examples/consumer/`) as another project runs it: under vitest with
 * parallel forks and under `bun test --parallel=2`, each test with its own lab, a real HTTP
 * server and UDP echo between endpoints and to the test process. Both runs pass and leave no
 * namespace, hosts directory, journal, lock or program behind.
 *
 * Then the same suite interrupted with SIGINT (to its whole process group, as Ctrl-C does) while
 * labs are up, followed by `underlay gc --yes`: nothing may be left. Under vitest the fixtures'
 * own interrupt handling takes the labs down; under `bun test --parallel` the workers are killed
 * outright, which only a gc that reaps labs of dead owners can clean up. (Each gc is limited with
 * `--lab` to the interrupted run's own labs: this machine is shared, and a gc with a private state
 * directory would take every other run's labs for orphans.)
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stopNetnsProcesses } from "../../sdk/executor/netns-processes.ts";
import { cli } from "../cli/cli-support.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot } from "../support/netns.ts";
import { bunTestArgv, leftBehind, processesWith, root, startSuite, suitePrefix, vitestArgv, type SuiteRun } from "../support/suites.ts";

const suite = join(root, "examples/consumer");
const programs = join(suite, "programs");

/** Whether any process of the process group `pgid` still runs. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Last-resort cleanup of a run's prefix, after its assertions: stop what runs in its namespaces, delete them. */
async function scrub(prefix: string, stateDir: string): Promise<void> {
  await stopNetnsProcesses(netnsWithPrefix(prefix), { graceMs: 100 });
  removeNetnsWithPrefix(prefix);
  rmSync(stateDir, { recursive: true, force: true });
}

describe.runIf(requireRoot("the consumer example suite"))("examples/consumer: another project's tests, each with its own lab", () => {
  const runs = [
    { runner: "vitest (2 forks)", argv: vitestArgv(suite), passed: /Test Files {2}4 passed \(4\)\n {6}Tests {2}9 passed \(9\)/ },
    { runner: "bun test --parallel=2", argv: bunTestArgv(2), passed: / 9 pass\n 0 fail\n/ },
  ];
  for (const { runner, argv, passed } of runs) {
    it(`passes under ${runner} and leaves nothing behind`, async () => {
      const prefix = suitePrefix();
      const stateDir = mkdtempSync(join(tmpdir(), "underlay-consumer-"));
      try {
        const run = await startSuite(argv, suite, { UNDERLAY_STATE_DIR: stateDir, UNDERLAY_LAB_PREFIX: prefix }).done;
        expect(run.code, run.output).toBe(0);
        expect(run.output).toMatch(passed);
        expect(leftBehind(prefix, stateDir)).toEqual([]);
        expect(processesWith(programs)).toEqual([]);
      } finally {
        await scrub(prefix, stateDir);
      }
    }, 240_000);
  }

  const interrupted = [
    {
      runner: "vitest (2 forks)",
      argv: vitestArgv(suite),
      // The fixtures take their labs down on SIGINT before the worker dies: gc finds nothing.
      expectFailure: false,
    },
    {
      runner: "bun test --parallel=2",
      argv: bunTestArgv(2),
      // bun's main process kills its workers outright on SIGINT (their handlers never run), so
      // their labs stay up, journaled — owned by processes that are gone: gc removes them.
      expectFailure: false,
    },
  ];
  for (const { runner, argv, expectFailure } of interrupted) {
    describe(`${runner} interrupted with SIGINT while labs are up, then underlay gc --yes`, () => {
      const prefix = suitePrefix();
      const stateDir = mkdtempSync(join(tmpdir(), "underlay-consumer-int-"));
      let run: SuiteRun;
      let upAtSigint: string[] = [];
      let gcOutput = "";

      beforeAll(async () => {
        const started = startSuite(argv, suite, { UNDERLAY_STATE_DIR: stateDir, UNDERLAY_LAB_PREFIX: prefix });
        // Wait until a lab is completely up (its teardown list is written at the end of up).
        for (let i = 0; i < 1200 && !readdirSync(stateDir).some((f) => f.endsWith(".down")); i++) await new Promise((r) => setTimeout(r, 20));
        upAtSigint = netnsWithPrefix(prefix);
        process.kill(-started.pid, "SIGINT");
        run = await started.done;
        // As a person would: gc once the interrupted run is gone — every process of its group
        // (a runner's main process may exit before its workers have died).
        for (let i = 0; i < 500 && groupAlive(started.pid); i++) await new Promise((r) => setTimeout(r, 20));
        // The labs whose owner is gone, narrowed to this run's own (other tests' labs are alive).
        const gc = await cli(["gc", "--yes", "--prefix", prefix], { stateDir });
        gcOutput = `${gc.stdout}${gc.stderr}(underlay gc exited ${gc.code}; the run's process group was ${groupAlive(started.pid) ? "still alive" : "gone"} when gc ran)`;
      }, 240_000);

      afterAll(async () => {
        await scrub(prefix, stateDir);
      });

      it("the run stopped on SIGINT while labs were up", () => {
        expect(upAtSigint.length, run.output).toBeGreaterThan(0);
        expect(run.code === 130 || run.signal === "SIGINT", `exit ${run.code} / ${run.signal}\n${run.output}`).toBe(true);
      });

      (expectFailure ? it.fails : it)("underlay gc --yes leaves nothing of the interrupted run", () => {
        expect(leftBehind(prefix, stateDir), gcOutput).toEqual([]);
        expect(processesWith(programs)).toEqual([]);
      });
    });
  }
});
