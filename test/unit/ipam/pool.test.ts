import { describe, expect, it } from "vitest";
import { UnderlayError } from "../../../sdk/errors.ts";
import { SubnetPool } from "../../../sdk/ipam/pool.ts";
import { thrown } from "../../support/errors.ts";

const pool = (cidr: string, extra: Partial<ConstructorParameters<typeof SubnetPool>[0]> = {}): SubnetPool =>
  new SubnetPool({ cidr, gatewayPolicy: "first", ...extra });


describe("SubnetPool — Docker's documented behaviour", () => {
  it("--subnet=192.168.1.0/24 without --gateway: gateway .1, first container .2", () => {
    const p = pool("192.168.1.0/24");
    expect(p.family).toBe(4);
    expect(p.cidr).toBe("192.168.1.0/24");
    expect(p.prefix).toBe(24);
    expect(p.gateway).toBe("192.168.1.1");
    expect(p.allocate()).toBe("192.168.1.2");
    expect(p.allocate()).toBe("192.168.1.3");
  });

  it("--ip-range=192.168.32.128/25 --gateway=192.168.32.254: first container .128", () => {
    const p = pool("192.168.32.0/24", { ipRange: "192.168.32.128/25", gateway: "192.168.32.254" });
    expect(p.gateway).toBe("192.168.32.254");
    expect(p.ipRange).toBe("192.168.32.128/25");
    expect(p.allocate()).toBe("192.168.32.128");
    // .128–.254 minus the gateway .254 (.255 is the broadcast address): 126 addresses.
    expect(p.size).toBe(126n);
  });

  it("--aux-address=exclude_host=172.16.86.250 is never handed out", () => {
    const p = pool("172.16.86.0/24", { gateway: "172.16.86.1", ipRange: "172.16.86.248/29", exclude: { exclude_host: "172.16.86.250" } });
    const got: string[] = [];
    for (let a = p.allocate(); a !== null; a = p.allocate()) got.push(a);
    expect(got).toEqual(["172.16.86.248", "172.16.86.249", "172.16.86.251", "172.16.86.252", "172.16.86.253", "172.16.86.254"]);
    expect(p.classify("172.16.86.250")).toBe("excluded");
  });

  it("IPv6 starts at ::1 when the gateway is elsewhere (--gateway=2001:db8:abc8::10)", () => {
    const p = pool("2001:db8:abc8::/64", { gateway: "2001:db8:abc8::10" });
    expect(p.family).toBe(6);
    expect(p.allocate()).toBe("2001:db8:abc8::1");
    expect(p.allocate()).toBe("2001:db8:abc8::2");
  });

  it("IPv6 with the default gateway policy: gateway ::1, first container ::2; no broadcast", () => {
    const p = pool("2001:db8:abc2::/64");
    expect(p.gateway).toBe("2001:db8:abc2::1");
    expect(p.allocate()).toBe("2001:db8:abc2::2");
    expect(p.classify("2001:db8:abc2::ffff:ffff:ffff:ffff")).toBe("free");
    expect(p.classify("2001:db8:abc2::")).toBe("network");
  });
});

describe("SubnetPool — gateway policies", () => {
  it("last: 192.168.1.254, allocation still starts at .1", () => {
    const p = pool("192.168.1.0/24", { gatewayPolicy: "last" });
    expect(p.gateway).toBe("192.168.1.254");
    expect(p.allocate()).toBe("192.168.1.1");
  });
  it("none: no gateway, first address .1", () => {
    const p = pool("192.168.1.0/24", { gatewayPolicy: "none" });
    expect(p.gateway).toBeNull();
    expect(p.allocate()).toBe("192.168.1.1");
  });
  it("an explicit gateway wins over policy none, and is reserved", () => {
    const p = pool("10.0.0.0/24", { gatewayPolicy: "none", gateway: "10.0.0.2" });
    expect(p.gateway).toBe("10.0.0.2");
    expect([p.allocate(), p.allocate()]).toEqual(["10.0.0.1", "10.0.0.3"]);
  });
  it("the last policy on IPv6 picks the highest address", () => {
    expect(pool("2001:db8::/120", { gatewayPolicy: "last" }).gateway).toBe("2001:db8::ff");
  });
});

describe("SubnetPool — tiny subnets (RFC 3021 / RFC 6164)", () => {
  it("/30: network and broadcast excluded; gateway .1; one address left", () => {
    const p = pool("10.0.0.0/30");
    expect(p.size).toBe(1n);
    expect(p.allocate()).toBe("10.0.0.2");
    expect(p.allocate()).toBeNull();
  });
  it("/31: both addresses usable (point-to-point); the gateway takes one", () => {
    const p = pool("10.0.0.0/31");
    expect(p.gateway).toBe("10.0.0.0");
    expect(p.classify("10.0.0.1")).toBe("free");
    expect(p.allocate()).toBe("10.0.0.1");
    expect(pool("10.0.0.0/31", { gatewayPolicy: "none" }).size).toBe(2n);
  });
  it("/32 and /128: refused, a single address is no subnet (the one endpoint would get the network address)", () => {
    expect(() => pool("10.0.0.7/32")).toThrow(/10\.0\.0\.7\/32 is a single address, not a subnet.*use \/31/);
    expect(() => pool("2001:db8::5/128")).toThrow(/2001:db8::5\/128 is a single address, not a subnet.*use \/127/);
  });
  it("/127 mirrors /31", () => {
    expect(pool("2001:db8::/127", { gatewayPolicy: "none" }).size).toBe(2n);
    expect(pool("2001:db8::/127").gateway).toBe("2001:db8::");
  });
});

