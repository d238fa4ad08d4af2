/**
 * Fact checks against the captured sandbox (fx-h: bridge p0 + macvlan m0; fx-a: macvlan eth0
 * with 10.0.0.2/24, fd00::2/64 and routes; fx-b: bare) and hand-built ipvlan/vlan namespaces.
 */
import { describe, expect, it } from "vitest";
import { UnderlayError } from "../../../sdk/errors.ts";
import type { Fact } from "../../../sdk/plan/types.ts";
import { checkFact, explain, holds } from "../../../sdk/state/facts.ts";
import { LINK_ATTRS } from "../../../sdk/state/link-attrs.ts";
import { handBatch, nsFrom, sandboxState } from "./fixtures.ts";

const state = sandboxState();
const why = (fact: Fact): string | null => explain(fact, state);

describe("netns facts", () => {
  it("hold when the namespace is listed", () => {
    expect(holds({ type: "netns", name: "fx-b" }, state)).toBe(true);
    expect(why({ type: "netns", name: "fx-zz" })).toBe("missing: namespace fx-zz does not exist");
  });
});

describe("link facts", () => {
  const eth0: Fact = { type: "link", netns: "fx-a", name: "eth0", kind: "macvlan", attrs: { mode: "bridge", mtu: 1500 } };

  it("hold when kind and every named attribute match", () => {
    expect(holds(eth0, state)).toBe(true);
    expect(holds({ type: "link", netns: "fx-h", name: "m0", kind: "macvlan", attrs: { mode: "private", parent: "p0", mtu: "1400" } }, state)).toBe(true);
  });

  it("say what differs, every difference at once", () => {
    expect(why({ type: "link", netns: "fx-a", name: "eth0", kind: "ipvlan", attrs: { mode: "l2", mtu: 9000 } })).toBe(
      "link eth0 in namespace fx-a: kind is macvlan, plan says ipvlan; mode is bridge, plan says l2; mtu is 1500, plan says 9000",
    );
    expect(why({ type: "link", netns: "fx-a", name: "lo", kind: "dummy", attrs: {} })).toBe(
      "link lo in namespace fx-a: kind is none (a plain device), plan says dummy",
    );
  });

  it("compare MACs case-insensitively", () => {
    const mac = state.namespaces.get("fx-a")?.links[1]?.mac as string;
    expect(holds({ ...eth0, attrs: { mac: mac.toUpperCase() } } as Fact, state)).toBe(true);
    expect(why({ ...eth0, attrs: { mac: "02:00:00:00:00:01" } } as Fact)).toBe(`link eth0 in namespace fx-a: mac is ${mac}, plan says 02:00:00:00:00:01`);
  });

  it("are missing when the link or its namespace is", () => {
    expect(checkFact({ ...eth0, name: "eth9" } as Fact, state)).toEqual({ status: "missing", reason: "missing: link eth9 in namespace fx-a" });
    expect(why({ ...eth0, netns: "fx-zz" } as Fact)).toBe("missing: namespace fx-zz does not exist");
  });

  it("check a parent in another namespace by ifindex, exactly with parentNetns", () => {
    expect(holds({ ...eth0, attrs: { parent: "p0", parentNetns: "fx-h" } } as Fact, state)).toBe(true);
    expect(holds({ ...eth0, attrs: { parent: "p0" } } as Fact, state)).toBe(true); // found among observed namespaces
    expect(why({ ...eth0, attrs: { parent: "m0", parentNetns: "fx-h" } } as Fact)).toBe(
      "link eth0 in namespace fx-a: parent is ifindex 2 in another namespace, plan says m0 (ifindex 3)",
    );
    expect(why({ ...eth0, attrs: { parent: "eth7" } } as Fact)).toBe(
      "link eth0 in namespace fx-a: parent is ifindex 2 in another namespace; no observed namespace has eth7 at that index",
    );
    expect(why({ ...eth0, attrs: { parent: "p9", parentNetns: "fx-h" } } as Fact)).toBe("link eth0 in namespace fx-a: parent p9 does not exist in namespace fx-h");
  });

  it("check a parent in the same namespace by name", () => {
    expect(why({ type: "link", netns: "fx-h", name: "m0", kind: "macvlan", attrs: { parent: "p1" } })).toBe(
      "link m0 in namespace fx-h: parent is p0, plan says p1",
    );
    expect(why({ type: "link", netns: "fx-h", name: "p0", kind: "bridge", attrs: { parent: "eth0" } })).toBe(
      "link p0 in namespace fx-h: has no parent, plan says eth0",
    );
  });

  it("reject attributes they do not know, naming the supported ones", () => {
    expect(() => holds({ ...eth0, attrs: { bcqueuelen: 1000 } } as Fact, state)).toThrow(UnderlayError);
    expect(() => holds({ ...eth0, attrs: { bcqueuelen: 1000 } } as Fact, state)).toThrow(
      `attribute "bcqueuelen" is not supported — use one of ${Object.keys(LINK_ATTRS).join(", ")}`,
    );
  });

  describe("on ipvlan and vlan links (hand-built, this kernel has neither)", () => {
    const lab = sandboxState([
      nsFrom(
        "fx-c",
        handBatch([
          { ifindex: 1, ifname: "lo", flags: ["LOOPBACK"], mtu: 65536, address: "00:00:00:00:00:00" },
          { ifindex: 2, ifname: "eth0", link_index: 2, link_netnsid: 0, flags: ["UP"], mtu: 1500, address: "52:54:00:00:00:01", linkinfo: { info_kind: "ipvlan", info_data: { mode: "l3", private: true } } },
          { ifindex: 3, ifname: "eth1", link_index: 2, link_netnsid: 0, flags: ["UP"], mtu: 1500, address: "52:54:00:00:00:01", linkinfo: { info_kind: "ipvlan", info_data: { mode: "l2" } } },
        ]),
      ),
      nsFrom(
        "fx-v",
        handBatch([
          { ifindex: 2, ifname: "eth1", flags: ["UP"], mtu: 1500, address: "52:54:00:00:00:02" },
          { ifindex: 5, ifname: "eth1.50", link: "eth1", flags: ["UP"], mtu: 1500, address: "52:54:00:00:00:02", linkinfo: { info_kind: "vlan", info_data: { protocol: "802.1Q", id: 50 } } },
        ]),
      ),
    ]);

    it("ipvlan mode and flag", () => {
      const fact: Fact = { type: "link", netns: "fx-c", name: "eth0", kind: "ipvlan", attrs: { mode: "l3", flag: "private", parent: "p0", parentNetns: "fx-h" } };
      expect(holds(fact, lab)).toBe(true);
      expect(explain({ ...fact, attrs: { mode: "l3s", flag: "vepa" } } as Fact, lab)).toBe(
        "link eth0 in namespace fx-c: mode is l3, plan says l3s; flag is private, plan says vepa",
      );
    });

    it("an ipvlan whose kernel reports no flag counts as bridge", () => {
      expect(holds({ type: "link", netns: "fx-c", name: "eth1", kind: "ipvlan", attrs: { mode: "l2", flag: "bridge" } }, lab)).toBe(true);
      expect(explain({ type: "link", netns: "fx-c", name: "eth1", kind: "ipvlan", attrs: { flag: "private" } }, lab)).toBe(
        "link eth1 in namespace fx-c: flag is bridge, plan says private",
      );
    });

    it("vlan id, protocol and parent", () => {
      const fact: Fact = { type: "link", netns: "fx-v", name: "eth1.50", kind: "vlan", attrs: { vlanId: 50, parent: "eth1", vlanProtocol: "802.1q" } };
      expect(holds(fact, lab)).toBe(true);
      expect(explain({ ...fact, attrs: { vlanId: 60 } } as Fact, lab)).toBe("link eth1.50 in namespace fx-v: vlan id is 50, plan says 60");
    });
  });
});

