/**
 * Dump messages → the JSON `ip -json -details` prints. On real kernel messages (the fixture
 * `endpoint.dump.json`, see its capture.ts): the repo's own reader (`parseNamespace`) makes the
 * same `NamespaceState` of the decoded dumps as of iproute2's output captured at the same moment,
 * and every field the decoder prints has iproute2's value. On hand-made messages: the corner
 * cases of iproute2's printing (flags, secondary/temporary, peers, route types and tables).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { addrInfo } from "../../../../sdk/executor/netlink/addr-json.ts";
import { AF, IFA, IFA_F, IFLA, NLM_F, RTA, RTM } from "../../../../sdk/executor/netlink/constants.ts";
import { messages, type MessageView } from "../../../../sdk/executor/netlink/decode.ts";
import { batchOutput, dumpCollector } from "../../../../sdk/executor/netlink/dump.ts";
import { beginMessage, endMessage, messageWriter, putBytes, putString, putU32, putU8 } from "../../../../sdk/executor/netlink/encode.ts";
import { putIfaddrmsg, putIfinfomsg, putRtmsg } from "../../../../sdk/executor/netlink/encode-headers.ts";
import { linkFlags, linkJson, linkMessage } from "../../../../sdk/executor/netlink/link-json.ts";
import { routeJson } from "../../../../sdk/executor/netlink/route-json.ts";
import { splitJsonValues } from "../../../../sdk/state/json-values.ts";
import { parseNamespace } from "../../../../sdk/state/read-namespace.ts";

const here = dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(readFileSync(join(here, "fixtures/endpoint.dump.json"), "utf8")) as {
  messages: Record<"links" | "addrs" | "routes4" | "routes6", string[]>;
  ip: string;
};

function feed(hexes: readonly string[], into: (bytes: Uint8Array, m: MessageView) => void): void {
  for (const h of hexes) {
    const bytes = new Uint8Array(Buffer.from(h, "hex"));
    for (const m of messages(bytes, bytes.length)) into(bytes, m);
  }
}

function decoded(): ReturnType<ReturnType<typeof dumpCollector>["result"]> {
  const c = dumpCollector();
  feed(fixture.messages.links, c.link);
  feed(fixture.messages.addrs, c.addr);
  feed(fixture.messages.routes4, c.route);
  feed(fixture.messages.routes6, c.route);
  return c.result();
}

/** Every key of `mine` (recursively) has iproute2's value in `theirs`. */
function subsetDifferences(mine: unknown, theirs: unknown, path: string, out: string[]): void {
  if (typeof mine === "object" && mine !== null && !Array.isArray(mine)) {
    for (const [k, v] of Object.entries(mine)) subsetDifferences(v, (theirs as Record<string, unknown> | undefined)?.[k], `${path}.${k}`, out);
    return;
  }
  if (Array.isArray(mine) && mine.some((x) => typeof x === "object")) {
    mine.forEach((x, i) => subsetDifferences(x, (theirs as unknown[] | undefined)?.[i], `${path}[${i}]`, out));
    return;
  }
  if (JSON.stringify(mine) !== JSON.stringify(theirs)) out.push(`${path}: ${JSON.stringify(mine)} vs ip's ${JSON.stringify(theirs)}`);
}

describe("dumps of a real namespace, decoded", () => {
  it("parse into the same NamespaceState as iproute2's output (links, addresses, main-table routes)", () => {
    const mine = parseNamespace("fx-a", batchOutput(decoded()));
    const theirs = parseNamespace("fx-a", fixture.ip);
    expect(mine).toEqual(theirs);
    expect(mine.links.map((l) => `${l.name}:${l.kind ?? "-"}`)).toEqual(["lo:-", "eth0:macvlan", "br1:bridge", "v1:veth", "v0:veth"]);
    expect(mine.addrs.filter((x) => x.scope === "global").map((x) => x.cidr)).toEqual(["10.0.0.2/24", "10.0.0.3/24", "fd00::2/64"]);
    expect(mine.routes.map((r) => `${r.dst} ${r.via ?? "-"} ${r.proto ?? "-"}`)).toContain("10.9.0.0/16 10.0.0.254 static");
  });

  it("print every field they print with iproute2's value (all tables, every route, every address flag)", () => {
    const mine = decoded() as unknown as Record<"links" | "addrs" | "routes4" | "routes6", Record<string, unknown>[]>;
    const [links, addrs, routes4, routes6] = splitJsonValues(fixture.ip);
    const diffs: string[] = [];
    subsetDifferences(mine.links, links, "links", diffs);
    subsetDifferences(mine.addrs, addrs, "addrs", diffs);
    subsetDifferences(mine.routes4, routes4, "routes4", diffs);
    subsetDifferences(mine.routes6, routes6, "routes6", diffs);
    expect(diffs).toEqual([]);
    expect(mine.routes4.length).toBe((routes4 as unknown[]).length);
    expect(mine.routes6.length).toBe((routes6 as unknown[]).length);
    expect(mine.routes4.map((r) => r["table"])).toContain("100");
    const v0 = mine.links.find((l) => l["ifname"] === "v0");
    expect(v0?.["flags"]).toContain("M-DOWN");
    expect(mine.links.find((l) => l["ifname"] === "v1")?.["master"]).toBe("br1");
    const eth0 = mine.addrs.find((l) => l["ifname"] === "eth0") as { addr_info: Record<string, unknown>[] };
    expect(eth0.addr_info.find((x) => x["local"] === "10.0.0.3")?.["secondary"]).toBe(true);
  });
});

