import { describe, expect, it } from "vitest";
import { linkUp, netnsAdd, type Op } from "../../../sdk/plan/ops/index.ts";
import { spreadLanes } from "../../../sdk/runner/apply.ts";

const namespaces = (n: number): Op[] => Array.from({ length: n }, (_, i) => netnsAdd(`sl-e${i}`, 3, false));
const sizes = (ops: readonly Op[], concurrency: number): number[][] => spreadLanes(ops, concurrency).map((l) => l.slices.map((s) => s.length));

describe("spreadLanes", () => {
  it("cuts a long run of netns add into one contiguous lane per core", () => {
    const lanes = spreadLanes(namespaces(100), 2);
    expect(lanes.map((l) => l.slices.map((s) => s.length))).toEqual([[50], [50]]);
    expect(lanes[0]?.slices[0]?.at(-1)?.id).toBe("netns:sl-e49");
    expect(lanes[1]?.slices[0]?.[0]?.id).toBe("netns:sl-e50");
    expect(lanes.map((l) => l.netns)).toEqual([null, null]);
  });

  it("keeps short runs whole (a second process would cost more than it saves)", () => {
    expect(sizes(namespaces(10), 2)).toEqual([[10]]);
    expect(sizes(namespaces(100), 1)).toEqual([[100]]);
  });

  it("still splits each lane at the round limit, and leaves other kinds one lane per namespace", () => {
    expect(sizes(namespaces(500), 2)).toEqual([[128, 122], [128, 122]]);
    const inside = ["a", "b"].flatMap((ns) => [linkUp(`sl-${ns}`, "lo", 6, `sl-${ns}`), linkUp(`sl-${ns}`, "eth0", 6, `sl-${ns}`)]);
    expect(sizes(inside, 2)).toEqual([[2], [2]]);
  });
});
