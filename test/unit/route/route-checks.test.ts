/**
 * Route helper input at the boundary: malformed input is one INVALID_SPEC listing every
 * problem with its path; names follow the one grammar (a route set name names its journal
 * file); addresses come out canonical.
 */
import { describe, expect, it } from "vitest";
import { iproute2, net, RouteSet, type Issue, type Route } from "../../../sdk/index.ts";
import { l3Routes, type L3Host } from "../../../sdk/route/index.ts";
import { twoHostRoutes } from "../../../sdk/route/index.ts";
import { thrown } from "../../support/errors.ts";

function issuesOf(f: () => unknown): Issue[] {
  const e = thrown(f);
  expect(e.code).toBe("INVALID_SPEC");
  return [...e.issues];
}
const paths = (f: () => unknown): string[] => issuesOf(f).map((i) => i.path);
const route = (r: Partial<Record<keyof Route, unknown>>): Route => ({ dst: "10.1.0.0/16", via: "192.168.1.250", dev: "eth0", ...r }) as Route;

describe("RouteSet", () => {
  it("refuses a name that would put its journal outside the state directory (../../x), and a namespace named -", () => {
    const issues = issuesOf(() => new RouteSet("../../x", "-", [route({})]));
    expect(issues.map((i) => i.path)).toEqual(["name", "netns"]);
    expect(issues[0]?.message).toMatch(/route set name must use only A-Z a-z 0-9 _ \. -/);
    expect(issues[1]?.message).toMatch(/must not start with "-"/);
    expect(paths(() => new RouteSet("help", null, [route({})]))).toEqual(["name"]);
  });

  it("checks every route: types, destination, next hop and its family, device; all at once", () => {
    const issues = issuesOf(() =>
      new RouteSet("rs", null, [
        route({ dst: 5 }),
        route({ dst: "10.1.2.3/16" }),
        route({ via: "2001:db8::1" }),
        route({ dst: "10.9.0.0/024" }),
        route({ dev: "li" }),
        route({ dev: undefined }),
        route({ extra: 1 } as Partial<Record<keyof Route, unknown>>),
      ]),
    );
    expect(issues.map((i) => i.path)).toEqual(["routes[0].dst", "routes[1].dst", "routes[2].via", "routes[3].dst", "routes[4].dev", "routes[5].dev", "routes[6].extra"]);
    expect(issues[1]?.message).toMatch(/did you mean 10\.1\.0\.0\/16\?/);
    expect(issues[2]?.message).toMatch(/next hop 2001:db8::1 is IPv6 but destination 10\.1\.0\.0\/16 is IPv4/);
    expect(issues[3]?.message).toMatch(/"024" has a leading zero/);
    expect(issues[4]?.message).toMatch(/abbreviates the iproute2 keyword "link"/);
    expect(issues[5]?.message).toMatch(/has no dev/);
    expect(paths(() => new RouteSet("rs", null, "10.0.0.0/8" as unknown as Route[]))).toEqual(["routes"]);
  });

  it("refuses two routes to one destination (the second would replace the first)", () => {
    expect(issuesOf(() => new RouteSet("rs", null, [route({}), route({ dst: "10.1.0.0/16", via: "192.168.1.251" })]))[0]?.message).toMatch(/routes\[0\] already goes to 10\.1\.0\.0\/16/);
  });

  it("keeps the routes canonical: network address, compressed lowercase IPv6, /32 for a bare address", () => {
    const set = new RouteSet("rs", null, [route({ dst: "2001:DB8:0:0::/64", via: "2001:DB8:1::0250" }), route({ dst: "10.5.5.5" })]);
    expect(set.routes).toEqual([
      { dst: "2001:db8::/64", via: "2001:db8:1::250", dev: "eth0" },
      { dst: "10.5.5.5/32", via: "192.168.1.250", dev: "eth0" },
    ]);
    const op = set.plan().ops[0];
    expect(op === undefined ? "" : iproute2(op).argv.join(" ")).toBe("ip route replace 2001:db8::/64 via 2001:db8:1::250 dev eth0");
  });
});

describe("l3Routes input", () => {
  const l3 = net.ipvlan("l3").mode("l3").subnet("10.9.0.0/24");

  it("wrong types and malformed values are INVALID_SPEC with paths, before any route rule", () => {
    expect(paths(() => l3Routes(l3, { via: 5 } as unknown as { via: string }))).toEqual(["via"]);
    expect(paths(() => l3Routes(l3, { via: "192.168.1.0250" }))).toEqual(["via"]);
    expect(paths(() => l3Routes(l3, { via: ["192.168.1.1", "192.168.1.2"] }))).toEqual(["via"]);
    expect(paths(() => l3Routes(l3, { via: "192.168.1.1", dev: "-x", peerConnected: ["192.168.1.0/024"], peerOwn: "10.0.0.0/8" } as unknown as { via: string }))).toEqual(["peerOwn"]);
    expect(paths(() => l3Routes(l3, { via: "192.168.1.1", dev: "-x", peerConnected: ["192.168.1.0/024"] }))).toEqual(["dev", "peerConnected[0]"]);
    expect(paths(() => l3Routes(net.ipvlan("l3").mode("l3").subnet("10.9.0.5/24"), { via: "192.168.1.1" }))).toEqual(["networks.l3.subnets[0].cidr"]);
    expect(paths(() => l3Routes(5 as unknown as typeof l3, { via: "192.168.1.1" }))).toEqual(["network"]);
  });

  it("gives canonical addresses", () => {
    expect(l3Routes(net.ipvlan("v6").mode("l3").subnet("2001:DB8:AB::/64").ipv4(false), { via: "2001:DB8::0001" })).toEqual([{ dst: "2001:db8:ab::/64", via: "2001:db8::1" }]);
  });
});

describe("twoHostRoutes input", () => {
  const side = (over: Partial<Record<keyof L3Host, unknown>> = {}): L3Host => ({ networks: [net.ipvlan("n").mode("l3").subnet("10.10.1.0/24")], address: "172.30.0.1", dev: "u0", netns: "ha", ...over }) as L3Host;

  it("checks the name (and the derived <name>-a, <name>-b) and both hosts' types at once", () => {
    expect(paths(() => twoHostRoutes("../x", side({ dev: 5 }), side({ netns: undefined })))).toEqual(["name", "a.dev", "b.netns"]);
    expect(issuesOf(() => twoHostRoutes("fourteen-bytes", side(), side()))[0]?.message).toMatch(/"fourteen-bytes-a" must be at most 15 bytes/);
  });
});
