/**
 * One test per scenario of the reference documents (Docker's macvlan/ipvlan driver docs):
 * the plan's addresses, routes and step order, asserted in the documents' own terms.
 */
import { describe, expect, it } from "vitest";
import { iproute2, lab, net } from "../../../sdk/index.ts";
import { pendingLinkName } from "../../../sdk/spec/names.ts";
import { argvLines, iface, indexOfOp, routes } from "../../support/plan-helpers.ts";

describe("macvlan bridge mode (pub_net on eth0, 172.16.86.0/24)", () => {
  const pub = net.macvlan("pub_net").parent("eth0").subnet("172.16.86.0/24", { gateway: "172.16.86.1" });
  const plan = lab("doc", { host: "doc-host" }).endpoint("c1", pub, { ip: "172.16.86.10" }).endpoint("c2", pub).plan();

  it("gives the static container .10 and the next one .2, both with default via 172.16.86.1", () => {
    expect(iface(plan, "c1").addresses).toEqual(["172.16.86.10/24"]);
    expect(iface(plan, "c2").addresses).toEqual(["172.16.86.2/24"]);
    expect(routes(plan, "c1")).toEqual(["default via 172.16.86.1 dev eth0"]);
    expect(routes(plan, "c2")).toEqual(["default via 172.16.86.1 dev eth0"]);
  });

  it("creates each macvlan in place inside its namespace from the host namespace, in bridge mode", () => {
    // Under a temporary name, renamed inside the namespace: older kernels (Debian's 6.1) refuse a
    // new link named like one in the host namespace (the parent eth0 here) with "File exists".
    const [t1, t2] = [pendingLinkName("doc-c1", "eth0"), pendingLinkName("doc-c2", "eth0")];
    expect(argvLines(plan, "link-add")).toEqual([
      `doc-host ip link add ${t1} netns doc-c1 link eth0 address ${iface(plan, "c1").mac} type macvlan mode bridge`,
      `doc-host ip link add ${t2} netns doc-c2 link eth0 address ${iface(plan, "c2").mac} type macvlan mode bridge`,
    ]);
    expect(argvLines(plan).filter((l) => l.includes(" name eth0"))).toEqual([`doc-c1 ip link set dev ${t1} name eth0 alias underlay:doc`, `doc-c2 ip link set dev ${t2} name eth0 alias underlay:doc`]);
  });

  it("orders namespaces → links → addresses → up → routes", () => {
    expect(indexOfOp(plan, "netns:doc-c1")).toBeLessThan(indexOfOp(plan, "link:doc-c1"));
    expect(indexOfOp(plan, "link:doc-c1")).toBeLessThan(indexOfOp(plan, "addr:doc-c1"));
    expect(indexOfOp(plan, "addr:doc-c1")).toBeLessThan(indexOfOp(plan, "up:doc-c1:eth0"));
    expect(indexOfOp(plan, "up:doc-c1:eth0")).toBeLessThan(indexOfOp(plan, "route:doc-c1"));
  });

  it("never deletes the existing parent eth0: no step creates or removes it", () => {
    expect(plan.ops.some((o) => o.netns === "doc-host" && ((o.kind === "parent-add" && o.dev === "eth0") || (o.undo?.kind === "link-del" && o.undo.dev === "eth0")))).toBe(false);
    expect(plan.networks[0]?.parentSource).toBe("existing");
  });

  it("gives every macvlan endpoint a stable locally administered MAC, derived from lab, endpoint and network names", () => {
    expect(iface(plan, "c1").mac).toBe("02:d4:3b:ae:5e:90");
    expect(iface(plan, "c2").mac).toBe("02:b5:58:5f:a3:de");
    expect(lab("doc", { host: "doc-host" }).endpoint("c1", pub, { ip: "172.16.86.10" }).plan().endpoints[0]?.interfaces[0]?.mac).toBe("02:d4:3b:ae:5e:90");
  });
});

describe("macvlan with --aux-address and --ip-range", () => {
  it("excludes the host's own address from automatic allocation", () => {
    const pub = net.macvlan("pub_net").parent("eth0").subnet("172.16.86.0/24", { gateway: "172.16.86.1", exclude: { exclude_host: "172.16.86.2" } });
    const plan = lab("aux").endpoint("a", pub).plan();
    expect(iface(plan, "a").addresses).toEqual(["172.16.86.3/24"]);
  });

  it("allocates from 192.168.32.128 upwards with ipRange 192.168.32.128/25 and gateway .254", () => {
    const n = net.macvlan("macnet32").parent("eth0").subnet("192.168.32.0/24", { ipRange: "192.168.32.128/25", gateway: "192.168.32.254" });
    const plan = lab("rng").endpoint("a", n).endpoint("b", n).plan();
    expect(iface(plan, "a").addresses).toEqual(["192.168.32.128/24"]);
    expect(iface(plan, "b").addresses).toEqual(["192.168.32.129/24"]);
    expect(routes(plan, "a")).toEqual(["default via 192.168.32.254 dev eth0"]);
  });
});

