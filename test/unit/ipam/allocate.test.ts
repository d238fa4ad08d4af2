import { describe, expect, it } from "vitest";
import { allocateLab } from "../../../sdk/ipam/allocate.ts";
import { endpoint, lab, network, on } from "./helpers.ts";

const pub = network("pub", [{ cidr: "192.168.1.0/24" }]);

describe("allocateLab — as the Docker docs describe it", () => {
  it("first automatic address is .2 (gateway .1 reserved)", () => {
    const r = allocateLab(lab("demo", endpoint("web", on(pub)), endpoint("db", on(pub))));
    expect(r.issues).toEqual([]);
    expect(r.subnets.get("pub")).toEqual([{ cidr: "192.168.1.0/24", gateway: "192.168.1.1", ipRange: null }]);
    expect(r.addresses.get("web/pub")).toEqual(["192.168.1.2/24"]);
    expect(r.addresses.get("db/pub")).toEqual(["192.168.1.3/24"]);
  });

  it("--ip-range 192.168.32.128/25 with gateway .254: first container .128", () => {
    const macnet32 = network("macnet32", [{ cidr: "192.168.32.0/24", ipRange: "192.168.32.128/25", gateway: "192.168.32.254" }]);
    const r = allocateLab(lab("demo", endpoint("a", on(macnet32))));
    expect(r.addresses.get("a/macnet32")).toEqual(["192.168.32.128/24"]);
    expect(r.subnets.get("macnet32")).toEqual([{ cidr: "192.168.32.0/24", gateway: "192.168.32.254", ipRange: "192.168.32.128/25" }]);
  });

  it("--aux-address is never handed out", () => {
    const net = network("pub_net", [{ cidr: "172.16.86.0/24", gateway: "172.16.86.1", exclude: { exclude_host: "172.16.86.2" } }]);
    const r = allocateLab(lab("demo", endpoint("a", on(net))));
    expect(r.addresses.get("a/pub_net")).toEqual(["172.16.86.3/24"]);
  });

  it("dual stack: one IPv4 and one IPv6 address, v4 first; IPv6 starts at ::1 when the gateway is ::10", () => {
    const macvlan216 = network("macvlan216", [
      { cidr: "192.168.216.0/24", gateway: "192.168.216.1" },
      { cidr: "192.168.218.0/24", gateway: "192.168.218.1" },
      { cidr: "2001:db8:abc8::/64", gateway: "2001:db8:abc8::10" },
    ]);
    const r = allocateLab(lab("demo", endpoint("a", on(macvlan216)), endpoint("b", on(macvlan216, "192.168.218.10"))));
    expect(r.issues).toEqual([]);
    expect(r.addresses.get("a/macvlan216")).toEqual(["192.168.216.2/24", "2001:db8:abc8::1/64"]);
    // A static IPv4 address selects its subnet; the endpoint still gets an automatic IPv6 address.
    expect(r.addresses.get("b/macvlan216")).toEqual(["192.168.218.10/24", "2001:db8:abc8::2/64"]);
  });

  it("a static IPv6 address alone still gets an automatic IPv4 address, and vice versa", () => {
    const ds = network("ds", [{ cidr: "192.168.110.0/24" }, { cidr: "2001:db8:abc6::/64" }]);
    const r = allocateLab(lab("demo", endpoint("a", on(ds, "2001:db8:abc6::10")), endpoint("b", on(ds, "2001:db8:abc6::50", "192.168.110.50"))));
    expect(r.addresses.get("a/ds")).toEqual(["192.168.110.2/24", "2001:db8:abc6::10/64"]);
    expect(r.addresses.get("b/ds")).toEqual(["192.168.110.50/24", "2001:db8:abc6::50/64"]);
  });

  it("ipvlan l3 with a gateway: a diagnostic, not an error; the gateway stays reserved", () => {
    const l3 = network("ipnet210", [{ cidr: "192.168.214.0/24", gateway: "192.168.214.1" }], { driver: "ipvlan", ipvlanMode: "l3" });
    const r = allocateLab(lab("demo", endpoint("a", on(l3))));
    expect(r.issues).toEqual([]);
    expect(r.addresses.get("a/ipnet210")).toEqual(["192.168.214.2/24"]);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ level: "warning", path: "networks.ipnet210.subnets[0].gateway", message: expect.stringMatching(/kept reserved but not used as a route/) }),
    ]);
  });

  it("ipvlan l3 without a gateway still reserves .1 by policy (containers start at .2, as in the docs)", () => {
    const l3 = network("ipnet110", [{ cidr: "192.168.112.0/24" }], { driver: "ipvlan", ipvlanMode: "l3" });
    const r = allocateLab(lab("demo", endpoint("a", on(l3))));
    expect(r.addresses.get("a/ipnet110")).toEqual(["192.168.112.2/24"]);
    expect(r.diagnostics).toEqual([]);
  });

  it("no subnet: the default pool 172.18.0.0/16 (first container 172.18.0.2)", () => {
    const r = allocateLab(lab("demo", endpoint("a", on(network("isolated3")))));
    expect(r.subnets.get("isolated3")).toEqual([{ cidr: "172.18.0.0/16", gateway: "172.18.0.1", ipRange: null }]);
    expect(r.addresses.get("a/isolated3")).toEqual(["172.18.0.2/16"]);
    expect(r.diagnostics[0]).toMatchObject({ level: "info", path: "networks.isolated3.subnets" });
  });

  it("the default pool skips a subnet already used in the lab, and two default networks differ", () => {
    const used = network("used", [{ cidr: "172.18.0.0/24" }]);
    const r = allocateLab(lab("demo", endpoint("a", on(used), on(network("x")), on(network("y")))));
    expect(r.issues).toEqual([]);
    expect(r.subnets.get("x")?.[0]?.cidr).toBe("172.19.0.0/16");
    expect(r.subnets.get("y")?.[0]?.cidr).toBe("172.20.0.0/16");
  });

  it("internal networks still reserve a gateway by policy; policy none reserves nothing", () => {
    const internal = network("iso", [{ cidr: "192.168.10.0/24" }], { internal: true });
    const none = network("none", [{ cidr: "192.168.11.0/24" }], { gatewayPolicy: "none" });
    const r = allocateLab(lab("demo", endpoint("a", on(internal), on(none))));
    expect(r.subnets.get("iso")?.[0]?.gateway).toBe("192.168.10.1");
    expect(r.addresses.get("a/iso")).toEqual(["192.168.10.2/24"]);
    expect(r.subnets.get("none")?.[0]?.gateway).toBeNull();
    expect(r.addresses.get("a/none")).toEqual(["192.168.11.1/24"]);
  });

  it("static addresses are placed before automatic ones, whatever the endpoint order", () => {
    const r = allocateLab(lab("demo", endpoint("auto1", on(pub)), endpoint("auto2", on(pub)), endpoint("fixed", on(pub, "192.168.1.2"))));
    expect(r.issues).toEqual([]);
    expect(r.addresses.get("fixed/pub")).toEqual(["192.168.1.2/24"]);
    expect(r.addresses.get("auto1/pub")).toEqual(["192.168.1.3/24"]);
    expect(r.addresses.get("auto2/pub")).toEqual(["192.168.1.4/24"]);
  });

  it("automatic addresses overflow into the next subnet of the family with room", () => {
    const two = network("two", [{ cidr: "10.0.0.0/30" }, { cidr: "10.0.1.0/24" }]);
    const r = allocateLab(lab("demo", endpoint("a", on(two)), endpoint("b", on(two))));
    expect(r.addresses.get("a/two")).toEqual(["10.0.0.2/30"]);
    expect(r.addresses.get("b/two")).toEqual(["10.0.1.2/24"]);
  });

  it("IPv6-only subnets also get Docker's default IPv4 pool (VLAN 139 example: 172.18.0.2/16)", () => {
    const v6 = network("v6", [{ cidr: "2001:db8:abc2::/64", gateway: "2001:db8:abc2::22" }]);
    expect(allocateLab(lab("demo", endpoint("a", on(v6)))).addresses.get("a/v6")).toEqual(["172.18.0.2/16", "2001:db8:abc2::1/64"]);
  });

  it("networks with ipv4: false give IPv6 addresses only", () => {
    const v6 = { ...network("v6", [{ cidr: "2001:db8:abc2::/64", gateway: "2001:db8:abc2::22" }]), ipv4: false };
    expect(allocateLab(lab("demo", endpoint("a", on(v6)))).addresses.get("a/v6")).toEqual(["2001:db8:abc2::1/64"]);
  });

  it("is deterministic: the same spec always gives this allocation, in this order", () => {
    const spec = lab("demo", endpoint("a", on(pub), on(network("d"))), endpoint("b", on(pub, "192.168.1.77")));
    const r = allocateLab(spec);
    expect([...r.subnets]).toEqual([
      ["pub", [{ cidr: "192.168.1.0/24", gateway: "192.168.1.1", ipRange: null }]],
      ["d", [{ cidr: "172.18.0.0/16", gateway: "172.18.0.1", ipRange: null }]],
    ]);
    expect([...r.addresses]).toEqual([
      ["a/pub", ["192.168.1.2/24"]],
      ["a/d", ["172.18.0.2/16"]],
      ["b/pub", ["192.168.1.77/24"]],
    ]);
    expect(r.issues).toEqual([]);
    expect(r.diagnostics).toEqual([
      { level: "info", path: "networks.d.subnets", message: "no subnet given: using 172.18.0.0/16 from the default pool" },
    ]);
  });
});

