/**
 * Parsing of `ip -json -details` answers. Macvlan, bridge and veth-less namespaces come from
 * answers captured on this machine (fixtures/). Ipvlan, vlan and dummy links cannot be created
 * here (no kernel support), so their JSON is hand-built to match iproute2's printers:
 * iplink_ipvlan.c prints `"mode": "l2"|"l3"|"l3s"` and one of `"private"|"vepa"|"bridge": true`
 * (nothing on kernels without IFLA_IPVLAN_FLAGS); iplink_vlan.c prints `"protocol": "802.1Q"`,
 * `"id": N` and a `flags` list; dummy has `info_kind` only.
 */
import { describe, expect, it } from "vitest";
import { UnderlayError } from "../../../sdk/errors.ts";
import { parseAddrs } from "../../../sdk/state/parse-addrs.ts";
import { parseLinks } from "../../../sdk/state/parse-links.ts";
import { parseRoutes } from "../../../sdk/state/parse-routes.ts";
import { parseSysctl } from "../../../sdk/state/parse-sysctl.ts";
import { namespaceCommand, parseNamespace, STATE_BATCH } from "../../../sdk/state/read-namespace.ts";
import { batch, fixture, handBatch } from "./fixtures.ts";

const base = { flags: ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"], mtu: 1500, operstate: "UP", address: "52:54:00:AB:CD:EF" };

describe("namespaceCommand", () => {
  it("asks four questions in one ip -batch process", () => {
    expect(namespaceCommand("demo-web")).toEqual({
      netns: "demo-web",
      argv: ["ip", "-json", "-details", "-batch", "-"],
      input: "link show\naddr show\nroute show table all root 0.0.0.0/0\nroute show table all root ::/0\n",
    });
    expect(STATE_BATCH).toHaveLength(4);
  });
});

describe("parseNamespace on answers captured from this kernel", () => {
  it("reads the endpoint: macvlan eth0 whose parent lives in the host namespace", () => {
    const ns = parseNamespace("fx-a", batch.endpoint);
    expect(ns.links.map((l) => l.name)).toEqual(["lo", "eth0"]);
    const eth0 = ns.links[1];
    expect(eth0).toMatchObject({ kind: "macvlan", mode: "bridge", up: true, mtu: 1500, alias: "underlay:fx", ifindex: 2, parentIndex: 2, parentNetnsId: 0 });
    expect(eth0?.parent).toBeUndefined();
    expect(eth0?.flag).toBeUndefined();
    expect(ns.links[0]).toMatchObject({ name: "lo", kind: null, up: true, mac: "00:00:00:00:00:00" });
  });

  it("reads the endpoint's addresses in canonical form, with their flags", () => {
    const ns = parseNamespace("fx-a", batch.endpoint);
    expect(ns.addrs.map((a) => `${a.dev} ${a.cidr} ${a.scope}${a.flags ? ` [${a.flags.join(",")}]` : ""}`)).toEqual([
      "lo 127.0.0.1/8 host",
      "lo ::1/128 host",
      "eth0 10.0.0.2/24 global",
      "eth0 fd00::2/64 global [nodad]",
      expect.stringMatching(/^eth0 fe80::[0-9a-f:]+\/64 link \[tentative\]$/),
    ]);
  });

  it("reads only main-table routes, tagged with the family asked for", () => {
    const ns = parseNamespace("fx-a", batch.endpoint);
    expect(ns.routes).toEqual([
      { family: 4, dst: "default", dev: "eth0", via: "10.0.0.1", scope: "global", proto: "boot" },
      { family: 4, dst: "10.0.0.0/24", dev: "eth0", scope: "link", proto: "kernel" },
      { family: 4, dst: "10.9.0.0/16", dev: "eth0", via: "10.0.0.254", scope: "global", proto: "static" },
      { family: 6, dst: "fd00::/64", dev: "eth0", scope: "global", proto: "kernel", metric: 256 },
      { family: 6, dst: "fe80::/64", dev: "eth0", scope: "global", proto: "kernel", metric: 256 },
      { family: 6, dst: "default", dev: "eth0", via: "fd00::1", scope: "global", proto: "boot", metric: 1024 },
    ]);
  });

  it("reads the host: bridge p0 and macvlan m0 on it (same namespace: parent resolved by name)", () => {
    const ns = parseNamespace("fx-h", batch.host);
    const p0 = ns.links.find((l) => l.name === "p0");
    expect(p0).toMatchObject({ kind: "bridge", up: true });
    expect(p0?.mode).toBeUndefined();
    expect(ns.links.find((l) => l.name === "m0")).toMatchObject({
      kind: "macvlan",
      mode: "private",
      parent: "p0",
      parentIndex: p0?.ifindex,
      mtu: 1400,
      up: false,
      alias: "underlay:fx",
    });
  });

  it("reads a fresh namespace: lo down, no addresses, no routes", () => {
    const ns = parseNamespace("fx-b", batch.bare);
    expect(ns).toEqual({
      name: "fx-b",
      exists: true,
      links: [{ name: "lo", kind: null, mtu: 65536, mac: "00:00:00:00:00:00", up: false, ifindex: 1 }],
      addrs: [],
      routes: [],
      sysctl: {},
    });
  });

  it("keeps the raw answers only when asked", () => {
    expect(parseNamespace("fx-b", batch.bare).raw).toBeUndefined();
    const raw = parseNamespace("fx-b", batch.bare, { raw: true }).raw;
    expect(raw?.links).toHaveLength(1);
    expect(raw?.routes4).toEqual([]);
  });

  it("reports an answer with fewer than four parts, quoting stderr", () => {
    let error: unknown;
    try {
      parseNamespace("fx-b", "[]\n[]\n", { stderr: 'Error: any valid prefix is expected rather than "::/0".\nCommand failed -:4\n' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnderlayError);
    expect((error as UnderlayError).message).toContain("reading namespace fx-b: ip -batch answered 2 of 4 questions (Error: any valid prefix");
  });
});

describe("parseLinks on hand-built answers (kinds this kernel lacks)", () => {
  it("ipvlan: mode and flag from info_data (iplink_ipvlan.c)", () => {
    const links = parseLinks([
      { ...base, ifindex: 2, link_index: 7, link_netnsid: 0, ifname: "eth0", linkinfo: { info_kind: "ipvlan", info_data: { mode: "l3", private: true } } },
      { ...base, ifindex: 3, link_index: 7, link_netnsid: 0, ifname: "eth1", linkinfo: { info_kind: "ipvlan", info_data: { mode: "l2", bridge: true } } },
      { ...base, ifindex: 4, link_index: 7, link_netnsid: 0, ifname: "eth2", linkinfo: { info_kind: "ipvlan", info_data: { mode: "l3s", vepa: true } } },
      { ...base, ifindex: 5, link_index: 7, link_netnsid: 0, ifname: "eth3", linkinfo: { info_kind: "ipvlan", info_data: { mode: "l2" } } },
    ]);
    expect(links.map((l) => [l.name, l.kind, l.mode, l.flag, l.parentIndex, l.parentNetnsId])).toEqual([
      ["eth0", "ipvlan", "l3", "private", 7, 0],
      ["eth1", "ipvlan", "l2", "bridge", 7, 0],
      ["eth2", "ipvlan", "l3s", "vepa", 7, 0],
      ["eth3", "ipvlan", "l2", undefined, 7, 0],
    ]);
    expect(links[0]?.mac).toBe("52:54:00:ab:cd:ef");
  });

  it("vlan: id and protocol from info_data (iplink_vlan.c), parent by name", () => {
    const [eth1, vlan] = parseLinks([
      { ...base, ifindex: 3, ifname: "eth1", linkinfo: undefined },
      {
        ...base,
        ifindex: 9,
        link: "eth1",
        ifname: "eth1.50",
        linkinfo: { info_kind: "vlan", info_data: { protocol: "802.1Q", id: 50, flags: ["REORDER_HDR"] } },
      },
    ]);
    expect(eth1?.kind).toBeNull();
    expect(vlan).toEqual({
      name: "eth1.50",
      kind: "vlan",
      vlanId: 50,
      vlanProtocol: "802.1Q",
      parent: "eth1",
      parentIndex: 3,
      mtu: 1500,
      mac: "52:54:00:ab:cd:ef",
      up: true,
      ifindex: 9,
    });
  });

  it("dummy: kind only; a link whose lower device is NONE has no parent", () => {
    const links = parseLinks([
      { ...base, ifindex: 4, ifname: "dummy0", flags: ["BROADCAST", "NOARP"], linkinfo: { info_kind: "dummy" } },
      { ...base, ifindex: 5, ifname: "veth9", link: null, linkinfo: { info_kind: "veth" } },
    ]);
    expect(links[0]).toMatchObject({ name: "dummy0", kind: "dummy", up: false });
    expect(links[1]?.parent).toBeUndefined();
    expect(links[1]?.parentIndex).toBeUndefined();
  });

  it("a lower device in the same namespace printed by index is resolved to its name", () => {
    const links = parseLinks([
      { ...base, ifindex: 3, ifname: "p0" },
      { ...base, ifindex: 4, ifname: "m0", link_index: 3, linkinfo: { info_kind: "macvlan", info_data: { mode: "vepa" } } },
    ]);
    expect(links[1]).toMatchObject({ parent: "p0", parentIndex: 3, mode: "vepa" });
  });

  it("mode is only taken for macvlan/ipvlan kinds", () => {
    const [x] = parseLinks([{ ...base, ifindex: 3, ifname: "bond0", linkinfo: { info_kind: "bond", info_data: { mode: "active-backup" } } }]);
    expect(x?.mode).toBeUndefined();
  });

  it("rejects an answer that is not a list of objects", () => {
    expect(() => parseLinks({ ifname: "lo" })).toThrow(/expected a JSON array/);
    expect(() => parseLinks(["lo"])).toThrow(/expected a JSON object/);
  });
});

describe("parseAddrs", () => {
  it("joins local and prefixlen, skips non-IP families, keeps boolean flags", () => {
    const addrs = parseAddrs([
      {
        ifname: "eth0",
        addr_info: [
          { family: "inet", local: "10.0.0.2", prefixlen: 24, scope: "global", label: "eth0" },
          { family: "inet", local: "10.0.0.3", address: "10.0.0.9", prefixlen: 32, scope: "global" },
          { family: "inet6", local: "FD00:0::2", prefixlen: 64, scope: "global", dadfailed: true, tentative: true },
          { family: "mpls", local: "100" },
        ],
      },
      { ifname: "eth1" },
    ]);
    expect(addrs).toEqual([
      { dev: "eth0", cidr: "10.0.0.2/24", family: 4, scope: "global" },
      { dev: "eth0", cidr: "10.0.0.3/32", family: 4, scope: "global" },
      { dev: "eth0", cidr: "fd00::2/64", family: 6, scope: "global", flags: ["dadfailed", "tentative"] },
    ]);
  });
});

describe("parseRoutes", () => {
  it("keeps the main table only and canonicalises destinations and next hops", () => {
    const routes = parseRoutes(
      [
        { type: "unicast", dst: "10.0.0.5", dev: "eth0", table: "main", protocol: "static", scope: "link", flags: [] },
        { dst: "default", via: { family: "inet6", host: "FE80::1" }, dev: "eth0", flags: [] },
        { dst: "10.5.0.0/16", nexthops: [{ gateway: "10.0.0.1", dev: "eth0", weight: 1 }], flags: [] },
        { type: "unreachable", dst: "10.6.0.0/16", table: "main", flags: [] },
        { type: "local", dst: "10.0.0.2", dev: "eth0", table: "local", flags: [] },
        { dst: "10.7.0.0/16", dev: "eth0", table: "100", flags: [] },
      ],
      4,
    );
    expect(routes).toEqual([
      { family: 4, dst: "10.0.0.5/32", dev: "eth0", scope: "link", proto: "static" },
      { family: 4, dst: "default", dev: "eth0", via: "fe80::1" },
      { family: 4, dst: "10.5.0.0/16" },
      { family: 4, dst: "10.6.0.0/16", type: "unreachable" },
    ]);
  });

  it("a default route without a family field is the family asked for", () => {
    expect(parseRoutes([{ dst: "default", dev: "eth0", metric: 1024, flags: [], pref: "medium" }], 6)).toEqual([
      { family: 6, dst: "default", dev: "eth0", metric: 1024 },
    ]);
  });
});

describe("parseSysctl", () => {
  it("reads key = value lines as sysctl printed them here", () => {
    expect(parseSysctl(fixture("endpoint.sysctl.txt"))).toEqual({
      "net.ipv6.conf.all.accept_ra": "1",
      "net.ipv6.conf.eth0.disable_ipv6": "0",
      "net.ipv4.ip_forward": "0",
    });
  });

  it("keeps multi-value sysctls whole and names with dots in the / form", () => {
    expect(parseSysctl("net.ipv4.ip_local_port_range = 32768\t60999\nnet.ipv6.conf.eth0/50.accept_ra = 0\nsysctl: unknown key\n")).toEqual({
      "net.ipv4.ip_local_port_range": "32768\t60999",
      "net.ipv6.conf.eth0/50.accept_ra": "0",
    });
  });
});

describe("handBatch", () => {
  it("builds answers parseNamespace accepts", () => {
    expect(parseNamespace(null, handBatch([{ ...base, ifindex: 1, ifname: "lo" }])).links).toHaveLength(1);
  });
});
