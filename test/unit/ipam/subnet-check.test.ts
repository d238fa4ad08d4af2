import { describe, expect, it } from "vitest";
import { checkSubnet } from "../../../sdk/ipam/subnet-check.ts";
import type { PoolOptions } from "../../../sdk/ipam/types.ts";

const at = "networks.pub.subnets[0]";
const issues = (o: Omit<PoolOptions, "gatewayPolicy">): { path: string; message: string }[] =>
  [...checkSubnet({ gatewayPolicy: "first", ...o }, at).issues];

describe("checkSubnet — every problem names the field and the value and says what to do", () => {
  it("accepts a clean dual-stack-style subnet", () => {
    expect(issues({ cidr: "192.168.32.0/24", gateway: "192.168.32.254", ipRange: "192.168.32.128/25", exclude: ["192.168.32.250"] })).toEqual([]);
    expect(issues({ cidr: "2001:db8:abc8::/64", gateway: "2001:db8:abc8::10" })).toEqual([]);
  });

  it("invalid CIDR", () => {
    expect(issues({ cidr: "192.168.300.0/24" })).toEqual([
      { path: `${at}.cidr`, message: 'expected a subnet like 192.168.1.0/24 or 2001:db8::/64 but received "192.168.300.0/24"' },
    ]);
    expect(issues({ cidr: "10.0.0.0/33" })[0]?.path).toBe(`${at}.cidr`);
  });

  it("a bare address where a subnet is expected: suggests a prefix", () => {
    expect(issues({ cidr: "10.1.0.0" })[0]?.message).toBe('expected a subnet in CIDR form but received "10.1.0.0" — add a prefix length, e.g. 10.1.0.0/24');
  });

  it("host bits set: did you mean the network address?", () => {
    expect(issues({ cidr: "192.168.1.5/24" })).toEqual([
      { path: `${at}.cidr`, message: "192.168.1.5/24 has host bits set — did you mean 192.168.1.0/24?" },
    ]);
    expect(issues({ cidr: "2001:db8::1/64" })[0]?.message).toMatch(/did you mean 2001:db8::\/64\?/);
  });

  it("gateway outside its subnet", () => {
    expect(issues({ cidr: "192.168.1.0/24", gateway: "192.168.2.1" })).toEqual([
      { path: `${at}.gateway`, message: "gateway 192.168.2.1 is outside subnet 192.168.1.0/24 — pick an address inside it, e.g. 192.168.1.1" },
    ]);
  });

  it("gateway of the other family, or not an address", () => {
    expect(issues({ cidr: "192.168.1.0/24", gateway: "2001:db8::1" })[0]?.message).toMatch(/gateway 2001:db8::1 is IPv6 but subnet 192\.168\.1\.0\/24 is IPv4/);
    expect(issues({ cidr: "192.168.1.0/24", gateway: "192.168.1.1/24" })[0]?.message).toMatch(/drop the "\/24"/);
  });

  it("gateway on the network or broadcast address", () => {
    expect(issues({ cidr: "192.168.1.0/24", gateway: "192.168.1.255" })[0]?.message).toBe(
      "gateway 192.168.1.255 is the broadcast address of 192.168.1.0/24 — pick a host address, e.g. 192.168.1.1",
    );
    expect(issues({ cidr: "2001:db8::/64", gateway: "2001:db8::" })[0]?.message).toMatch(/Subnet-Router anycast address/);
  });

  it("ip-range not inside the subnet", () => {
    expect(issues({ cidr: "192.168.32.0/24", ipRange: "192.168.33.0/25" })).toEqual([
      { path: `${at}.ipRange`, message: "ip-range 192.168.33.0/25 is not inside subnet 192.168.32.0/24 — pick a range within it, e.g. 192.168.32.128/25" },
    ]);
    expect(issues({ cidr: "192.168.32.0/24", ipRange: "192.168.0.0/16" })[0]?.path).toBe(`${at}.ipRange`);
  });

  it("ip-range with host bits, invalid, or holding nothing assignable", () => {
    expect(issues({ cidr: "192.168.32.0/24", ipRange: "192.168.32.130/25" })[0]?.message).toMatch(/did you mean 192\.168\.32\.128\/25\?/);
    expect(issues({ cidr: "192.168.32.0/24", ipRange: "nope" })[0]?.message).toMatch(/received "nope"/);
    expect(issues({ cidr: "192.168.32.0/24", ipRange: "192.168.32.255/32" })[0]?.message).toMatch(/holds only the broadcast address/);
  });

  it("excluded address outside its subnet (list and named forms)", () => {
    expect(issues({ cidr: "172.16.86.0/24", exclude: ["172.16.86.250", "172.16.87.1"] })).toEqual([
      { path: `${at}.exclude[1]`, message: "excluded address 172.16.87.1 is outside subnet 172.16.86.0/24 — pick an address inside it, e.g. 172.16.86.1" },
    ]);
    expect(issues({ cidr: "172.16.86.0/24", exclude: { host: "10.0.0.1" } })[0]?.path).toBe(`${at}.exclude.host`);
  });

  it("reports every problem at once", () => {
    const found = issues({ cidr: "192.168.1.0/24", gateway: "10.0.0.1", ipRange: "10.0.0.0/25", exclude: ["x"] });
    expect(found.map((i) => i.path)).toEqual([`${at}.gateway`, `${at}.ipRange`, `${at}.exclude[0]`]);
  });

  it("an empty path gives bare field names (used by SubnetPool)", () => {
    expect(checkSubnet({ cidr: "x", gatewayPolicy: "first" }, "").issues[0]?.path).toBe("cidr");
  });
});
