/**
 * How the iproute2 executors tell which step of a batch failed, on the real kernel and the real
 * `ip`: a failure iproute2 names (`Command failed -:N`), and one it does not name — an argument it
 * cannot parse ends the whole `ip -batch` process — which is found by the argument its message
 * quotes and reported as uncertain (steps before it ran; the runner undoes the whole batch).
 */
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { localExecutor } from "../../../sdk/index.ts";
import { addrAdd, linkUp, parentAdd } from "../../../sdk/plan/ops/index.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const ns = uniqueName("uip");
const executor = localExecutor();

afterAll(() => {
  expect(removeNetnsWithPrefix(ns)).toEqual([]);
});

describe.runIf(requireRoot("iproute2 step batches"))("iproute2 step batches (real ip)", () => {
  it("names the failed step when iproute2 names the line, and ran the steps before it", async () => {
    execFileSync("ip", ["netns", "add", ns]);
    try {
      const steps = [linkUp(ns, "lo", 6, ns), parentAdd(ns, "uip0", "bridge", 6, "test"), linkUp(ns, "nosuch0", 6, ns), linkUp(ns, "uip0", 6, ns)];
      const [outcome] = await executor.apply([{ netns: ns, steps }], { keepGoing: false, concurrency: 1 });
      expect(outcome?.failures).toEqual([{ index: 2, message: expect.stringContaining('Cannot find device "nosuch0"') }]);
      expect(outcome?.uncertain).toBeUndefined();
      const links = execFileSync("ip", ["-n", ns, "-o", "link", "show"], { encoding: "utf8" });
      expect(links).toContain("uip0");
      expect(links).toMatch(/uip0: <[^>]*>/);
      expect(links).not.toMatch(/uip0: <[^>]*\bUP\b/); // the step after the failure did not run
    } finally {
      execFileSync("ip", ["netns", "del", ns]);
    }
  });

  it("finds the failed step by the argument iproute2 quotes when it ends without naming a line, and says it is not sure", async () => {
    execFileSync("ip", ["netns", "add", ns]);
    try {
      const steps = [linkUp(ns, "lo", 6, ns), addrAdd(ns, "lo", "10.0.0.999/24", 6, ns), addrAdd(ns, "lo", "10.9.9.9/32", 6, ns)];
      const [outcome] = await executor.apply([{ netns: ns, steps }], { keepGoing: false, concurrency: 1 });
      expect(outcome?.failures.map((f) => f.index)).toEqual([1]);
      expect(outcome?.failures[0]?.message).toContain("10.0.0.999/24");
      expect(outcome?.uncertain).toBe(true);
      const addrs = execFileSync("ip", ["-n", ns, "-o", "addr", "show", "dev", "lo"], { encoding: "utf8" });
      expect(addrs).not.toContain("10.9.9.9");
      // With keepGoing (teardown), the steps after the unparsable one are reported as not run.
      const [forced] = await executor.apply([{ netns: ns, steps }], { keepGoing: true, concurrency: 1 });
      expect(forced?.failures.map((f) => f.index)).toEqual([1, 2]);
      expect(forced?.failures[1]?.message).toMatch(/^not run: ip stopped at an earlier line/);
    } finally {
      execFileSync("ip", ["netns", "del", ns]);
    }
    expect(netnsWithPrefix(ns)).toEqual([]);
  });
});
