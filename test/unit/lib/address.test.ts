import { describe, expect, it } from "vitest";
import { cidrContains, cidrsOverlap, cidrTextsOverlap, formatIp, ipInCidr, ipTextInCidr, parseCidr, parseIp } from "../../../sdk/lib/address.ts";
import * as ipam from "../../../sdk/ipam/index.ts";

const cidr = (s: string) => parseCidr(s) ?? expect.unreachable(`bad cidr ${s}`);

describe("address parsing (on ip-address)", () => {
  it("parses bare IPv4 and IPv6 addresses into canonical text and a bigint", () => {
    expect(parseIp("192.168.1.5")).toEqual({ family: 4, value: 3232235781n, text: "192.168.1.5" });
    expect(parseIp("2001:DB8:0::0:5")).toMatchObject({ family: 6, text: "2001:db8::5" });
  });

  it("refuses prefixes, zones, padding, leading zeros and garbage", () => {
    for (const bad of ["10.0.0.1/24", "fe80::1%eth0", " 10.0.0.1", "010.0.0.1", "10.0.0", "256.0.0.1", "x", ""]) {
      expect(parseIp(bad), bad).toBeNull();
    }
  });

  it("parses CIDRs, flagging host bits", () => {
    expect(parseCidr("192.168.1.5/24")).toMatchObject({ family: 4, prefix: 24, text: "192.168.1.0/24", hostBitsSet: true, size: 256n });
    expect(parseCidr("2001:db8::/64")).toMatchObject({ family: 6, prefix: 64, text: "2001:db8::/64", hostBitsSet: false });
    for (const bad of ["192.168.1.0", "192.168.1.0/33", "192.168.1.0/024", "192.168.1.0/", "2001:db8::/129", "x/8"]) {
      expect(parseCidr(bad), bad).toBeNull();
    }
  });

  it("formats, overlaps and containment", () => {
    expect(formatIp(4, 3232235778n)).toBe("192.168.1.2");
    expect(formatIp(6, (cidr("2001:db8::/64").network) + 0x186a1n)).toBe("2001:db8::1:86a1");
    expect(cidrsOverlap(cidr("10.0.0.0/8"), cidr("10.1.0.0/16"))).toBe(true);
    expect(cidrsOverlap(cidr("10.0.0.0/24"), cidr("10.0.1.0/24"))).toBe(false);
    expect(cidrsOverlap(cidr("0.0.0.0/0"), cidr("::/0"))).toBe(false);
    expect(cidrContains(cidr("192.168.32.0/24"), cidr("192.168.32.128/25"))).toBe(true);
    expect(cidrContains(cidr("192.168.32.128/25"), cidr("192.168.32.0/24"))).toBe(false);
    expect(ipInCidr(parseIp("10.0.0.255") ?? expect.unreachable(), cidr("10.0.0.0/24"))).toBe(true);
  });
});

describe("sdk/ipam/index.ts", () => {
  it("overlap and containment on text: host bits allowed, families kept apart, junk is false", () => {
    expect(cidrTextsOverlap("192.168.1.0/24", "192.168.1.250/24")).toBe(true);
    expect(cidrTextsOverlap("10.0.0.0/16", "10.1.0.0/16")).toBe(false);
    expect(cidrTextsOverlap("10.0.0.0/8", "::/0")).toBe(false);
    expect(cidrTextsOverlap("nonsense", "10.0.0.0/8")).toBe(false);
    expect(ipTextInCidr("2001:db8::5", "2001:db8::/64")).toBe(true);
    expect(ipTextInCidr("10.0.1.1", "10.0.0.0/24")).toBe(false);
  });

  it("exports the public API", () => {
    expect(Object.keys(ipam).sort()).toEqual(
      [
        "SubnetPool",
        "allocateLab",
        "checkSubnet",
        "cidrContains",
        "cidrsOverlap",
        "cidrTextsOverlap",
        "defaultPoolCandidates",
        "formatIp",
        "ipTextInCidr",
        "leaseLab",
        "leaseOwner",
        "openLeaseStore",
        "parseCidr",
        "parseIp",
        "pickDefaultSubnet",
        "releaseLab",
      ].sort(),
    );
  });
});
