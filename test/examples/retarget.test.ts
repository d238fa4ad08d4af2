/**
 * Where an example's labs run (pure): sandbox host namespaces `ex-<lab>`, a real interface in
 * place of eth0 (VLAN sub-interfaces follow), renaming for tests — same endpoints and addresses.
 */
import { describe, expect, it } from "vitest";
import { replaceEth0, retarget, targetsFor } from "../../examples/_retarget.ts";
import { lab, net } from "../../sdk/index.ts";

const pub = net.macvlan("pub_net").parent("eth0").subnet("172.16.86.0/24", { gateway: "172.16.86.1" });
const v50 = net.macvlan("macvlan50").parent("eth0.50").subnet("192.168.50.0/24");
const foo = net.ipvlan("ipvlan40").parent("foo").subnet("192.168.40.0/24");
const iso = net.ipvlan("isolated1").subnet("192.168.10.0/24");

describe("targetsFor", () => {
  it("puts each lab in its own sandbox host namespace ex-<lab> by default", () => {
    expect(targetsFor(["mvb"], { parent: null, rename: null, hosts: "lab" })).toEqual([{ name: "mvb", host: "ex-mvb", sandbox: true, parent: null }]);
  });

  it("leaves the host namespaces to the example's setup with hosts: setup", () => {
    expect(targetsFor(["l3a", "l3b"], { parent: null, rename: null, hosts: "setup" }).map((t) => [t.host, t.sandbox])).toEqual([
      ["ex-l3a", false],
      ["ex-l3b", false],
    ]);
  });

  it("uses this machine's namespace and the real interface with --parent", () => {
    expect(targetsFor(["mvb"], { parent: "ens3", rename: null, hosts: "lab" })).toEqual([{ name: "mvb", host: null, sandbox: false, parent: "ens3" }]);
  });

  it("renames one lab to the name, several to name + a, b, …", () => {
    expect(targetsFor(["mvb"], { parent: null, rename: "t1", hosts: "lab" })[0]?.host).toBe("ex-t1");
    expect(targetsFor(["l3a", "l3b"], { parent: null, rename: "t1", hosts: "setup" }).map((t) => t.name)).toEqual(["t1a", "t1b"]);
  });
});

describe("replaceEth0", () => {
  it("replaces eth0 and eth0.<vid>, and nothing else", () => {
    expect(replaceEth0("eth0", "ens3")).toBe("ens3");
    expect(replaceEth0("eth0.218", "ens3")).toBe("ens3.218");
    expect(replaceEth0("foo", "ens3")).toBe("foo");
    expect(replaceEth0("eth01", "ens3")).toBe("eth01");
    expect(replaceEth0(undefined, "ens3")).toBeUndefined();
  });
});

describe("retarget", () => {
  const source = lab("mvb", { host: "ex-mvb", sandbox: true })
    .endpoint("c1", pub, { ip: "172.16.86.10", mac: "02:00:00:00:00:01" })
    .endpoint("c1", v50)
    .endpoint("c2", foo, { ip: "192.168.40.9" })
    .endpoint("c3", iso);

  it("keeps endpoints, attachments, addresses and MACs", () => {
    const out = retarget(source, { name: "mvb", host: "ex-mvb", sandbox: true, parent: null });
    expect(out.spec()).toEqual(source.spec());
  });

  it("moves the lab to this machine's namespace on the real interface: eth0 → ens3, eth0.50 → ens3.50, foo and parentless stay", () => {
    const out = retarget(source, { name: "t1", host: null, sandbox: false, parent: "ens3" }).spec();
    expect(out).toMatchObject({ name: "t1", host: null, sandbox: false });
    expect(out.endpoints.flatMap((e) => e.attachments.map((a) => a.network.parent ?? null))).toEqual(["ens3", "ens3.50", "foo", null]);
    expect(out.endpoints[0]?.attachments[0]).toMatchObject({ ips: ["172.16.86.10"], mac: "02:00:00:00:00:01" });
  });

  it("plans the renamed lab with namespaces <name>-<endpoint>", () => {
    const plan = retarget(source, { name: "t1", host: "ex-t1", sandbox: true, parent: null }).plan();
    expect(plan.host).toBe("ex-t1");
    expect(plan.endpoints.map((e) => e.netns)).toEqual(["t1-c1", "t1-c2", "t1-c3"]);
  });
});
