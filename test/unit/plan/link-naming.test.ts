import { describe, expect, it } from "vitest";
import { iproute2, lab, net } from "../../../sdk/index.ts";
import { pendingLinkName } from "../../../sdk/spec/names.ts";

const demo = lab("ln", { host: "ln-h" }).endpoint("a", net.macvlan("n").parent("p0").subnet("10.7.0.0/24"));
const lines = (nameInTarget?: boolean): string[] =>
  demo
    .plan(nameInTarget === undefined ? {} : { nameInTarget })
    .toJSON()
    .ops.filter((o) => o.scope === "ln-a" && (o.kind === "link-add" || o.kind === "link-mark"))
    .map((o) => `${o.id} | ${o.netns} | ${iproute2(o).argv.join(" ")} | undo: ${o.undo === null ? "" : iproute2(o.undo).argv.join(" ")}`);

describe("endpoint link naming", () => {
  it("by default (any kernel) creates the link under a temporary name and renames and marks it inside", () => {
    const tmp = pendingLinkName("ln-a", "eth0");
    expect(lines()).toEqual([
      `link:ln-a:eth0 | ln-h | ip link add ${tmp} netns ln-a link p0 address ${demo.plan().endpoints[0]?.interfaces[0]?.mac} type macvlan mode bridge | undo: ip link del ${tmp}`,
      `rename:ln-a:eth0 | ln-a | ip link set dev ${tmp} name eth0 alias underlay:ln | undo: ip link del eth0`,
    ]);
  });

  it("where the kernel checks names in the target (nameInTarget), creates it under its final name and only marks it", () => {
    expect(lines(true)).toEqual([
      `link:ln-a:eth0 | ln-h | ip link add eth0 netns ln-a link p0 address ${demo.plan().endpoints[0]?.interfaces[0]?.mac} type macvlan mode bridge | undo: ip link del eth0`,
      `mark:ln-a:eth0 | ln-a | ip link set dev eth0 alias underlay:ln | undo: ip link del eth0`,
    ]);
    expect(lines(false)).toEqual(lines());
  });

  it("gives both steps of either form one shared fact, so they run together or not at all", () => {
    for (const form of [false, true]) {
      const ops = demo.plan({ nameInTarget: form }).toJSON().ops.filter((o) => o.scope === "ln-a" && o.fact.type === "link");
      expect(ops).toHaveLength(2);
      expect(ops[0]?.fact).toEqual(ops[1]?.fact);
    }
  });
});
