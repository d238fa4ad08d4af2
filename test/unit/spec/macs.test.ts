/** MAC planning: every MAC of a lab is unique — endpoints, shims and static MACs — and deterministic. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lab, net, type LabSpec } from "../../../sdk/index.ts";
import { assignMacs } from "../../../sdk/spec/macs.ts";
import { deterministicMac, shimMac } from "../../../sdk/spec/names.ts";
import { labNetworks } from "../../../sdk/spec/validate.ts";

const macsOf = (spec: LabSpec) => assignMacs(spec, labNetworks(spec).networks);

describe("assignMacs", () => {
  it("gives every macvlan attachment and shim a unique MAC; ipvlan and passthru get none", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/).filter((n) => n !== "host" && n !== "iv"), { minLength: 1, maxLength: 30 }), fc.boolean(), (names, shim) => {
        const a = net.macvlan("a").parent("eth0").subnet("10.1.0.0/16");
        const b = net.macvlan("b").parent("eth1").subnet("10.2.0.0/16");
        const withShim = shim ? a.hostAccess({ ip: "10.1.255.250" }) : a;
        let l = lab("x", { host: "xh" });
        for (const n of names) l = l.endpoint(n, withShim).endpoint(n, b);
        l = l.endpoint("host", withShim).endpoint("iv", net.ipvlan("i").parent("eth2").subnet("10.3.0.0/16"));
        const { attachments, shims, rederived, issues } = macsOf(l.spec());
        expect(issues).toEqual([]);
        const all = [...attachments.flat().filter((m): m is string => m !== null), ...shims.values()];
        expect(new Set(all).size).toBe(all.length);
        expect(attachments.at(-1)).toEqual([null]);
        expect(macsOf(l.spec())).toEqual({ attachments, shims, rederived, issues });
      }),
      { numRuns: 200 },
    );
  });

  it("derives shims from their own domain and re-derives on a hash accident", () => {
    expect(shimMac("x", "pub")).toBe(deterministicMac("x", ":shim", "pub"));
    expect(shimMac("x", "pub")).not.toBe(deterministicMac("x", "host", "pub"));
    expect(deterministicMac("x", "e", "n", 1)).not.toBe(deterministicMac("x", "e", "n"));
    const n = net.macvlan("n").parent("eth0").subnet("10.0.0.0/24");
    const accident = macsOf(lab("x").endpoint("e2623188", n).endpoint("e3331303", n).spec());
    expect(accident.attachments).toEqual([[deterministicMac("x", "e2623188", "n")], [deterministicMac("x", "e3331303", "n", 1)]]);
    expect(accident.rederived).toEqual([[1, 0]]);
  });

  it("passthru plans no MAC (the endpoint takes the parent's)", () => {
    expect(macsOf(lab("x").endpoint("a", net.macvlan("p").parent("eth0").mode("passthru").subnet("10.0.0.0/24"), { mac: "02:00:00:00:00:01" }).spec()).attachments).toEqual([[null]]);
  });
});
