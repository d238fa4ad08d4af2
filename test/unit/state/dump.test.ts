import { describe, expect, it } from "vitest";
import { compareDumps, dumpNamespace, IGNORED_FIELDS, type StateDump } from "../../../sdk/state/dump.ts";
import { ignoredObject, withoutIgnored } from "../../../sdk/state/ignored-fields.ts";
import { parseNamespace } from "../../../sdk/state/read-namespace.ts";
import { batch, nsFrom } from "./fixtures.ts";

const host = dumpNamespace(nsFrom("fx-h", batch.host));
const endpoint = dumpNamespace(nsFrom("fx-a", batch.endpoint));

describe("IGNORED_FIELDS", () => {
  it("gives a reason for every field it ignores", () => {
    for (const f of IGNORED_FIELDS) expect(f.reason.length, `${f.in}.${f.field}`).toBeGreaterThan(10);
    expect(IGNORED_FIELDS.map((f) => `${f.in}.${f.field}`)).toEqual([
      "link.ifindex",
      "link.link_index",
      "link.link_netnsid",
      "link.operstate",
      "link.flags",
      "link.stats",
      "link.stats64",
      "link.carrier_changes",
      "link.carrier_up_count",
      "link.carrier_down_count",
      "link.linkinfo.info_data.hello_timer",
      "link.linkinfo.info_data.tcn_timer",
      "link.linkinfo.info_data.topology_change_timer",
      "link.linkinfo.info_data.gc_timer",
      "link.linkinfo.info_slave_data.message_age_timer",
      "link.linkinfo.info_slave_data.forward_delay_timer",
      "link.linkinfo.info_slave_data.hold_timer",
      "addr.valid_life_time",
      "addr.preferred_life_time",
      "addr.tentative",
      "addr.deprecated",
      "route.expires",
      "route.flags",
      "route.*",
    ]);
  });
});

describe("withoutIgnored / ignoredObject", () => {
  it("drops ignored fields, carrier flags and bridge timers, and nothing else", () => {
    const link = {
      ifindex: 7,
      link_index: 3,
      link_netnsid: 0,
      ifname: "eth0",
      flags: ["BROADCAST", "UP", "LOWER_UP"],
      operstate: "UP",
      mtu: 1500,
      linkinfo: { info_kind: "bridge", info_data: { gc_timer: 12.5, stp_state: 0 } },
    };
    expect(withoutIgnored("link", link)).toEqual({ ifname: "eth0", flags: ["BROADCAST", "UP"], mtu: 1500, linkinfo: { info_kind: "bridge", info_data: { stp_state: 0 } } });
    expect(link.ifindex).toBe(7); // the input is not modified
    expect(withoutIgnored("route", { dst: "default", flags: ["linkdown", "onlink"], expires: 30 })).toEqual({ dst: "default", flags: ["onlink"] });
  });

  it("drops IPv6 local-table routes, which appear only once DAD completes", () => {
    expect(ignoredObject("route", { family: 6, type: "local", table: "local", protocol: "kernel", dst: "fe80::1" })).toBe(true);
    expect(ignoredObject("route", { family: 4, type: "local", table: "local", protocol: "kernel", dst: "10.0.0.2" })).toBe(false);
  });
});

describe("dumpNamespace", () => {
  it("keeps every other field of links, addresses and routes, sorted", () => {
    expect(endpoint.links.map((l) => l["ifname"])).toEqual(["eth0", "lo"]);
    const eth0 = endpoint.links[0] ?? {};
    expect(eth0).not.toHaveProperty("ifindex");
    expect(eth0).not.toHaveProperty("operstate");
    expect(eth0).toMatchObject({ mtu: 1500, ifalias: "underlay:fx", qdisc: "noqueue", linkinfo: { info_kind: "macvlan", info_data: { mode: "bridge" } } });
    expect(endpoint.addrs.map((a) => `${String(a["dev"])} ${String(a["local"])}`)).toEqual([
      "eth0 10.0.0.2",
      "eth0 fd00::2",
      expect.stringMatching(/^eth0 fe80::/),
      "lo 127.0.0.1",
      "lo ::1",
    ]);
    expect(endpoint.addrs.every((a) => !("valid_life_time" in a) && !("tentative" in a))).toBe(true);
    expect(endpoint.routes.map((r) => `${String(r["family"])} ${String(r["table"])} ${String(r["type"])} ${String(r["dst"])}`)).toContain("4 local broadcast 10.0.0.255");
  });

  it("needs the raw answers", () => {
    expect(() => dumpNamespace(parseNamespace("fx-a", batch.endpoint))).toThrow(/observe it with \{ raw: true \}/);
  });
});

describe("compareDumps", () => {
  const before: StateDump = { netns: ["fx-a", "fx-h"], namespaces: [host, endpoint] };

  it("finds two dumps of the same state equal", () => {
    const again = { netns: ["fx-a", "fx-h"], namespaces: [dumpNamespace(nsFrom("fx-h", batch.host)), dumpNamespace(nsFrom("fx-a", batch.endpoint))] };
    expect(compareDumps(before, again)).toEqual({ equal: true, differences: [] });
  });

  it("names every difference: fields, objects, namespaces", () => {
    const changedLinks = endpoint.links.map((l) => (l["ifname"] === "eth0" ? { ...l, mtu: 1400, ifalias: undefined } : l));
    const after: StateDump = {
      netns: ["fx-a", "fx-b"],
      namespaces: [
        {
          ...endpoint,
          links: changedLinks.map((l) => JSON.parse(JSON.stringify(l)) as Record<string, unknown>),
          addrs: endpoint.addrs.filter((a) => a["local"] !== "10.0.0.2"),
          routes: [...endpoint.routes, { family: 4, dst: "10.99.0.0/16", dev: "eth0", type: "unicast", table: "main" }],
        },
        { name: "fx-b", links: [], addrs: [], routes: [] },
      ],
    };
    expect(compareDumps(before, after).differences).toEqual([
      "namespace fx-h disappeared",
      "namespace fx-b appeared",
      'namespace fx-a: link eth0: mtu 1500 → 1400',
      'namespace fx-a: link eth0: ifalias "underlay:fx" → (absent)',
      "namespace fx-a: addr 10.0.0.2/24 on eth0 removed",
      "namespace fx-a: IPv4 route 10.99.0.0/16 dev eth0 (table main) added",
    ]);
  });
});
