/**
 * The capability probe on this kernel, against independent checks made with named namespaces.
 */
import { describe, expect, it } from "vitest";
import { capabilities, iproute2, lab, localExecutor, net, type Op } from "../../../sdk/index.ts";
import { kernelChecksNameInTarget } from "../../support/name-check.ts";
import { netnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

describe.runIf(requireRoot("capability probe"))("capability probe (this kernel)", () => {
  const executor = localExecutor();

  it("tells where the kernel looks up a new link's name, as a real two-namespace check does", async () => {
    const prefix = uniqueName("ucp");
    const actual = await kernelChecksNameInTarget(executor, prefix);
    expect((await capabilities(executor)).nameInTarget).toBe(actual);
    expect(netnsWithPrefix(prefix)).toEqual([]);
  });

  it("plans endpoint links the way the probe allows: final names and a mark, or a temporary name and a rename", async () => {
    const caps = await capabilities(executor);
    const l = lab("ucpplan", { host: "ucpplan-h" }).endpoint("a", net.macvlan("n").parent("p0").subnet("10.9.0.0/24"));
    const ops = l.plan({ dummy: caps.kinds.dummy, nameInTarget: caps.nameInTarget }).toJSON().ops;
    const add = ops.find((o) => o.kind === "link-add");
    const second = ops.find((o) => o.kind === "link-mark" && o.scope === "ucpplan-a");
    const argv = (o: Op | undefined): readonly string[] | undefined => (o === undefined ? undefined : iproute2(o).argv);
    if (caps.nameInTarget) {
      expect(argv(add)?.slice(0, 4)).toEqual(["ip", "link", "add", "eth0"]);
      expect(argv(second)).toEqual(["ip", "link", "set", "dev", "eth0", "alias", "underlay:ucpplan"]);
    } else {
      expect(add?.kind === "link-add" && add.dev).toMatch(/^ult/);
      expect(argv(second)?.slice(6)).toEqual(["name", "eth0", "alias", "underlay:ucpplan"]);
    }
  });
});