describe("allocateLab — issues (all at once, each naming field and value)", () => {
  it("invalid CIDR and host bits set, with the network-address suggestion", () => {
    const bad = network("bad", [{ cidr: "192.168.1.5/24" }, { cidr: "not-a-cidr" }]);
    const r = allocateLab(lab("demo", endpoint("a", on(bad))));
    expect(r.issues).toEqual([
      { path: "networks.bad.subnets[0].cidr", message: "192.168.1.5/24 has host bits set — did you mean 192.168.1.0/24?" },
      { path: "networks.bad.subnets[1].cidr", message: expect.stringContaining('received "not-a-cidr"') },
    ]);
  });

  it("gateway, ip-range and excluded address outside the subnet", () => {
    const bad = network("pub", [{ cidr: "192.168.1.0/24", gateway: "192.168.2.1", ipRange: "192.168.2.0/25", exclude: ["10.0.0.1"] }]);
    const r = allocateLab(lab("demo", endpoint("web", on(bad))));
    expect(r.issues.map((i) => i.path)).toEqual([
      "networks.pub.subnets[0].gateway",
      "networks.pub.subnets[0].ipRange",
      "networks.pub.subnets[0].exclude[0]",
    ]);
    expect(r.issues[0]?.message).toMatch(/gateway 192\.168\.2\.1 is outside subnet 192\.168\.1\.0\/24/);
  });

  it("static address outside every subnet of the network", () => {
    const r = allocateLab(lab("demo", endpoint("web", on(pub, "10.0.0.5"))));
    expect(r.issues).toEqual([
      { path: "endpoints.web.pub.ip", message: '10.0.0.5 is outside every IPv4 subnet of network "pub" (192.168.1.0/24) — pick an address inside one of them' },
    ]);
  });

  it("static address of a family the network does not have", () => {
    const r = allocateLab(lab("demo", endpoint("web", on(pub, "2001:db8::5"))));
    expect(r.issues[0]?.message).toBe('2001:db8::5 is IPv6 but network "pub" has no IPv6 subnet — add one or drop this address');
  });

  it("static address equal to the network, broadcast, gateway or an excluded address", () => {
    const net = network("pub", [{ cidr: "192.168.1.0/24", exclude: ["192.168.1.250"] }]);
    const r = allocateLab(
      lab("demo", endpoint("a", on(net, "192.168.1.0")), endpoint("b", on(net, "192.168.1.255")), endpoint("c", on(net, "192.168.1.1")), endpoint("d", on(net, "192.168.1.250"))),
    );
    expect(r.issues).toEqual([
      { path: "endpoints.a.pub.ip", message: "192.168.1.0 is the network address of 192.168.1.0/24 — pick a host address" },
      { path: "endpoints.b.pub.ip", message: "192.168.1.255 is the broadcast address of 192.168.1.0/24 — pick a host address" },
      { path: "endpoints.c.pub.ip", message: "192.168.1.1 is the gateway of 192.168.1.0/24 — pick another address" },
      { path: "endpoints.d.pub.ip", message: "192.168.1.250 is an excluded (aux) address of 192.168.1.0/24 — pick another address" },
    ]);
  });

  it("static address used twice names the other endpoint", () => {
    const r = allocateLab(lab("demo", endpoint("web", on(pub, "192.168.1.10")), endpoint("db", on(pub, "192.168.1.10"))));
    expect(r.issues).toEqual([
      {
        path: "endpoints.db.pub.ip",
        message: '192.168.1.10 is already given to endpoint "web" on network "pub" — each address can be used once; pick another or leave it automatic',
      },
    ]);
  });

  it("malformed static addresses, and two of one family", () => {
    const ds = network("ds", [{ cidr: "10.0.0.0/24" }]);
    const r = allocateLab(lab("demo", endpoint("a", on(ds, "10.0.0.5/24")), endpoint("b", on(ds, "10.0.0.6", "10.0.0.7"))));
    expect(r.issues).toEqual([
      { path: "endpoints.a.ds.ip", message: expect.stringContaining('drop the "/24", the prefix comes from the subnet') },
      { path: "endpoints.b.ds.ip", message: "2 IPv4 addresses given (10.0.0.6, 10.0.0.7) — an attachment takes at most one IPv4 and one IPv6 address" },
    ]);
  });

  it("static address on a network without a subnet (Docker refuses it too)", () => {
    const r = allocateLab(lab("demo", endpoint("a", on(network("nosub"), "172.18.0.9"))));
    expect(r.issues[0]).toEqual({ path: "endpoints.a.nosub.ip", message: expect.stringMatching(/needs a subnet, but network "nosub" has none/) });
  });

  it("pool exhausted: one clear issue per network and family, naming who got nothing", () => {
    const tiny = network("tiny", [{ cidr: "10.0.0.0/30" }]);
    const r = allocateLab(lab("demo", endpoint("a", on(tiny)), endpoint("b", on(tiny)), endpoint("c", on(tiny))));
    expect(r.addresses.get("a/tiny")).toEqual(["10.0.0.2/30"]);
    expect(r.addresses.get("b/tiny")).toEqual([]);
    expect(r.issues).toEqual([
      {
        path: "networks.tiny.subnets",
        message:
          'pool exhausted: no free IPv4 address left for endpoints "b", "c" on network "tiny" (assignable IPv4 addresses — 10.0.0.0/30: 1) — widen the subnet or ip-range, add a subnet, or attach fewer endpoints',
      },
    ]);
  });

  it("overlapping subnets between two networks, and within one network", () => {
    const a = network("a", [{ cidr: "10.0.0.0/16" }]);
    const b = network("b", [{ cidr: "10.0.5.0/24" }, { cidr: "10.0.5.128/25" }]);
    const r = allocateLab(lab("demo", endpoint("x", on(a), on(b))));
    expect(r.issues).toEqual([
      {
        path: "networks.b.subnets[0].cidr",
        message: '10.0.5.0/24 overlaps 10.0.0.0/16 of network "a" (networks.a.subnets[0]) — pick a subnet that overlaps no other network\'s',
      },
      { path: "networks.b.subnets[1].cidr", message: expect.stringMatching(/^10\.0\.5\.128\/25 overlaps 10\.0\.0\.0\/16/) },
    ]);
    const same = network("s", [{ cidr: "10.9.0.0/24" }, { cidr: "10.9.0.0/24" }]);
    expect(allocateLab(lab("demo", endpoint("x", on(same)))).issues).toEqual([
      { path: "networks.s.subnets[1].cidr", message: "10.9.0.0/24 overlaps 10.9.0.0/24 (subnets[0]) of the same network — merge them or pick disjoint subnets" },
    ]);
  });

  it("IPv4 and IPv6 subnets never overlap each other", () => {
    const ds = network("ds", [{ cidr: "10.0.0.0/8" }, { cidr: "::/0" }]);
    expect(allocateLab(lab("demo", endpoint("x", on(ds)))).issues).toEqual([]);
  });

  it("reports problems of several networks and endpoints together", () => {
    const bad = network("bad", [{ cidr: "10.0.0.1/24" }]);
    const r = allocateLab(lab("demo", endpoint("a", on(bad)), endpoint("b", on(pub, "192.168.1.1"))));
    expect(r.issues.map((i) => i.path)).toEqual(["networks.bad.subnets[0].cidr", "endpoints.b.pub.ip"]);
  });
});

describe("allocateLab — scale", () => {
  it("10 000 dual-stack endpoints (the time is measured by `npm run bench`)", () => {
    const big = network("big", [{ cidr: "10.0.0.0/16" }, { cidr: "fd00::/64" }]);
    const endpoints = Array.from({ length: 10_000 }, (_, i) => endpoint(`e${i}`, on(big)));
    const r = allocateLab(lab("big", ...endpoints));
    expect(r.issues).toEqual([]);
    // the 10 000th endpoint: offset 2 + 9 999 = 10 001 = 39·256 + 17 = 0x2711
    expect(r.addresses.get("e9999/big")).toEqual(["10.0.39.17/16", "fd00::2711/64"]);
  });
});
