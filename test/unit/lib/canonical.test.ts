import fc from "fast-check";
import { Address6 } from "ip-address";
import { describe, expect, it } from "vitest";
import { canonicalCidr, canonicalDst, canonicalIp, ipFamily, sysctlKey } from "../../../sdk/lib/canonical.ts";

describe("canonicalIp", () => {
  it.each([
    ["10.0.0.1", "10.0.0.1"],
    ["FD00:0:0:0::0002", "fd00::2"],
    ["fd00::2", "fd00::2"],
    ["0:0:0:0:0:0:0:0", "::"],
    ["0:0:0:0:0:0:0:1", "::1"],
    ["1:0:0:0:0:0:0:0", "1::"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // a single zero group is not compressed
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // the first of two equal runs
    ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"], // the longest run
    ["::FFFF:10.0.0.1", "::ffff:10.0.0.1"], // mapped IPv4, as inet_ntop prints it
    ["::ffff:a00:1", "::ffff:10.0.0.1"],
    ["fe80::e81d:51ff:fe3a:d164", "fe80::e81d:51ff:fe3a:d164"],
  ])("%s → %s", (input, out) => {
    expect(canonicalIp(input)).toBe(out);
  });

  it.each(["", "10.0.0", "10.0.0.256", "010.0.0.1", "1:::2", ":1::2", "1::2::3", "12345::", "fe80::1%eth0", "eth0", "1:2:3:4:5:6:7:8:9"])(
    "rejects %j",
    (input) => {
      expect(canonicalIp(input)).toBeNull();
    },
  );

  it("agrees with ip-address's RFC 5952 form for every address that does not embed IPv4", () => {
    const word = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(word, { minLength: 8, maxLength: 8 }), (words) => {
        fc.pre(words.slice(0, 5).some((w) => w !== 0)); // ::a.b.c.d and ::ffff:a.b.c.d print differently on purpose
        const full = words.map((w) => w.toString(16).toUpperCase()).join(":");
        expect(canonicalIp(full)).toBe(new Address6(full).correctForm());
        expect(canonicalIp(canonicalIp(full) as string)).toBe(canonicalIp(full));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("ipFamily", () => {
  it("tells IPv4 from IPv6 from neither", () => {
    expect([ipFamily("10.0.0.1"), ipFamily("::1"), ipFamily("default")]).toEqual([4, 6, null]);
  });
});

describe("canonicalCidr", () => {
  it("keeps the host part and canonicalises the address", () => {
    expect(canonicalCidr("FD00:0::0002/64")).toBe("fd00::2/64");
    expect(canonicalCidr("10.0.0.2/24")).toBe("10.0.0.2/24");
  });
  it("adds /32 or /128 to a bare address", () => {
    expect(canonicalCidr("10.0.0.2")).toBe("10.0.0.2/32");
    expect(canonicalCidr("fd00::2")).toBe("fd00::2/128");
  });
  it.each(["10.0.0.2/33", "fd00::/129", "10.0.0.2/", "10.0.0.2/x", "10.0.0.2/024a", "nope/24"])("rejects %j", (input) => {
    expect(canonicalCidr(input)).toBeNull();
  });
});

describe("canonicalDst", () => {
  it("writes every default route as default", () => {
    expect([canonicalDst("default"), canonicalDst("0.0.0.0/0"), canonicalDst("::/0")]).toEqual(["default", "default", "default"]);
  });
  it("clears host bits and adds a prefix length to host routes", () => {
    expect(canonicalDst("10.1.2.3/16")).toBe("10.1.0.0/16");
    expect(canonicalDst("10.1.2.3/23")).toBe("10.1.2.0/23");
    expect(canonicalDst("FD00:1:2:3::1/52")).toBe("fd00:1:2::/52");
    expect(canonicalDst("10.0.0.5")).toBe("10.0.0.5/32");
    expect(canonicalDst("fd00::5")).toBe("fd00::5/128");
  });
  it("rejects what is not a destination", () => {
    expect(canonicalDst("everywhere")).toBeNull();
  });
});

describe("sysctlKey", () => {
  it("leaves dotted keys alone", () => {
    expect(sysctlKey("net.ipv6.conf.all.accept_ra")).toBe("net.ipv6.conf.all.accept_ra");
    expect(sysctlKey("net.ipv6.conf.eth0/50.accept_ra")).toBe("net.ipv6.conf.eth0/50.accept_ra");
  });
  it("turns a path-form key into the dotted form sysctl prints (dots in names become /)", () => {
    expect(sysctlKey("net/ipv6/conf/all/forwarding")).toBe("net.ipv6.conf.all.forwarding");
    expect(sysctlKey("net/ipv6/conf/eth0.50/accept_ra")).toBe("net.ipv6.conf.eth0/50.accept_ra");
  });
});
