/**
 * A suite whose tests pass, fail and time out (once in the test, once while its lab comes up) —
 * each with a program left running in its lab —
 * run under vitest and `bun test` by `../outcomes.test.ts`, which checks that every lab is gone
 * afterwards. (Named `_spec.ts` so that neither the project's own test run nor a plain
 * `bun test` picks it up.)
 */
import * as runner from "vitest";
import { net, type UpResult } from "underlay";
import { labFixture, labTest, sandboxLab, useLab, type LabTest } from "underlay/testing";

const pub = net.macvlan("pub").parent("eth0").subnet("10.51.0.0/24");
const build = (name: string) => sandboxLab(name).endpoint("a", pub).endpoint("b", pub);
const test: LabTest =
  "Bun" in globalThis
    ? labTest({ test: runner.test, afterEach: runner.afterEach }, build)
    : (runner.test.extend<{ lab: UpResult }>({ lab: labFixture(build) }) as unknown as LabTest);
/** A program whose command line says which test left it: found by the outer test if it survives. */
const marker = (tag: number): string[] => ["sleep", `${process.env.OUTCOME_MARK ?? "6000"}${tag}`];

test("passes, with a program left running", async ({ lab }) => {
  await lab.spawn("a", marker(1));
});

test("fails, with a program left running", async ({ lab }) => {
  await lab.spawn("b", marker(2));
  runner.expect(lab.endpoint("a").ipv4).toEqual(["not this"]);
});

test(
  "times out, with a program left running",
  async ({ lab }) => {
    await lab.spawn("a", marker(3));
    await new Promise(() => {});
  },
  2000,
);

// 1 ms: a lab's up (a lock file, three namespaces, links, addresses) takes several milliseconds
// even through the netlink executor on an idle machine, so the test always times out first.
test(
  "times out while its lab is still coming up",
  async ({ lab }) => {
    await lab.spawn("a", marker(5));
  },
  1,
);

runner.describe("a lab per file", () => {
  const shared = useLab({ beforeAll: runner.beforeAll, afterAll: runner.afterAll }, build);
  runner.test("fails too", async () => {
    await shared().spawn("b", marker(4));
    runner.expect(1).toBe(2);
  });
});
