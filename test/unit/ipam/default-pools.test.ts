import { describe, expect, it } from "vitest";
import { defaultPoolCandidates, pickDefaultSubnet } from "../../../sdk/ipam/default-pools.ts";

describe("default pools (Docker's order)", () => {
  it("starts at 172.18.0.0/16, runs to 172.31.0.0/16, then 192.168.x.0/20", () => {
    const c = defaultPoolCandidates();
    expect(c.slice(0, 2)).toEqual(["172.18.0.0/16", "172.19.0.0/16"]);
    expect(c[13]).toBe("172.31.0.0/16");
    expect(c.slice(14, 16)).toEqual(["192.168.0.0/20", "192.168.16.0/20"]);
    expect(c.at(-1)).toBe("192.168.240.0/20");
    expect(c).toHaveLength(14 + 16);
  });

  it("picks 172.18.0.0/16 when nothing is taken", () => {
    expect(pickDefaultSubnet([])).toBe("172.18.0.0/16");
  });

  it("skips a candidate that overlaps a subnet of the lab", () => {
    expect(pickDefaultSubnet(["172.18.5.0/24"])).toBe("172.19.0.0/16");
    expect(pickDefaultSubnet(["172.16.0.0/12"])).toBe("192.168.0.0/20");
    expect(pickDefaultSubnet(["172.16.0.0/12", "192.168.0.0/19"])).toBe("192.168.32.0/20");
  });

  it("ignores IPv6 and malformed subnets, and returns null when all are taken", () => {
    expect(pickDefaultSubnet(["2001:db8::/64", "garbage"])).toBe("172.18.0.0/16");
    expect(pickDefaultSubnet(["172.16.0.0/12", "192.168.0.0/16"])).toBeNull();
  });
});