describe("ipvlan L2 (db_net_ipv on eth0, 192.168.1.0/24)", () => {
  const n = net.ipvlan("db_net_ipv").parent("eth0").subnet("192.168.1.0/24");
  const plan = lab("l2", { host: "l2-host" }).endpoint("ipv1", n).endpoint("ipv2", n).plan();

  it("defaults the gateway to the first usable address 192.168.1.1 and hands out .2 and .3", () => {
    expect(plan.networks[0]?.subnets[0]?.gateway).toBe("192.168.1.1");
    expect(iface(plan, "ipv1").addresses).toEqual(["192.168.1.2/24"]);
    expect(iface(plan, "ipv2").addresses).toEqual(["192.168.1.3/24"]);
    expect(routes(plan, "ipv1")).toEqual(["default via 192.168.1.1 dev eth0"]);
  });

  it("creates ipvlan mode l2 links without a MAC (they share the parent's)", () => {
    expect(argvLines(plan, "link-add")[0]).toBe(`l2-host ip link add ${pendingLinkName("l2-ipv1", "eth0")} netns l2-ipv1 link eth0 type ipvlan mode l2`);
    expect(iface(plan, "ipv1").mac).toBeNull();
  });

  it("writes hosts files so `ping ipv1` resolves inside the namespaces", () => {
    const hosts = plan.ops.find((o) => o.kind === "hosts-file");
    expect(hosts?.kind === "hosts-file" && hosts.content).toContain("192.168.1.2\tipv1");
    expect(hosts?.kind === "hosts-file" && hosts.namespaces).toEqual(["l2-ipv1", "l2-ipv2"]);
    expect(hosts === undefined ? [] : iproute2(hosts).argv.slice(-2)).toEqual(["/etc/netns/l2-ipv1", "/etc/netns/l2-ipv2"]);
  });
});

describe("internal and parentless networks (isolated1, isolated2, isolated3)", () => {
  const isolated1 = net.ipvlan("isolated1").subnet("192.168.10.0/24");
  const isolated2 = net.ipvlan("isolated2").subnet("192.168.11.0/24").internal();
  const isolated3 = net.ipvlan("isolated3");
  const plan = lab("iso", { host: "iso-host" }).endpoint("cid1", isolated1).endpoint("cid2", isolated2).endpoint("cid3", isolated3).plan();

  it("creates a dummy parent owned by the lab for each of them", () => {
    expect(plan.networks.map((n) => n.parentSource)).toEqual(["dummy", "dummy", "dummy"]);
    expect(argvLines(plan, "parent-add")).toEqual(plan.networks.map((n) => `iso-host ip link add ${n.parent} type dummy`));
  });

  it("gives the network without a subnet Docker's default pool 172.18.0.0/16", () => {
    expect(plan.networks[2]?.subnets[0]?.cidr).toBe("172.18.0.0/16");
    expect(iface(plan, "cid3").addresses).toEqual(["172.18.0.2/16"]);
  });

  it("installs no default route on the internal network, but keeps it where only the parent is missing", () => {
    expect(routes(plan, "cid2")).toEqual([]);
    expect(routes(plan, "cid1")).toEqual(["default via 192.168.10.1 dev eth0"]);
  });

  it("falls back to an unattached bridge when the kernel has no dummy links, and says so", () => {
    const p = lab("iso", { host: "iso-host" }).endpoint("cid2", isolated2).plan({ dummy: false });
    expect(argvLines(p, "parent-add")[0]).toMatch(/type bridge$/);
    expect(p.toJSON().diagnostics.map((d) => d.message).join("\n")).toMatch(/no dummy links.*bridge/);
  });
});