describe("link-up and alias facts", () => {
  it("link-up holds for an admin-up link and explains a down one", () => {
    expect(holds({ type: "link-up", netns: "fx-a", name: "eth0" }, state)).toBe(true);
    expect(why({ type: "link-up", netns: "fx-h", name: "m0" })).toBe("link m0 in namespace fx-h is down, plan says up");
    expect(why({ type: "link-up", netns: "fx-h", name: "m9" })).toBe("missing: link m9 in namespace fx-h");
  });

  it("alias compares the ifalias exactly", () => {
    expect(holds({ type: "alias", netns: "fx-a", name: "eth0", alias: "underlay:fx" }, state)).toBe(true);
    expect(why({ type: "alias", netns: "fx-a", name: "eth0", alias: "underlay:other" })).toBe(
      'link eth0 in namespace fx-a has alias "underlay:fx", plan says "underlay:other"',
    );
    expect(why({ type: "alias", netns: "fx-h", name: "p0", alias: "underlay:fx" })).toBe('link p0 in namespace fx-h has no alias, plan says "underlay:fx"');
  });
});

describe("addr facts", () => {
  it("compare canonically (IPv6 compressed, lowercase)", () => {
    expect(holds({ type: "addr", netns: "fx-a", dev: "eth0", cidr: "FD00:0000::2/64" }, state)).toBe(true);
    expect(holds({ type: "addr", netns: "fx-a", dev: "eth0", cidr: "10.0.0.2/24" }, state)).toBe(true);
  });

  it("explain a missing address, a wrong prefix, a wrong device, a missing link", () => {
    expect(why({ type: "addr", netns: "fx-a", dev: "eth0", cidr: "10.0.0.7/24" })).toBe("missing: address 10.0.0.7/24 on eth0 in namespace fx-a");
    expect(why({ type: "addr", netns: "fx-a", dev: "eth0", cidr: "10.0.0.2/16" })).toBe("address 10.0.0.2 on eth0 in namespace fx-a has prefix /24, plan says 10.0.0.2/16");
    expect(why({ type: "addr", netns: "fx-a", dev: "lo", cidr: "10.0.0.2/24" })).toBe("address 10.0.0.2/24 in namespace fx-a is on eth0, plan says lo");
    expect(why({ type: "addr", netns: "fx-a", dev: "eth5", cidr: "10.0.0.2/24" })).toBe(
      "missing: address 10.0.0.2/24 on eth5 in namespace fx-a (link eth5 does not exist)",
    );
  });

  it("an IPv6 address that failed duplicate address detection does not hold", () => {
    const links = handBatch([{ ifindex: 2, ifname: "eth0", flags: [], mtu: 1500, address: "02:00:00:00:00:05" }], [
      { ifname: "eth0", ifindex: 2, addr_info: [{ family: "inet6", local: "fd00::5", prefixlen: 64, scope: "global", dadfailed: true, tentative: true }] },
    ]);
    const withLink = sandboxState([nsFrom("fx-d", links)]);
    expect(explain({ type: "addr", netns: "fx-d", dev: "eth0", cidr: "fd00::5/64" }, withLink)).toBe(
      "address fd00::5/64 on eth0 in namespace fx-d failed duplicate address detection (dadfailed)",
    );
  });

  it("reject a CIDR that is not one", () => {
    expect(() => holds({ type: "addr", netns: "fx-a", dev: "eth0", cidr: "10.0.0.300/24" }, state)).toThrow(/not an address in CIDR form/);
  });
});

