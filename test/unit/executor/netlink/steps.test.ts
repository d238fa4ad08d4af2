/**
 * Each typed step as the netlink executor carries it out, beside the iproute2 command it means:
 * the request (or in-process action) for every op and undo kind of a representative plan, and the
 * names a request needs resolved to ifindexes first.
 */
import { describe, expect, it } from "vitest";
import { iproute2, lab, net, type Op } from "../../../../sdk/index.ts";
import { namesToResolve, netlinkAction, withIndexes } from "../../../../sdk/executor/netlink/steps.ts";

const pub = net.macvlan("pub").parent("eth0").mtu(1400).subnet("10.50.0.0/24").subnet("fd00:50::/64").hostAccess({ ip: "10.50.0.250" });
const iso = net.ipvlan("iso").mode("l3").flag("private").subnet("10.60.0.0/24").internal();
const plan = lab("st", { host: "st-h", sandbox: true }).endpoint("a", pub, { ip: "10.50.0.10" }).endpoint("a", iso).plan({ dummy: true, nameInTarget: false });
const op = (id: string): Op => {
  const o = plan.ops.find((x) => x.id === id);
  if (o === undefined) throw new Error(`no op ${id} in ${plan.ops.map((x) => x.id).join(", ")}`);
  return o;
};
const first = (kind: Op["kind"], where: (o: Op) => boolean = () => true): Op => plan.ops.find((o) => o.kind === kind && where(o)) as Op;

