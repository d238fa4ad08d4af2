/** Route helpers for ipvlan L3: data, argv, both directions, and clear errors for bad input. */
import { describe, expect, it } from "vitest";
import { iproute2, lab, net, UnderlayError } from "../../../sdk/index.ts";
import { l3Routes } from "../../../sdk/route/index.ts";
import { hostAccessRoutes, routeArgv, twoHostRoutes } from "../../../sdk/route/index.ts";

const ipnet210 = net.ipvlan("ipnet210").mode("l3").subnet("192.168.214.0/24").subnet("10.1.214.0/24").subnet("2001:db8:abc6::/64");

describe("l3Routes", () => {
  it("routes every container subnet, IPv4 and IPv6, via the host's underlay address", () => {
    expect(l3Routes(ipnet210, { via: ["192.168.1.250", "2001:db8:1::250"] })).toEqual([
      { dst: "192.168.214.0/24", via: "192.168.1.250" },
      { dst: "10.1.214.0/24", via: "192.168.1.250" },
      { dst: "2001:db8:abc6::/64", via: "2001:db8:1::250" },
    ]);
  });

  it("renders ip route argv", () => {
    const r = l3Routes(net.ipvlan("x").mode("l3s").subnet("10.9.0.0/24"), { via: "192.168.1.250", dev: "eth1" });
    expect(routeArgv(r)).toEqual([["ip", "route", "replace", "10.9.0.0/24", "via", "192.168.1.250", "dev", "eth1"]]);
  });

  it("rejects a via outside every connected subnet of the peer, naming both", () => {
    try {
      l3Routes(ipnet210, { via: ["192.168.9.250", "2001:db8:1::250"], peerConnected: ["192.168.1.0/24", "2001:db8:1::/64"] });
      throw new Error("expected ROUTE");
    } catch (e) {
      expect((e as UnderlayError).code).toBe("ROUTE");
      expect((e as Error).message).toMatch(/via 192\.168\.9\.250 is outside every connected subnet of the peer \(192\.168\.1\.0\/24\)/);
    }
  });

  it("rejects a container subnet that overlaps the peer's own", () => {
    expect(() => l3Routes(ipnet210, { via: ["192.168.1.250", "2001:db8:1::250"], peerOwn: ["10.1.0.0/16"] })).toThrow(/10\.1\.214\.0\/24 overlaps the peer's own subnet 10\.1\.0\.0\/16/);
  });

  it("asks for a via of the missing family", () => {
    expect(() => l3Routes(ipnet210, { via: "192.168.1.250" })).toThrow(/no IPv6 via was given/);
  });

  it("refuses bridged networks, which need no routes", () => {
    expect(() => l3Routes(net.ipvlan("l2").subnet("10.0.0.0/24"), { via: "10.0.0.1" })).toThrow(/bridged, not routed/);
  });
});

describe("twoHostRoutes", () => {
  it("gives each host the route to the other's container subnets", () => {
    const a = net.ipvlan("na").mode("l3").subnet("10.10.1.0/24");
    const b = net.ipvlan("nb").mode("l3").subnet("10.10.2.0/24");
    const { onA, onB } = twoHostRoutes("pair", { networks: [a], address: "172.30.0.1", dev: "u0", netns: "ha", connected: ["172.30.0.0/24"] }, { networks: [b], address: "172.30.0.2", dev: "u0", netns: "hb", connected: ["172.30.0.0/24"] });
    expect(onA.routes).toEqual([{ dst: "10.10.2.0/24", via: "172.30.0.2", dev: "u0" }]);
    expect(onB.routes).toEqual([{ dst: "10.10.1.0/24", via: "172.30.0.1", dev: "u0" }]);
    expect(onA.plan().ops.map((o) => `${o.netns} ${iproute2(o).argv.join(" ")}`)).toEqual(["ha ip route replace 10.10.2.0/24 via 172.30.0.2 dev u0"]);
    const undo = onA.plan().ops[0]?.undo;
    expect(undo === null || undo === undefined ? null : iproute2(undo).argv).toEqual(["ip", "route", "del", "10.10.2.0/24", "via", "172.30.0.2", "dev", "u0"]);
  });
});

describe("hostAccessRoutes", () => {
  it("lists the shim's per-endpoint host routes", () => {
    const n = net.macvlan("pub").parent("eth0").subnet("192.168.1.0/24").hostAccess({ ip: "192.168.1.250", name: "shim" });
    expect(hostAccessRoutes(lab("h", { host: "hh" }).endpoint("a", n).endpoint("b", n).plan().toJSON())).toEqual([
      { dst: "192.168.1.2/32", dev: "shim" },
      { dst: "192.168.1.3/32", dev: "shim" },
    ]);
  });
});