describe("route facts", () => {
  it("match default in any spelling, with device and next hop", () => {
    expect(holds({ type: "route", netns: "fx-a", family: 4, dst: "0.0.0.0/0", dev: "eth0", via: "10.0.0.1" }, state)).toBe(true);
    expect(holds({ type: "route", netns: "fx-a", family: 6, dst: "default", dev: "eth0", via: "FD00::0001" }, state)).toBe(true);
    expect(holds({ type: "route", netns: "fx-a", family: 4, dst: "10.9.0.0/16", dev: "eth0", via: "10.0.0.254" }, state)).toBe(true);
  });

  it("a route without a next hop does not match one with a gateway", () => {
    expect(why({ type: "route", netns: "fx-a", family: 4, dst: "10.9.0.0/16", dev: "eth0" })).toBe(
      "IPv4 route 10.9.0.0/16 in namespace fx-a goes via 10.0.0.254 dev eth0, plan says dev eth0",
    );
  });

  it("explain a wrong next hop and a missing route; families do not mix", () => {
    expect(why({ type: "route", netns: "fx-a", family: 4, dst: "default", dev: "eth0", via: "10.0.0.9" })).toBe(
      "IPv4 route default in namespace fx-a goes via 10.0.0.1 dev eth0, plan says via 10.0.0.9 dev eth0",
    );
    expect(why({ type: "route", netns: "fx-b", family: 4, dst: "default", dev: "eth0" })).toBe("missing: IPv4 route default dev eth0 in namespace fx-b");
    expect(why({ type: "route", netns: "fx-a", family: 6, dst: "10.9.0.0/16", dev: "eth0", via: "10.0.0.254" })).toBe(
      "missing: IPv6 route 10.9.0.0/16 via 10.0.0.254 dev eth0 in namespace fx-a",
    );
  });
});