describe("SubnetPool — classify, reserve, release", () => {
  it("classifies every kind of address", () => {
    const p = pool("192.168.1.0/24", { exclude: ["192.168.1.250"] });
    p.reserve("192.168.1.10");
    expect(p.classify("10.0.0.1")).toBe("outside");
    expect(p.classify("2001:db8::1")).toBe("outside");
    expect(p.classify("192.168.1.0")).toBe("network");
    expect(p.classify("192.168.1.255")).toBe("broadcast");
    expect(p.classify("192.168.1.1")).toBe("gateway");
    expect(p.classify("192.168.1.250")).toBe("excluded");
    expect(p.classify("192.168.1.10")).toBe("used");
    expect(p.classify("192.168.1.11")).toBe("free");
    expect(p.contains("192.168.1.77")).toBe(true);
    expect(p.contains("192.168.2.1")).toBe(false);
  });

  it("reserve refuses anything that is not free and says why", () => {
    const p = pool("192.168.1.0/24");
    p.reserve("192.168.1.10");
    expect(thrown(() => p.reserve("192.168.1.10")).message).toMatch(/192\.168\.1\.10 is already in use in 192\.168\.1\.0\/24/);
    expect(thrown(() => p.reserve("192.168.1.1")).message).toMatch(/is the gateway of 192\.168\.1\.0\/24/);
    expect(thrown(() => p.reserve("192.168.1.255")).message).toMatch(/broadcast address/);
    expect(thrown(() => p.reserve("192.168.1.0")).message).toMatch(/network address/);
    expect(thrown(() => p.reserve("10.1.1.1")).message).toMatch(/outside subnet 192\.168\.1\.0\/24/);
    expect(thrown(() => p.reserve("10.1.1.1")).code).toBe("INVALID_SPEC");
  });

  it("a static address inside the subnet but outside the ip-range is allowed (Docker's --ip)", () => {
    const p = pool("192.168.32.0/24", { ipRange: "192.168.32.128/25" });
    expect(p.reserve("192.168.32.10")).toBe("192.168.32.10");
    expect(p.free).toBe(p.size);
  });

  it("automatic allocation skips reserved addresses", () => {
    const p = pool("192.168.1.0/24");
    p.reserve("192.168.1.2");
    expect(p.allocate()).toBe("192.168.1.3");
  });

  it("release then allocate hands back the released (lowest free) address", () => {
    const p = pool("192.168.1.0/24");
    const a = [p.allocate(), p.allocate(), p.allocate()];
    expect(a).toEqual(["192.168.1.2", "192.168.1.3", "192.168.1.4"]);
    expect(p.release("192.168.1.3")).toBe(true);
    expect(p.release("192.168.1.3")).toBe(false);
    expect(p.allocate()).toBe("192.168.1.3");
    expect(p.allocate()).toBe("192.168.1.5");
  });

  it("free and size count the automatic range", () => {
    const p = pool("192.168.1.0/24");
    expect(p.size).toBe(253n);
    p.allocate();
    expect(p.free).toBe(252n);
    expect(pool("2001:db8::/64").size).toBe(2n ** 64n - 2n);
  });

  it("addresses are returned and compared in canonical form", () => {
    const p = pool("2001:DB8:0::/64");
    expect(p.cidr).toBe("2001:db8::/64");
    expect(p.reserve("2001:0db8::0:00a")).toBe("2001:db8::a");
    expect(p.classify("2001:db8::A")).toBe("used");
  });

  it("allocateOrThrow reports POOL_EXHAUSTED with the subnet in the message", () => {
    const p = pool("10.0.0.0/30");
    p.allocateOrThrow();
    const e = thrown(() => p.allocateOrThrow());
    expect(e.code).toBe("POOL_EXHAUSTED");
    expect(e.message).toMatch(/no free IPv4 address left in 10\.0\.0\.0\/30 \(1 assignable, all in use\)/);
  });

  it("bad options throw INVALID_SPEC listing every issue", () => {
    const e = thrown(() => new SubnetPool({ cidr: "192.168.1.5/24", gatewayPolicy: "first", gateway: "10.0.0.1" }));
    expect(e.code).toBe("INVALID_SPEC");
    expect(e.issues.map((i) => i.path)).toEqual(["cidr", "gateway"]);
    expect(e.message).toMatch(/did you mean 192\.168\.1\.0\/24\?/);
  });

  it("non-addresses are refused by classify", () => {
    expect(thrown(() => pool("10.0.0.0/24").classify("banana")).message).toMatch(/received "banana"/);
  });
});

describe("SubnetPool — large pools (never materialised; their speed is measured by `npm run bench`)", () => {
  it("allocates every address of a /16", () => {
    const p = pool("10.20.0.0/16");
    let n = 0;
    while (p.allocate() !== null) n++;
    expect(n).toBe(65_533); // 65 536 − network − broadcast − gateway
    expect(p.free).toBe(0n);
  });

  it("allocates 100 000 addresses of an IPv6 /64", () => {
    const p = pool("2001:db8:1::/64");
    let last = "";
    for (let i = 0; i < 100_000; i++) last = p.allocate() ?? "";
    expect(last).toBe("2001:db8:1::1:86a1"); // ::2 + 99 999 = 0x186a1
  });
});
