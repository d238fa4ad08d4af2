import { describe, expect, it } from "vitest";
import { netnsAdd } from "../../../sdk/plan/ops.ts";
import type { Op } from "../../../sdk/plan/types.ts";
import { spreadLanes } from "../../../sdk/runner/apply.ts";

const namespaces = (n: number): Op[] => Array.from({ length: n }, (_, i) => netnsAdd(`sl-e${i}`, 3, false));
const linkSet = (ns: string): Op => ({ ...netnsAdd(ns, 6, false), id: `up:${ns}:lo`, kind: "link-set", netns: ns, argv: ["ip", "link", "set", "dev", "lo", "up"] });

describe("spreadLanes", () => {
  it("cuts a long run of netns add into one contiguous lane per core, each one ip -batch", () => {
    const lanes = spreadLanes(namespaces(100), 2);
    expect(lanes.map((l) => l.map((c) => c.items.length))).toEqual([[50], [50]]);
    expect(lanes[0]?.[0]?.items.at(-1)?.id).toBe("netns:sl-e49");
    expect(lanes[1]?.[0]?.items[0]?.id).toBe("netns:sl-e50");
    expect(lanes[0]?.[0]?.command.argv).toEqual(["ip", "-batch", "-"]);
  });

  it("keeps short runs whole (a second process would cost more than it saves)", () => {
    expect(spreadLanes(namespaces(10), 2).map((l) => l.length)).toEqual([1]);
    expect(spreadLanes(namespaces(100), 1).map((l) => l.map((c) => c.items.length))).toEqual([[100]]);
  });

  it("still splits each lane at the batch line limit, and leaves other kinds one lane per namespace", () => {
    expect(spreadLanes(namespaces(500), 2).map((l) => l.map((c) => c.items.length))).toEqual([[128, 122], [128, 122]]);
    const inside = ["a", "b"].flatMap((ns) => [linkSet(`sl-${ns}`), { ...linkSet(`sl-${ns}`), id: `x:${ns}` }]);
    expect(spreadLanes(inside, 2).map((l) => l.map((c) => c.items.length))).toEqual([[2], [2]]);
  });
});
