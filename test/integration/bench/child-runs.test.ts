/**
 * The benchmark's child runners on the real kernel: a Bun process through the netlink executor
 * and one through the iproute2 executor each serve two 2-endpoint labs, one at a time, in the
 * sandboxes they are given, answer with their timings, report their peak memory at the end, and
 * leave no namespace of either sandbox behind. A child that cannot run a lab makes `lab` reject
 * with its error (the prefix here is too long for the lab's namespace names).
 */
import { afterAll, describe, expect, it } from "vitest";
import { startChild } from "../../../tasks/bench/netlink/child-runs.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const prefixes: string[] = [];
const prefix = (): string => {
  const p = uniqueName("ub");
  prefixes.push(p);
  return p;
};

afterAll(() => {
  for (const p of prefixes) removeNetnsWithPrefix(p);
});

describe.skipIf(!requireRoot("the bench's child runners"))("startChild", () => {
  for (const method of ["netlink (bun)", "iproute2 (bun)"] as const) {
    it(`${method}: serves labs one at a time and leaves nothing`, async () => {
      const child = startChild(method, 2, null);
      const [a, b] = [prefix(), prefix()];
      const first = await child.lab(a);
      const second = await child.lab(b);
      for (const r of [first, second]) {
        expect(r.upMs).toBeGreaterThan(0);
        expect(r.downMs).toBeGreaterThan(0);
        expect(r.upCpuMs).toBeGreaterThan(0);
      }
      const { peakRssMB } = await child.close();
      expect(peakRssMB).toBeGreaterThan(10);
      expect([...netnsWithPrefix(a), ...netnsWithPrefix(b)]).toEqual([]);
    }, 60_000);
  }

  it("rejects with the child's error when a lab cannot run, and still closes", async () => {
    const child = startChild("netlink (bun)", 2, null);
    await expect(child.lab("ubmuchtoolongprefix")).rejects.toThrow(/at most 15 bytes|ended/);
    await child.close().catch(() => undefined);
    expect(netnsWithPrefix("ubmuchtoolongprefix")).toEqual([]);
  }, 60_000);
});