describe("sysctl facts", () => {
  it("compare the value read, in either key spelling", () => {
    expect(holds({ type: "sysctl", netns: "fx-a", key: "net/ipv4/ip_forward", value: "0" }, state)).toBe(true);
    expect(why({ type: "sysctl", netns: "fx-a", key: "net.ipv6.conf.all.accept_ra", value: "0" })).toBe(
      "sysctl net.ipv6.conf.all.accept_ra in namespace fx-a is 1, plan says 0",
    );
    expect(why({ type: "sysctl", netns: "fx-b", key: "net.ipv4.ip_forward", value: "0" })).toBe(
      "missing: sysctl net.ipv4.ip_forward in namespace fx-b was not read or does not exist",
    );
  });
});

describe("files facts", () => {
  const files = new Map<string, string | null>([
    ["/etc/netns/fx-a/hosts", "10.0.0.2 a\n"],
    ["/etc/netns/fx-b/hosts", "10.0.0.2 a\n10.0.0.3 b\n"],
    ["/etc/netns/fx-c/hosts", null],
  ]);
  const withFiles = sandboxState([], files);

  it("hold when every path has the content", () => {
    expect(holds({ type: "files", paths: ["/etc/netns/fx-a/hosts"], content: "10.0.0.2 a\n" }, withFiles)).toBe(true);
  });

  it("explain missing and differing files", () => {
    expect(explain({ type: "files", paths: ["/etc/netns/fx-a/hosts", "/etc/netns/fx-c/hosts"], content: "10.0.0.2 a\n" }, withFiles)).toBe(
      "missing: file /etc/netns/fx-c/hosts does not exist",
    );
    expect(explain({ type: "files", paths: ["/etc/netns/fx-a/hosts", "/etc/netns/fx-b/hosts"], content: "10.0.0.2 a\n" }, withFiles)).toBe(
      'file /etc/netns/fx-b/hosts differs from the plan at line 2: it has "10.0.0.3 b", plan says ""',
    );
  });

  it("refuse to guess about a file that was not read", () => {
    expect(() => holds({ type: "files", paths: ["/etc/hosts"], content: "" }, withFiles)).toThrow(/was not read — pass it to observe/);
  });
});

describe("namespaces that were not observed", () => {
  it("an existing namespace that was not read is a usage error, not a drift", () => {
    const partial = { ...state, namespaces: new Map([...state.namespaces].filter(([n]) => n !== "fx-b")) };
    expect(() => holds({ type: "link-up", netns: "fx-b", name: "lo" }, partial)).toThrow(/namespace fx-b was not observed/);
    expect(() => holds({ type: "link-up", netns: null, name: "lo" }, partial)).toThrow(/the executor's own namespace was not observed/);
  });
});
