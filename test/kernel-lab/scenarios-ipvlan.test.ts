/**
 * Kernel lab, ipvlan scenarios of the reference documents (Docker's macvlan/ipvlan driver docs),
 * run by the SDK's own runner on Debian's kernel in the qemu guest and asserted in the documents'
 * terms against the guest kernel's `ip -json -details` answers and the ping matrix:
 *
 * 1. ipvlan L2 (db_net): two endpoints ping each other, the gateway defaults to the first usable
 *    address, an endpoint cannot reach the parent's own address — until a host-access shim exists.
 * 2. ipvlan L3 (ipnet210, plus an IPv6 subnet): different subnets reach each other on one parent;
 *    `default dev eth0` for IPv4 and IPv6, no gateway.
 * 3. ipvlan L2/L3/L3S × the bridge/private/vepa flags, one parent each (the mode is per parent):
 *    created as requested, read back from `info_data`; private/vepa siblings do not talk. For
 *    comparison, macvlan's bridge/private/vepa/passthru modes the same way.
 * 6. Dual stack: IPv6-only VLAN 139 (plus Docker's default IPv4 pool), L2 VLAN 140 with two IPv4
 *    subnets, L3 VLAN 118 — addresses and routes as the documents print them.
 */
import { describe, expect } from "vitest";
import { lab, net } from "../../sdk/index.ts";
import { kernelLabReady } from "../support/guest.ts";
import { scenarioSuite, type AddrJson, type RouteJson } from "./scenario-kit.ts";

const ready = await kernelLabReady("kernel lab: ipvlan scenarios");

/** The global addresses of an interface as `address/prefix`, IPv4 first (as the plan lists them). */
function cidrs(addrs: readonly AddrJson[]): string[] {
  const global = addrs.filter((a) => a.scope === "global");
  return [...global.filter((a) => a.family === "inet"), ...global.filter((a) => a.family === "inet6")].map((a) => `${a.local}/${a.prefixlen}`);
}

function defaultRoute(routes: readonly RouteJson[]): RouteJson | undefined {
  return routes.find((r) => r.dst === "default");
}

