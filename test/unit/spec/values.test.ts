/** Canonical interface addresses and MACs: what the kernel reports back, so verify converges. */
import { describe, expect, it } from "vitest";
import { canonicalMac, parseHostAddress } from "../../../sdk/spec/values.ts";

const cidr = (text: string): string => {
  const r = parseHostAddress(text, "hostAccess ip");
  if (typeof r === "string") throw new Error(r);
  return r.cidr;
};

describe("parseHostAddress", () => {
  it("a bare address gets /32 or /128; a decimal prefix is kept; IPv6 is lowercase and compressed", () => {
    expect(cidr("192.168.1.250")).toBe("192.168.1.250/32");
    expect(cidr("192.168.1.250/24")).toBe("192.168.1.250/24");
    expect(cidr("192.168.1.250/0")).toBe("192.168.1.250/0");
    expect(cidr("2001:DB8:0000::00FA")).toBe("2001:db8::fa/128");
    expect(cidr("2001:db8::fa/64")).toBe("2001:db8::fa/64");
  });

  it("refuses what iproute2 would read otherwise, naming the value", () => {
    expect(parseHostAddress("10.77.0.250/024", "hostAccess ip")).toMatch(/"024" has a leading zero, which iproute2 reads as octal, i\.e\. 20: write 24/);
    expect(parseHostAddress("10.77.0.250/09", "hostAccess ip")).toMatch(/"09" has a leading zero, which iproute2 reads as octal, and it is no octal number/);
    expect(parseHostAddress("10.77.0.025", "hostAccess ip")).toMatch(/"025" has a leading zero/);
    expect(parseHostAddress("10.0.0.1/33", "hostAccess ip")).toMatch(/at most 32/);
    for (const bad of ["", "x", "10.0.0.1/", "10.0.0.1/+24", "10.0.0.1/ 24", " 10.0.0.1", "fe80::1%eth0", "10.0.0.1/24/1"]) {
      expect(typeof parseHostAddress(bad, "hostAccess ip"), JSON.stringify(bad)).toBe("string");
    }
  });
});

describe("canonicalMac", () => {
  it("is lowercase", () => expect(canonicalMac("02:AB:cd:00:00:0F")).toBe("02:ab:cd:00:00:0f"));
});