describe("macvlan 802.1Q trunk (VLAN 50 and 60)", () => {
  const n50 = net.macvlan("macvlan50").parent("eth0.50").subnet("192.168.50.0/24", { gateway: "192.168.50.1" });
  const n60 = net.macvlan("macvlan60").parent("eth0.60").subnet("192.168.60.0/24", { gateway: "192.168.60.1" });
  const plan = lab("trunk", { host: "tr-host" }).endpoint("a50", n50).endpoint("a60", n60).plan();

  it("ensures the sub-interfaces eth0.50 and eth0.60 with the right VLAN ids before the endpoint links", () => {
    expect(argvLines(plan, "vlan-ensure")).toEqual([
      "tr-host ip link add link eth0 name eth0.50 type vlan id 50",
      "tr-host ip link add link eth0 name eth0.60 type vlan id 60",
    ]);
    expect(plan.ops.filter((o) => o.kind === "vlan-ensure").every((o) => o.ensure)).toBe(true);
    expect(indexOfOp(plan, "vlan:eth0.50")).toBeLessThan(indexOfOp(plan, "link:trunk-a50"));
  });

  it("marks and raises a VLAN link only if underlay created it (dependsOn the ensure step)", () => {
    const mark = plan.ops.find((o) => o.id === "mark:tr-host:eth0.50");
    expect(mark?.dependsOn).toBe("vlan:eth0.50");
  });

  it("puts each endpoint on its VLAN's parent", () => {
    expect(argvLines(plan, "link-add").map((l) => / netns \S+ link (\S+)/.exec(l)?.[1])).toEqual(["eth0.50", "eth0.60"]);
  });
});

describe("manually created VLAN link as parent (foo, VLAN 40)", () => {
  it("uses an existing parent named foo as is: no VLAN step, nothing deleted", () => {
    const n = net.ipvlan("ipvlan40").parent("foo").subnet("192.168.40.0/24", { gateway: "192.168.40.1" });
    const plan = lab("man").endpoint("t5", n).endpoint("t6", n).plan();
    expect(plan.ops.some((o) => o.kind === "vlan-ensure")).toBe(false);
    expect(plan.networks[0]?.parentSource).toBe("existing");
  });
});

describe("ipvlan L3 multi-subnet (ipnet210: 192.168.214.0/24 and 10.1.214.0/24)", () => {
  const n = net.ipvlan("ipnet210").mode("l3").subnet("192.168.214.0/24").subnet("10.1.214.0/24");
  const plan = lab("l3").endpoint("a", n, { ip: "192.168.214.10" }).endpoint("b", n, { ip: "10.1.214.10" }).plan();

  it("sets `default dev eth0` and no gateway route", () => {
    expect(routes(plan, "a")).toEqual(["default dev eth0"]);
    expect(routes(plan, "b")).toEqual(["default dev eth0"]);
    expect(argvLines(plan, "route-add")).toContain("l3-a ip route replace default dev eth0");
  });

  it("still reserves the gateway, and only notes a given gateway instead of failing", () => {
    const withGw = net.ipvlan("g").mode("l3").subnet("192.168.1.0/24", { gateway: "192.168.1.1" });
    const p = lab("l3g").endpoint("x", withGw).plan();
    expect(iface(p, "x").addresses).toEqual(["192.168.1.2/24"]);
    expect(p.toJSON().diagnostics.some((d) => /gateway/i.test(d.message))).toBe(true);
  });
});

describe("dual stack macvlan (VLAN 218: 192.168.216.0/24, 192.168.218.0/24, 2001:db8:abc8::/64)", () => {
  const n = net.macvlan("macvlan216").parent("eth0.218")
    .subnet("192.168.216.0/24", { gateway: "192.168.216.1" })
    .subnet("192.168.218.0/24", { gateway: "192.168.218.1" })
    .subnet("2001:db8:abc8::/64", { gateway: "2001:db8:abc8::10" });
  const plan = lab("ds").endpoint("t1", n, { ip: "192.168.216.10" }).endpoint("t2", n, { ip: "192.168.218.10" }).endpoint("t3", n, { ip: "192.168.216.11" }).plan();

  it("gives each container its static IPv4 plus the next IPv6 from ::1, added with nodad", () => {
    expect(iface(plan, "t1").addresses).toEqual(["192.168.216.10/24", "2001:db8:abc8::1/64"]);
    expect(iface(plan, "t3").addresses).toEqual(["192.168.216.11/24", "2001:db8:abc8::3/64"]);
    expect(argvLines(plan, "addr-add")).toContain("ds-t1 ip addr add 2001:db8:abc8::1/64 dev eth0 nodad");
  });

  it("routes default via the gateway of the subnet the address is in, v4 and v6", () => {
    expect(routes(plan, "t1")).toEqual(["default via 192.168.216.1 dev eth0", "default via 2001:db8:abc8::10 dev eth0"]);
    expect(routes(plan, "t2")).toEqual(["default via 192.168.218.1 dev eth0", "default via 2001:db8:abc8::10 dev eth0"]);
  });

  it("turns IPv6 router advertisements and autoconf off in endpoints with IPv6", () => {
    expect(argvLines(plan, "sysctl")[0]).toBe("ds-t1 sysctl -q -w net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.all.autoconf=0 net.ipv6.conf.default.autoconf=0");
    expect(indexOfOp(plan, "sysctl:ds-t1")).toBeLessThan(indexOfOp(plan, "link:ds-t1"));
  });
});