describe.runIf(ready)("kernel lab: ipvlan scenarios (Debian kernel under qemu)", () => {
  const { kit, scenario } = scenarioSuite("scenarios-ipvlan.test.ts");

  scenario("1", "ipvlan L2: endpoints ping each other, gateway is the first usable address, the parent's own address is unreachable", async () => {
    // docker network create -d ipvlan --subnet=192.168.1.0/24 -o parent=eth0 db_net_ipv   (no --gateway)
    const dbNet = net.ipvlan("db_net_ipv").parent("eth0").subnet("192.168.1.0/24");
    const l = lab("s1", { host: "s1-h", sandbox: true }).endpoint("ipv1", dbNet).endpoint("ipv2", dbNet);

    // The plan: "if the --gateway is left empty, the first usable address on the network will be set as the gateway".
    const plan = l.plan();
    expect(plan.networks[0]?.subnets).toEqual([{ cidr: "192.168.1.0/24", gateway: "192.168.1.1", ipRange: null }]);
    expect(plan.endpoints.map((e) => e.interfaces[0]?.routes)).toEqual([
      [{ dst: "default", via: "192.168.1.1", dev: "eth0" }],
      [{ dst: "default", via: "192.168.1.1", dev: "eth0" }],
    ]);

    await kit.withLab(l, async () => {
      const parent = await kit.link("s1-h", "eth0");
      expect(parent.linkinfo?.info_kind).toBe("dummy"); // the sandbox stand-in for the physical eth0
      for (const ep of ["ipv1", "ipv2"]) {
        const eth0 = await kit.link(`s1-${ep}`, "eth0");
        // "Ipvlan L2 mode … uses the same MAC address as the parent interface for each container eth0 interface."
        expect(eth0).toMatchObject({ address: parent.address, link_index: parent.ifindex, linkinfo: { info_kind: "ipvlan", info_data: { mode: "l2" } } });
        expect(defaultRoute(await kit.routes(`s1-${ep}`, 4))).toMatchObject({ dst: "default", gateway: "192.168.1.1", dev: "eth0" });
      }
      expect(cidrs(await kit.addrs("s1-ipv1", "eth0"))).toEqual(["192.168.1.2/24"]);
      expect(cidrs(await kit.addrs("s1-ipv2", "eth0"))).toEqual(["192.168.1.3/24"]);
      // The runner's own read-back agrees with the kernel.
      expect((await l.verify(kit.opts)).clean).toBe(true);

      const matrix = await kit.check(l);
      expect(matrix.ok, matrix.table).toBe(true);
      expect(matrix.probes.map((p) => `${p.from}→${p.to} ${p.address} ${p.seen}`)).toEqual(["ipv1→ipv2 192.168.1.3 true", "ipv2→ipv1 192.168.1.2 true"]);

      // "the containers can NOT ping the underlying host interfaces": give the parent its own
      // address (as the documents' eth0 has 192.168.1.250) and ping it from an endpoint.
      await kit.guest.ok(["ip", "addr", "add", "192.168.1.250/24", "dev", "eth0"], { netns: "s1-h" });
      expect(await kit.ping("s1-ipv1", "192.168.1.250"), "an ipvlan L2 endpoint reached its parent's own address").toBe(false);
      expect(await kit.ping("s1-ipv2", "192.168.1.250")).toBe(false);
    });
  });

  scenario("1b", "ipvlan L2 with .hostAccess(): the shim lets the host and its endpoints reach each other", async () => {
    // README › Where the documents and the kernel disagree: not a filter but how ipvlan is built;
    // the fix is a shim on the host side. The same lab as 1, plus the shim.
    const dbNet = net.ipvlan("db_net_ipv").parent("eth0").subnet("192.168.1.0/24").hostAccess({ ip: "192.168.1.251" });
    const l = lab("s1b", { host: "s1b-h", sandbox: true }).endpoint("ipv1", dbNet).endpoint("ipv2", dbNet);
    await kit.withLab(l, async (up) => {
      await kit.guest.ok(["ip", "addr", "add", "192.168.1.250/24", "dev", "eth0"], { netns: "s1b-h" });
      const shim = up.plan.ops.find((o) => o.kind === "shim-add");
      expect(shim?.fact).toMatchObject({ type: "link", kind: "ipvlan" });
      const name = shim?.fact.type === "link" ? shim.fact.name : "?";
      expect(await kit.link("s1b-h", name)).toMatchObject({ link: "eth0", ifalias: "underlay:s1b", linkinfo: { info_kind: "ipvlan", info_data: { mode: "l2" } } });
      const hostRoutes = (await kit.routes("s1b-h", 4)).filter((r) => r.dev === name).map((r) => r.dst);
      expect(hostRoutes.sort()).toEqual(["192.168.1.2", "192.168.1.3"]);
      expect(await kit.ping("s1b-h", "192.168.1.2"), "host → endpoint through the shim").toBe(true);
      expect(await kit.ping("s1b-ipv1", "192.168.1.251"), "endpoint → the shim's address").toBe(true);
      expect(await kit.ping("s1b-ipv2", "192.168.1.250"), "endpoint → the parent's address, answered through the shim").toBe(true);
      expect((await l.verify(kit.opts)).clean).toBe(true);
    });
  });

  scenario("2", "ipvlan L3, two IPv4 subnets and one IPv6 subnet on one parent: subnets route to each other, default dev eth0 without a gateway", async () => {
    // docker network create -d ipvlan --subnet=192.168.214.0/24 --subnet=10.1.214.0/24 -o ipvlan_mode=l3 ipnet210
    // (plus an IPv6 subnet, and on a parent: eth0)
    const ipnet210 = net.ipvlan("ipnet210").parent("eth0").mode("l3").subnet("192.168.214.0/24").subnet("10.1.214.0/24").subnet("2001:db8:abc7::/64");
    const l = lab("s2", { host: "s2-h", sandbox: true })
      .endpoint("c10", ipnet210, { ip: "192.168.214.10" })
      .endpoint("d10", ipnet210, { ip: "10.1.214.10" })
      .endpoint("c9", ipnet210, { ip: "192.168.214.9" })
      .endpoint("d9", ipnet210, { ip: "10.1.214.9" });
    // "default dev eth0": no next hop in the plan either.
    for (const ep of l.plan().endpoints) {
      expect(ep.interfaces[0]?.routes).toEqual([{ dst: "default", dev: "eth0" }, { dst: "default", dev: "eth0" }]);
    }
    await kit.withLab(l, async () => {
      for (const [ep, v4] of [["c10", "192.168.214.10"], ["d10", "10.1.214.10"], ["c9", "192.168.214.9"], ["d9", "10.1.214.9"]] as const) {
        const ns = `s2-${ep}`;
        const eth0 = await kit.link(ns, "eth0");
        // "<BROADCAST,MULTICAST,NOARP,UP,LOWER_UP>": ARP is filtered in L3 mode.
        expect(eth0.flags).toContain("NOARP");
        expect(eth0.linkinfo).toMatchObject({ info_kind: "ipvlan", info_data: { mode: "l3" } });
        const addrs = cidrs(await kit.addrs(ns, "eth0"));
        expect(addrs[0]).toBe(`${v4}/24`);
        expect(addrs[1]).toMatch(/^2001:db8:abc7::[0-9a-f]+\/64$/);
        // "$ ip route → default dev eth0" and "ip -6 route → default dev eth0 metric 1024".
        const r4 = defaultRoute(await kit.routes(ns, 4));
        expect(r4).toMatchObject({ dst: "default", dev: "eth0", scope: "link" });
        expect(r4?.gateway).toBeUndefined();
        const r6 = defaultRoute(await kit.routes(ns, 6));
        expect(r6).toMatchObject({ dst: "default", dev: "eth0", metric: 1024 });
        expect(r6?.gateway).toBeUndefined();
      }
      // "Test L3 connectivity from 10.1.214.0/24 to 192.168.214.0/24" and back.
      expect(await kit.ping("s2-c9", "10.1.214.10")).toBe(true);
      expect(await kit.ping("s2-d9", "192.168.214.10")).toBe(true);
      const matrix = await kit.check(l);
      expect(matrix.ok, matrix.table).toBe(true);
      const crossSubnet = matrix.probes.filter((p) => p.family === 4 && p.address.split(".")[0] !== (p.from.startsWith("c") ? "192" : "10"));
      expect(crossSubnet.length).toBe(8);
      expect(crossSubnet.every((p) => p.expected && p.seen), matrix.table).toBe(true);
      expect(matrix.probes.filter((p) => p.family === 6).every((p) => p.seen)).toBe(true);
      expect((await l.verify(kit.opts)).clean).toBe(true);
    });
  });

  for (const mode of ["l2", "l3", "l3s"] as const) {
    scenario(`3.${mode}`, `ipvlan ${mode.toUpperCase()} with the bridge, private and vepa flags: created as requested, private/vepa siblings isolated`, async () => {
      for (const flag of ["bridge", "private", "vepa"] as const) {
        // One network, one parent per combination: the kernel keeps one mode per parent.
        const n = net.ipvlan(`${mode}${flag}`).parent("eth0").mode(mode).flag(flag).subnet("10.3.0.0/24");
        const name = `s3${mode}${flag[0]}`;
        const l = lab(name, { host: `${name}-h`, sandbox: true }).endpoint("a", n).endpoint("b", n);
        await kit.withLab(l, async () => {
          for (const ep of ["a", "b"]) {
            const eth0 = await kit.link(`${name}-${ep}`, "eth0");
            expect(eth0.linkinfo, `${mode} ${flag}`).toEqual({ info_kind: "ipvlan", info_data: { mode, [flag]: true } });
          }
          const matrix = await kit.check(l);
          expect(matrix.ok, `${mode} ${flag}:\n${matrix.table}`).toBe(true);
          expect(matrix.probes.map((p) => p.seen), `${mode} ${flag}`).toEqual(flag === "bridge" ? [true, true] : [false, false]);
        });
      }
    });
  }

  scenario("3.macvlan", "macvlan bridge, private, vepa and passthru: created as requested, private/vepa siblings isolated, passthru takes the parent's MAC", async () => {
    for (const mode of ["bridge", "private", "vepa", "passthru"] as const) {
      const n = net.macvlan(`mv${mode}`).parent("eth0").mode(mode).subnet("10.4.0.0/24");
      const name = `s3m${mode.slice(0, 2)}`;
      // passthru hands the whole parent to one endpoint: one endpoint only.
      const base = lab(name, { host: `${name}-h`, sandbox: true }).endpoint("a", n);
      const l = mode === "passthru" ? base : base.endpoint("b", n);
      await kit.withLab(l, async () => {
        const eth0 = await kit.link(`${name}-a`, "eth0");
        expect(eth0.linkinfo, mode).toMatchObject({ info_kind: "macvlan", info_data: { mode } });
        const parent = await kit.link(`${name}-h`, "eth0");
        if (mode === "passthru") expect(eth0.address, "passthru: the endpoint has the parent's MAC").toBe(parent.address);
        else expect(eth0.address).toBe(l.plan().endpoints[0]?.interfaces[0]?.mac);
        const matrix = await kit.check(l);
        expect(matrix.ok, `${mode}:\n${matrix.table}`).toBe(true);
        expect(matrix.probes.map((p) => p.seen), mode).toEqual(mode === "bridge" ? [true, true] : mode === "passthru" ? [] : [false, false]);
      });
    }
  });

  scenario("6.139", "dual stack, IPv6-only ipvlan L2 on VLAN 139: Docker's default IPv4 pool, IPv6 from ::1 with nodad, default via the v6 gateway", async () => {
    // docker network create -d ipvlan --subnet=2001:db8:abc2::/64 --gateway=2001:db8:abc2::22 -o parent=eth0.139 v6ipvlan139
    const v6 = net.ipvlan("v6ipvlan139").parent("eth0.139").subnet("2001:db8:abc2::/64", { gateway: "2001:db8:abc2::22" });
    const l = lab("s6a", { host: "s6a-h", sandbox: true }).endpoint("c1", v6).endpoint("c2", v6).endpoint("c3", v6, { ip6: "2001:db8:abc2::51" });
    await kit.withLab(l, async () => {
      expect((await kit.link("s6a-h", "eth0.139")).linkinfo).toMatchObject({ info_kind: "vlan", info_data: { protocol: "802.1Q", id: 139 } });
      // First container: "inet 172.18.0.2/16 … inet6 2001:db8:abc2::1/64 … nodad"; second: 172.18.0.3/16, ::2.
      const expected = { c1: ["172.18.0.2/16", "2001:db8:abc2::1/64"], c2: ["172.18.0.3/16", "2001:db8:abc2::2/64"], c3: ["172.18.0.4/16", "2001:db8:abc2::51/64"] };
      for (const [ep, want] of Object.entries(expected)) {
        const ns = `s6a-${ep}`;
        const addrs = await kit.addrs(ns, "eth0");
        expect(cidrs(addrs)).toEqual(want);
        // The documents print "scope link nodad"; the kernel keeps a global address, added with nodad.
        expect(addrs.find((a) => `${a.local}/${a.prefixlen}` === want[1])).toMatchObject({ scope: "global", nodad: true });
        expect(defaultRoute(await kit.routes(ns, 6))).toMatchObject({ gateway: "2001:db8:abc2::22", dev: "eth0", metric: 1024 });
        expect(defaultRoute(await kit.routes(ns, 4))).toMatchObject({ gateway: "172.18.0.1", dev: "eth0" });
      }
      // "Start a second container and ping the first container's v6 address."
      expect(await kit.ping("s6a-c2", "2001:db8:abc2::1")).toBe(true);
      const matrix = await kit.check(l);
      expect(matrix.ok, matrix.table).toBe(true);
      expect(matrix.probes.every((p) => p.seen)).toBe(true);
    });
  });

  scenario("6.140", "dual stack ipvlan L2 on VLAN 140, two IPv4 subnets: addresses and both routing tables as printed; subnets need a router", async () => {
    // docker network create -d ipvlan --subnet=192.168.140.0/24 --subnet=192.168.142.0/24 --gateway=192.168.140.1
    //   --gateway=192.168.142.1 --subnet=2001:db8:abc9::/64 --gateway=2001:db8:abc9::22 -o parent=eth0.140 -o ipvlan_mode=l2 ipvlan140
    const n = net.ipvlan("ipvlan140").parent("eth0.140").mode("l2")
      .subnet("192.168.140.0/24", { gateway: "192.168.140.1" })
      .subnet("192.168.142.0/24", { gateway: "192.168.142.1" })
      .subnet("2001:db8:abc9::/64", { gateway: "2001:db8:abc9::22" });
    const l = lab("s6b", { host: "s6b-h", sandbox: true }).endpoint("c1", n).endpoint("c2", n, { ip: "192.168.140.10" }).endpoint("c3", n, { ip: "192.168.142.10" });
    await kit.withLab(l, async () => {
      expect((await kit.link("s6b-h", "eth0.140")).linkinfo).toMatchObject({ info_kind: "vlan", info_data: { id: 140 } });
      // "inet 192.168.140.2/24 … inet6 2001:db8:abc9::1/64 scope link nodad"
      const c1 = await kit.addrs("s6b-c1", "eth0");
      expect(cidrs(c1)).toEqual(["192.168.140.2/24", "2001:db8:abc9::1/64"]);
      expect(c1.find((a) => a.local === "2001:db8:abc9::1")?.nodad).toBe(true);
      // "default via 192.168.140.1 dev eth0 / 192.168.140.0/24 dev eth0 proto kernel scope link src 192.168.140.2"
      expect(await kit.routes("s6b-c1", 4)).toEqual([
        expect.objectContaining({ dst: "default", gateway: "192.168.140.1", dev: "eth0" }),
        expect.objectContaining({ dst: "192.168.140.0/24", dev: "eth0", protocol: "kernel", scope: "link", prefsrc: "192.168.140.2" }),
      ]);
      // "2001:db8:abc9::/64 dev eth0 proto kernel metric 256 / default via 2001:db8:abc9::22 dev eth0 metric 1024"
      const r6 = (await kit.routes("s6b-c1", 6)).filter((r) => r.dst !== "fe80::/64");
      expect(r6).toEqual([
        expect.objectContaining({ dst: "2001:db8:abc9::/64", dev: "eth0", protocol: "kernel", metric: 256 }),
        expect.objectContaining({ dst: "default", gateway: "2001:db8:abc9::22", dev: "eth0", metric: 1024 }),
      ]);
      expect(cidrs(await kit.addrs("s6b-c3", "eth0"))).toEqual(["192.168.142.10/24", "2001:db8:abc9::3/64"]);
      expect(defaultRoute(await kit.routes("s6b-c3", 4))).toMatchObject({ gateway: "192.168.142.1" });
      // "Different subnets on the same parent interface in … Ipvlan L2 mode … cannot ping one another."
      const matrix = await kit.check(l);
      expect(matrix.ok, matrix.table).toBe(true);
      const v4ToC3 = matrix.probes.filter((p) => p.family === 4 && (p.to === "c3" || p.from === "c3"));
      expect(v4ToC3.map((p) => p.seen)).toEqual([false, false, false, false]);
      expect(matrix.probes.filter((p) => p.family === 6).every((p) => p.seen)).toBe(true);
    });
  });

  scenario("6.118", "dual stack ipvlan L3 on VLAN 118 (ipnet110): default dev eth0 for both families, static v4/v6 addresses as given", async () => {
    // docker network create -d ipvlan --subnet=192.168.110.0/24 --subnet=192.168.112.0/24 --subnet=2001:db8:abc6::/64
    //   -o parent=eth0.118 -o ipvlan_mode=l3 ipnet110
    const n = net.ipvlan("ipnet110").parent("eth0.118").mode("l3").subnet("192.168.110.0/24").subnet("192.168.112.0/24").subnet("2001:db8:abc6::/64");
    const l = lab("s6c", { host: "s6c-h", sandbox: true })
      .endpoint("c1", n)
      .endpoint("c2", n, { ip6: "2001:db8:abc6::10" })
      .endpoint("c3", n, { ip: "192.168.112.50" })
      .endpoint("c4", n, { ip: "192.168.112.51", ip6: "2001:db8:abc6::50" });
    const planned = new Map(l.plan().endpoints.map((e) => [e.name, e.interfaces[0]?.addresses ?? []]));
    await kit.withLab(l, async () => {
      expect((await kit.link("s6c-h", "eth0.118")).linkinfo).toMatchObject({ info_kind: "vlan", info_data: { id: 118 } });
      for (const ep of ["c1", "c2", "c3", "c4"]) {
        const ns = `s6c-${ep}`;
        const addrs = await kit.addrs(ns, "eth0");
        expect(cidrs(addrs)).toEqual(planned.get(ep));
        expect(addrs.filter((a) => a.family === "inet6" && a.scope === "global").every((a) => a.nodad === true)).toBe(true);
        // "ip route → default dev eth0 scope link"; "ip -6 route → default dev eth0 metric 1024"
        expect(defaultRoute(await kit.routes(ns, 4))).toEqual(expect.objectContaining({ dst: "default", dev: "eth0", scope: "link" }));
        expect(defaultRoute(await kit.routes(ns, 4))?.gateway).toBeUndefined();
        expect(defaultRoute(await kit.routes(ns, 6))).toEqual(expect.objectContaining({ dst: "default", dev: "eth0", metric: 1024 }));
        expect(defaultRoute(await kit.routes(ns, 6))?.gateway).toBeUndefined();
      }
      expect(planned.get("c2")).toContain("2001:db8:abc6::10/64");
      expect(planned.get("c3")?.[0]).toBe("192.168.112.50/24");
      expect(planned.get("c4")).toEqual(["192.168.112.51/24", "2001:db8:abc6::50/64"]);
      // L3 routes between the two IPv4 subnets: c1 (192.168.110.x) ↔ c3 (192.168.112.50).
      const matrix = await kit.check(l);
      expect(matrix.ok, matrix.table).toBe(true);
      expect(matrix.probes.every((p) => p.seen), matrix.table).toBe(true);
    });
  });
});