describe("netlinkAction: what each step does through netlink", () => {
  it("maps every op kind of the plan", () => {
    expect(new Set(plan.ops.map((o) => o.kind))).toEqual(new Set(["netns-add", "sysctl", "parent-add", "link-add", "link-mark", "link-up", "addr-add", "route-add", "hosts-file", "shim-add"]));
    expect(netlinkAction(op("netns:st-a"))).toEqual({ type: "netns-add", name: "st-a" });
    const parent = first("parent-add") as Extract<Op, { kind: "parent-add" }>;
    expect(netlinkAction(parent)).toEqual({ type: "request", request: { op: "linkAdd", name: parent.dev, kind: parent.linkKind } });
    const add = first("link-add", (o) => o.kind === "link-add" && o.link.driver === "macvlan");
    expect(iproute2(add).argv.slice(0, 5)).toEqual(["ip", "link", "add", (add as { dev: string }).dev, "netns"]);
    expect(netlinkAction(add)).toEqual({ type: "request", request: { op: "linkAdd", name: (add as { dev: string }).dev, targetNetns: "st-a", mac: expect.stringMatching(/^02:/), mtu: 1400, kind: "macvlan", parent: "eth0", mode: "bridge" } });
    const ipv = first("link-add", (o) => o.kind === "link-add" && o.link.driver === "ipvlan");
    expect(netlinkAction(ipv)).toMatchObject({ request: { kind: "ipvlan", mode: "l3", flag: "private", targetNetns: "st-a" } });
    // nameInTarget: false — the link is created under a temporary name and renamed with its mark, in one request.
    const mark = first("link-mark", (o) => o.kind === "link-mark" && o.from !== null && o.netns === "st-a");
    expect(netlinkAction(mark)).toEqual({ type: "request", request: { op: "linkSet", dev: (mark as { from: string }).from, newName: (mark as { dev: string }).dev, alias: "underlay:st" } });
    expect(netlinkAction(first("link-up"))).toMatchObject({ request: { op: "linkSet", up: true } });
    const v6 = first("addr-add", (o) => o.kind === "addr-add" && o.cidr.includes(":"));
    expect(iproute2(v6).argv.at(-1)).toBe("nodad");
    expect(netlinkAction(v6)).toEqual({ type: "request", request: { op: "addrAdd", dev: "eth0", cidr: "fd00:50::2/64", nodad: true } });
    expect(netlinkAction(first("addr-add", (o) => o.kind === "addr-add" && !o.cidr.includes(":")))).toEqual({ type: "request", request: { op: "addrAdd", dev: "eth0", cidr: "10.50.0.10/24" } });
    const route6 = first("route-add", (o) => o.kind === "route-add" && o.family === 6 && o.dst === "default");
    expect(iproute2(route6).argv).toContain("::/0");
    expect(netlinkAction(route6)).toEqual({ type: "request", request: { op: "routeReplace", dst: "default", family: 6, dev: "eth0", via: "fd00:50::1" } });
    expect(netlinkAction(first("sysctl"))).toEqual({ type: "sysctl", settings: (first("sysctl") as { settings: unknown }).settings });
    expect(netlinkAction(first("hosts-file"))).toEqual({ type: "hosts-write", dirs: ["/etc/netns/st-a"], content: (first("hosts-file") as { content: string }).content });
    expect(netlinkAction(first("shim-add"))).toMatchObject({ request: { op: "linkAdd", kind: "macvlan", parent: "eth0" } });
    expect(netlinkAction(first("shim-add"))).not.toHaveProperty("request.targetNetns");
  });

  it("maps every undo kind", () => {
    const undos = plan.ops.flatMap((o) => (o.undo === null ? [] : [o.undo]));
    for (const u of undos) expect(netlinkAction(u).type, u.kind).toBe(u.kind === "netns-del" ? "netns-del" : u.kind === "hosts-remove" ? "hosts-remove" : "request");
    expect(netlinkAction({ kind: "netns-del", netns: null, name: "st-a" })).toEqual({ type: "netns-del", name: "st-a" });
    expect(netlinkAction({ kind: "link-del", netns: "st-h", dev: "ulh1" })).toEqual({ type: "request", request: { op: "linkDel", dev: "ulh1" } });
    expect(netlinkAction({ kind: "link-down", netns: "st-h", dev: "ulh1" })).toEqual({ type: "request", request: { op: "linkSet", dev: "ulh1", up: false } });
    expect(netlinkAction({ kind: "addr-del", netns: "st-a", dev: "eth0", cidr: "10.50.0.10/24" })).toEqual({ type: "request", request: { op: "addrDel", dev: "eth0", cidr: "10.50.0.10/24" } });
    expect(netlinkAction({ kind: "route-del", netns: null, family: 4, dst: "10.50.0.10/32", dev: "ulh1", via: null })).toEqual({ type: "request", request: { op: "routeDel", dst: "10.50.0.10/32", family: 4, dev: "ulh1" } });
    expect(netlinkAction({ kind: "hosts-remove", netns: null, namespaces: ["st-a", "st-b"] })).toEqual({ type: "hosts-remove", dirs: ["/etc/netns/st-a", "/etc/netns/st-b"] });
  });
});

describe("namesToResolve / withIndexes", () => {
  it("resolves only what the kernel cannot take by name", () => {
    expect(namesToResolve({ op: "linkAdd", name: "eth0", kind: "macvlan", parent: "p0" })).toEqual(["p0"]);
    expect(namesToResolve({ op: "linkSet", dev: "eth0", up: true })).toEqual([]);
    expect(namesToResolve({ op: "linkSet", dev: "ult1", newName: "eth0", alias: "underlay:x" })).toEqual(["ult1"]);
    expect(namesToResolve({ op: "linkDel", dev: "eth0" })).toEqual([]);
    expect(namesToResolve({ op: "routeReplace", dst: "default", via: "10.0.0.1", dev: "eth0" })).toEqual(["eth0"]);
    const idx = new Map([["eth0", 2], ["p0", 3]]);
    expect(withIndexes({ op: "addrAdd", dev: "eth0", cidr: "10.0.0.2/24" }, idx)).toEqual({ op: "addrAdd", dev: 2, cidr: "10.0.0.2/24" });
    expect(withIndexes({ op: "linkAdd", name: "eth0", kind: "macvlan", parent: "p0" }, idx)).toEqual({ op: "linkAdd", name: "eth0", kind: "macvlan", parent: 3 });
    expect(withIndexes({ op: "linkSet", dev: "eth0", up: true }, idx)).toEqual({ op: "linkSet", dev: "eth0", up: true });
  });
});