describe("IPv6-only ipvlan (VLAN 139: 2001:db8:abc2::/64, gateway ::22)", () => {
  it("adds the default IPv4 pool like Docker, and IPv6 from ::1 with default via ::22", () => {
    const n = net.ipvlan("v6ipvlan139").parent("eth0.139").subnet("2001:db8:abc2::/64", { gateway: "2001:db8:abc2::22" });
    const plan = lab("v6").endpoint("a", n).endpoint("b", n).plan();
    expect(iface(plan, "a").addresses).toEqual(["172.18.0.2/16", "2001:db8:abc2::1/64"]);
    expect(iface(plan, "b").addresses).toEqual(["172.18.0.3/16", "2001:db8:abc2::2/64"]);
    expect(routes(plan, "a")).toContain("default via 2001:db8:abc2::22 dev eth0");
  });

  it("stays IPv6-only with .ipv4(false)", () => {
    const n = net.ipvlan("v6only").parent("eth0.139").subnet("2001:db8:abc2::/64", { gateway: "2001:db8:abc2::22" }).ipv4(false);
    expect(iface(lab("v6").endpoint("a", n).plan(), "a").addresses).toEqual(["2001:db8:abc2::1/64"]);
  });
});

describe("dual stack ipvlan L3 (VLAN 118 doc example: ipnet110)", () => {
  const n = net.ipvlan("ipnet110").parent("eth0").mode("l3")
    .subnet("192.168.110.0/24").subnet("192.168.112.0/24").subnet("2001:db8:abc6::/64");
  const plan = lab("l3d").endpoint("c1", n).endpoint("c2", n, { ip6: "2001:db8:abc6::10" }).endpoint("c3", n, { ip: "192.168.112.50" }).plan();

  it("routes default dev eth0 for IPv4 and IPv6, never via a gateway", () => {
    expect(routes(plan, "c1")).toEqual(["default dev eth0", "default dev eth0"]);
    expect(argvLines(plan, "route-add").filter((l) => l.startsWith("l3d-c1"))).toEqual([
      "l3d-c1 ip route replace default dev eth0",
      "l3d-c1 ip route replace ::/0 dev eth0",
    ]);
  });

  it("honours --ip6 and --ip selections of their subnet", () => {
    expect(iface(plan, "c2").addresses).toContain("2001:db8:abc6::10/64");
    expect(iface(plan, "c3").addresses).toContain("192.168.112.50/24");
  });
});

describe("a second network on the same endpoint", () => {
  it("becomes eth1, created in place in the same namespace", () => {
    const a = net.macvlan("a").parent("p1").subnet("10.1.0.0/24");
    const b = net.macvlan("b").parent("p2").subnet("10.2.0.0/24");
    const plan = lab("two").endpoint("x", a).endpoint("x", b).plan();
    expect(plan.endpoints[0]?.interfaces.map((i) => `${i.name} ${i.network} ${i.addresses.join(",")}`)).toEqual(["eth0 a 10.1.0.2/24", "eth1 b 10.2.0.2/24"]);
    expect(routes(plan, "x", "eth1")).toEqual([]);
  });
});

describe("sandbox mode", () => {
  it("creates the host namespace and a stand-in for every physical parent, VLANs on top", () => {
    const n = net.macvlan("n").parent("eth0.50").subnet("10.5.0.0/24");
    const plan = lab("sb", { host: "sb-host", sandbox: true }).endpoint("a", n).plan();
    expect(argvLines(plan).slice(0, 3)).toEqual([
      "- ip netns add sb-host",
      "sb-host ip link add eth0 type dummy",
      "sb-host ip link add link eth0 name eth0.50 type vlan id 50",
    ]);
    expect(plan.ops[0]?.ensure).toBe(false);
  });
});

describe("host access shim", () => {
  it("adds a macvlan bridge shim in the host namespace with a /32 and a route per endpoint", () => {
    const n = net.macvlan("pub").parent("eth0").subnet("192.168.1.0/24").hostAccess({ ip: "192.168.1.250", name: "pub-shim" });
    const plan = lab("ha", { host: "ha-host" }).endpoint("a", n).plan();
    expect(argvLines(plan, "shim-add")[0]).toMatch(/^ha-host ip link add pub-shim link eth0 address 02(:[0-9a-f]{2}){5} type macvlan mode bridge$/);
    expect(argvLines(plan, "addr-add")).toContain("ha-host ip addr add 192.168.1.250/32 dev pub-shim");
    expect(argvLines(plan, "route-add")).toContain("ha-host ip route replace 192.168.1.2/32 dev pub-shim");
  });
});