describe("iproute2's printing rules, on hand-made messages", () => {
  it("link flags: NO-CARRIER for up without carrier, RUNNING folded, unknown bits in hex", () => {
    expect(linkFlags(0x1003, false)).toEqual(["NO-CARRIER", "BROADCAST", "MULTICAST", "UP"]);
    expect(linkFlags(0x11043, false)).toEqual(["BROADCAST", "MULTICAST", "UP", "LOWER_UP"]);
    expect(linkFlags(0x8 | 0x1 | 0x40 | 0x10000, true)).toEqual(["LOOPBACK", "UP", "LOWER_UP", "M-DOWN"]);
    expect(linkFlags(0x800000, false)).toEqual(["800000"]);
  });

  it("a link whose lower device is in another namespace prints link_index and link_netnsid; ipvlan data prints its flag", () => {
    const w = messageWriter();
    const at = beginMessage(w, RTM.NEWLINK, 0, 1);
    putIfinfomsg(w, { index: 2, type: 1, flags: 0x1003 });
    putString(w, IFLA.IFNAME, "eth0");
    putU32(w, IFLA.LINK, 7);
    putU32(w, IFLA.LINK_NETNSID, 0);
    putBytes(w, IFLA.ADDRESS, new Uint8Array([2, 0xab, 0, 0, 0, 1]));
    // IFLA_LINKINFO { KIND "ipvlan", DATA { MODE u16 l3s, FLAGS u16 vepa } }
    putBytes(w, IFLA.LINKINFO, new Uint8Array([11, 0, 1, 0, ...Buffer.from("ipvlan\0"), 0, 20, 0, 2, 0, 6, 0, 1, 0, 2, 0, 0, 0, 6, 0, 2, 0, 2, 0, 0, 0]));
    endMessage(w, at);
    const [m] = messages(w.bytes, w.length);
    const l = linkMessage(w.bytes, m!);
    expect(linkJson(l, new Map([[2, l]]))).toEqual({
      ifindex: 2, link_index: 7, ifname: "eth0", flags: ["NO-CARRIER", "BROADCAST", "MULTICAST", "UP"], link_type: "ether",
      address: "02:ab:00:00:00:01", link_netnsid: 0, linkinfo: { info_kind: "ipvlan", info_data: { mode: "l3s", vepa: true } },
    });
  });

  it("addresses: a peer prints address, IPv6 secondary prints temporary, not permanent prints dynamic, IFA_FLAGS wins", () => {
    const w = messageWriter();
    const at = beginMessage(w, RTM.NEWADDR, NLM_F.MULTI, 1);
    putIfaddrmsg(w, { family: AF.INET6, prefixlen: 64, flags: 0, scope: 0, index: 3 });
    putBytes(w, IFA.ADDRESS, new Uint8Array([0xfd, ...new Array(14).fill(0), 9]));
    putBytes(w, IFA.LOCAL, new Uint8Array([0xfd, ...new Array(14).fill(0), 2]));
    putU32(w, IFA.FLAGS, IFA_F.SECONDARY | IFA_F.NODAD | IFA_F.NOPREFIXROUTE);
    endMessage(w, at);
    const [m] = messages(w.bytes, w.length);
    expect(addrInfo(w.bytes, m!)).toEqual({
      index: 3,
      info: { family: "inet6", local: "fd00::2", address: "fd00::9", prefixlen: 64, scope: "global", temporary: true, nodad: true, dynamic: true, noprefixroute: true },
    });
  });

  it("routes: host routes without /32, a blackhole without dev, a table by number, an unknown dev as if<N>", () => {
    const w = messageWriter();
    let at = beginMessage(w, RTM.NEWROUTE, NLM_F.MULTI, 1);
    putRtmsg(w, { family: AF.INET, dstLen: 32, table: 200, protocol: 4, scope: 253, type: 1 });
    putBytes(w, RTA.DST, new Uint8Array([10, 8, 0, 5]));
    putU32(w, RTA.OIF, 9);
    endMessage(w, at);
    at = beginMessage(w, RTM.NEWROUTE, NLM_F.MULTI, 1);
    putRtmsg(w, { family: AF.INET6, dstLen: 48, table: 254, protocol: 3, scope: 0, type: 6 });
    putBytes(w, RTA.DST, new Uint8Array([0x20, 1, 0xd, 0xb8, 0, 1, ...new Array(10).fill(0)]));
    putU32(w, RTA.PRIORITY, 1024);
    putU8(w, RTA.PREF, 0);
    endMessage(w, at);
    const [a, b] = messages(w.bytes, w.length);
    expect(routeJson(w.bytes, a!, new Map())).toEqual({ type: "unicast", dst: "10.8.0.5", dev: "if9", table: "200", protocol: "static", scope: "link", flags: [] });
    expect(routeJson(w.bytes, b!, new Map())).toEqual({ type: "blackhole", dst: "2001:db8:1::/48", table: "main", protocol: "boot", scope: "global", metric: 1024, flags: [], pref: "medium" });
  });
});
