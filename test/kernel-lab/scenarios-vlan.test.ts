/**
 * Kernel lab, 802.1Q and internal-network scenarios of the reference documents, run by the SDK's
 * runner on Debian's kernel in the qemu guest:
 *
 * 4. 802.1Q trunk: macvlan networks on `eth0.50`/`eth0.60` and ipvlan networks on a second base's
 *    `eth1.20`/`eth1.30` (macvlan and ipvlan cannot share a parent: EBUSY). The sub-interfaces are
 *    created on `up` with their VLAN ids; the same VLAN reaches itself, different VLANs do not.
 *    Then, on a host namespace made by hand: a VLAN link named `foo` (VLAN 40) made by hand is used
 *    as a parent and survives `down`, while a sub-interface the lab created (`eth0.41`) is deleted.
 * 5. Internal networks: no parent, or `.internal()`, gives each network a `dummy` parent of its own
 *    (created and removed by the lab, in a host namespace the lab does not own); endpoints reach
 *    their own network and nothing else.
 */
import { describe, expect } from "vitest";
import { lab, net } from "../../sdk/index.ts";
import { guestResidue, kernelLabReady } from "../support/guest.ts";
import { scenarioSuite } from "./scenario-kit.ts";
import { trunkLab } from "./trunk-lab.ts";

const ready = await kernelLabReady("kernel lab: 802.1Q and internal scenarios");

describe.runIf(ready)("kernel lab: 802.1Q trunks and internal networks (Debian kernel under qemu)", () => {
  const { kit, scenario } = scenarioSuite("scenarios-vlan.test.ts");

  scenario("4", "802.1Q trunk: macvlan on eth0.50/eth0.60, ipvlan on eth1.20/eth1.30 — created with their VLAN ids, same VLAN reachable, other VLANs not, deleted on down", async () => {
    const l = trunkLab("s4");
    const plan = l.plan();
    expect(plan.networks.map((n) => [n.name, n.driver, n.parent, n.parentSource, n.vlan])).toEqual([
      ["ipvlan20", "ipvlan", "eth1.20", "vlan", 20],
      ["ipvlan30", "ipvlan", "eth1.30", "vlan", 30],
      ["macvlan50", "macvlan", "eth0.50", "vlan", 50],
      ["macvlan60", "macvlan", "eth0.60", "vlan", 60],
    ]);
    await kit.withLab(l, async () => {
      const links = new Map((await kit.links("s4-h")).map((k) => [k.ifname, k]));
      for (const base of ["eth0", "eth1"]) expect(links.get(base)?.linkinfo?.info_kind, base).toBe("dummy"); // sandbox stand-ins
      for (const [name, base, id] of [["eth0.50", "eth0", 50], ["eth0.60", "eth0", 60], ["eth1.20", "eth1", 20], ["eth1.30", "eth1", 30]] as const) {
        // "ip link add link eth0 name eth0.50 type vlan id 50"
        expect(links.get(name), name).toMatchObject({ link: base, ifalias: "underlay:s4", linkinfo: { info_kind: "vlan", info_data: { protocol: "802.1Q", id } } });
        expect(links.get(name)?.flags).toContain("UP");
      }
      for (const [ep, parent, kind] of [["t1", "eth1.20", "ipvlan"], ["t3", "eth1.30", "ipvlan"], ["t5", "eth0.50", "macvlan"], ["t7", "eth0.60", "macvlan"]] as const) {
        const eth0 = await kit.link(`s4-${ep}`, "eth0");
        expect(eth0.link_index, `${ep} sits on ${parent}`).toBe(links.get(parent)?.ifindex);
        expect(eth0.linkinfo?.info_kind).toBe(kind);
      }
      // "The gateway is set inside of the container as the default gateway": default via 192.168.30.1 dev eth0.
      expect((await kit.routes("s4-t3", 4))[0]).toMatchObject({ dst: "default", gateway: "192.168.30.1", dev: "eth0" });
      expect((await l.verify(kit.opts)).clean).toBe(true);

      // "Different Vlans cannot ping one another without a router routing between the two networks."
      const matrix = await kit.check(l);
      expect(matrix.ok, matrix.table).toBe(true);
      const vlanOf = new Map(plan.endpoints.map((e) => [e.name, plan.networks.find((n) => n.name === e.interfaces[0]?.network)?.vlan]));
      for (const p of matrix.probes) expect(p.seen, `${p.from} (VLAN ${vlanOf.get(p.from)}) → ${p.to} (VLAN ${vlanOf.get(p.to)})`).toBe(vlanOf.get(p.from) === vlanOf.get(p.to));
      kit.note(`ping matrix of 8 endpoints on 4 VLANs: ${matrix.probes.filter((p) => p.seen).length} reachable, ${matrix.probes.filter((p) => !p.seen).length} unreachable, as expected`);
    });
    // down: the sandbox (and the sub-interfaces, stand-ins and endpoints in it) is gone.
    expect(await guestResidue(kit.vm)).toEqual({ netns: [], links: [] });
  }, 120_000);

  scenario("4.foo", "a VLAN link made by hand (foo, VLAN 40) serves as a parent and is left in place by down; the eth0.41 the lab created is deleted", async () => {
    const host = "s4m-h";
    const g = kit.guest;
    try {
      // "ip link add link eth0 name foo type vlan id 40; ip link set foo up" — in a host namespace made by hand.
      await g.ok(["ip", "netns", "add", host]);
      await g.ok(["ip", "link", "add", "eth0", "type", "dummy"], { netns: host });
      await g.ok(["ip", "link", "set", "eth0", "up"], { netns: host });
      await g.ok(["ip", "link", "add", "link", "eth0", "name", "foo", "type", "vlan", "id", "40"], { netns: host });
      await g.ok(["ip", "link", "set", "foo", "up"], { netns: host });
      const fooBefore = await kit.link(host, "foo");

      // docker network create -d ipvlan --subnet=192.168.40.0/24 --gateway=192.168.40.1 -o parent=foo ipvlan40
      const ipvlan40 = net.ipvlan("ipvlan40").parent("foo").subnet("192.168.40.0/24", { gateway: "192.168.40.1" });
      const ipvlan41 = net.ipvlan("ipvlan41").parent("eth0.41").subnet("192.168.41.0/24", { gateway: "192.168.41.1" });
      const l = lab("s4m", { host }).endpoint("t5", ipvlan40).endpoint("t6", ipvlan40).endpoint("t7", ipvlan41);
      const up = await l.up(kit.opts);
      expect(up.plan.networks.map((n) => [n.parent, n.parentSource])).toEqual([["foo", "existing"], ["eth0.41", "vlan"]]);
      const status = await l.status(kit.opts);
      expect(status.up).toBe(true);
      expect(status.foundInPlace).toEqual([`ensure namespace ${host}`]);
      expect(await kit.link(host, "eth0.41")).toMatchObject({ link: "eth0", ifalias: "underlay:s4m", linkinfo: { info_kind: "vlan", info_data: { id: 41 } } });
      expect((await kit.link("s4m-t5", "eth0")).link_index).toBe(fooBefore.ifindex);
      // "the containers can now ping one another"
      const matrix = await kit.check(l);
      expect(matrix.ok, matrix.table).toBe(true);
      expect(matrix.probes.filter((p) => p.seen).map((p) => `${p.from}→${p.to}`).sort()).toEqual(["t5→t6", "t6→t5"]);

      const down = await l.down(kit.opts);
      expect(down.ids).toContain("vlan:eth0.41");
      // "Manually created links do not get deleted regardless of the name when the network is deleted."
      const after = new Map((await kit.links(host)).map((k) => [k.ifname, k]));
      expect([...after.keys()].sort()).toEqual(["eth0", "foo", "lo"]);
      expect(after.get("foo")).toMatchObject({ ifindex: fooBefore.ifindex, link: "eth0", flags: expect.arrayContaining(["UP"]), linkinfo: { info_kind: "vlan", info_data: { id: 40 } } });
      expect(after.get("foo")?.ifalias).toBeUndefined();
      // "Manually created links can be cleaned up with: ip link del foo"
      await g.ok(["ip", "link", "del", "foo"], { netns: host });
    } finally {
      await g.run(["ip", "netns", "del", host]);
    }
  }, 60_000);

  scenario("5", "internal networks: no parent or .internal() gives a dummy parent, created and removed by the lab; endpoints reach their own network and nothing else", async () => {
    // docker network create -d ipvlan --subnet=192.168.10.0/24 isolated1
    // docker network create -d ipvlan --subnet=192.168.11.0/24 --internal isolated2
    // docker network create -d ipvlan isolated3   ("the default IPAM subnet of 172.18.0.0/16 will be assigned")
    const isolated1 = net.ipvlan("isolated1").subnet("192.168.10.0/24");
    const isolated2 = net.ipvlan("isolated2").subnet("192.168.11.0/24").internal();
    const isolated3 = net.ipvlan("isolated3");
    const host = "s5-h";
    const g = kit.guest;
    try {
      // A host namespace the lab finds in place: down must remove the dummies one by one, not with it.
      await g.ok(["ip", "netns", "add", host]);
      const l = lab("s5", { host }).endpoint("a", isolated1).endpoint("b", isolated1).endpoint("c", isolated2).endpoint("d", isolated2).endpoint("e", isolated3);
      const plan = l.plan();
      const parents = plan.networks.map((n) => ({ network: n.name, parent: n.parent, source: n.parentSource }));
      expect(parents.map((p) => p.source)).toEqual(["dummy", "dummy", "dummy"]);
      expect(new Set(parents.map((p) => p.parent)).size).toBe(3);
      expect(plan.networks.map((n) => n.subnets.map((s) => s.cidr))).toEqual([["192.168.10.0/24"], ["192.168.11.0/24"], ["172.18.0.0/16"]]);

      await kit.withLab(l, async () => {
        const links = new Map((await kit.links(host)).map((k) => [k.ifname, k]));
        for (const p of parents) {
          // "a netlink type dummy parent interface is created for the user"
          expect(links.get(p.parent), p.network).toMatchObject({ ifalias: "underlay:s5", linkinfo: { info_kind: "dummy" } });
        }
        for (const [ep, network] of [["a", "isolated1"], ["c", "isolated2"], ["e", "isolated3"]] as const) {
          const parent = links.get(parents.find((p) => p.network === network)?.parent ?? "");
          expect((await kit.link(`s5-${ep}`, "eth0")).link_index, `${ep} sits on the dummy of ${network}`).toBe(parent?.ifindex);
        }
        // No parent given: default route kept; --internal: none at all.
        expect((await kit.routes("s5-a", 4)).find((r) => r.dst === "default")).toMatchObject({ gateway: "192.168.10.1" });
        expect((await kit.routes("s5-c", 4)).map((r) => r.dst)).toEqual(["192.168.11.0/24"]);
        expect((await kit.addrs("s5-e", "eth0")).filter((x) => x.family === "inet").map((x) => `${x.local}/${x.prefixlen}`)).toEqual(["172.18.0.2/16"]);

        const matrix = await kit.check(l);
        expect(matrix.ok, matrix.table).toBe(true);
        const net = new Map(plan.endpoints.map((e) => [e.name, e.interfaces[0]?.network]));
        for (const p of matrix.probes) expect(p.seen, `${p.from} → ${p.to}`).toBe(net.get(p.from) === net.get(p.to));
        // Nothing else: not the gateway the isolated network names, nothing beyond an internal one.
        expect(await kit.ping("s5-a", "192.168.10.1")).toBe(false);
        const outside = await g.run(["ping", "-c", "1", "-W", "1", "192.0.2.1"], { netns: "s5-c" });
        expect(outside.code).not.toBe(0);
        expect(outside.stderr).toMatch(/unreachable/i);
      });
      // Removed by down, one by one, from the host namespace that stays.
      expect((await kit.links(host)).map((k) => k.ifname)).toEqual(["lo"]);
    } finally {
      await g.run(["ip", "netns", "del", host]);
    }
  }, 60_000);
});
