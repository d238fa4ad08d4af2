/**
 * Kernel lab, scenario 7: two-host ipvlan L3. Two host namespaces made by hand in the guest,
 * joined by a veth "cable" (172.30.0.1/24 ↔ 172.30.0.2/24), an L3 network on each (labs with
 * `{ host }` and the veth end as parent), and `twoHostRoutes()` giving each host the route to the
 * other's container subnet, applied with the guest executor. "In order to ping the containers
 * from a remote Docker host … the remote host … need[s] to have a route pointing to the host IP
 * address of the container's Docker host eth interface."
 */
import { describe, expect } from "vitest";
import { lab, net } from "../../sdk/index.ts";
import { type L3Host } from "../../sdk/route/index.ts";
import { twoHostRoutes } from "../../sdk/route/index.ts";
import { kernelLabReady } from "../support/guest.ts";
import { scenarioSuite } from "./scenario-kit.ts";

const ready = await kernelLabReady("kernel lab: two-host ipvlan L3");

describe.runIf(ready)("kernel lab: two-host ipvlan L3 (Debian kernel under qemu)", () => {
  const { kit, scenario } = scenarioSuite("scenarios-two-host.test.ts");

  scenario("7", "two-host ipvlan L3: twoHostRoutes() gives each host the route to the other's containers; containers on A ping containers on B", async () => {
    const g = kit.guest;
    const [hostA, hostB] = ["s7-ha", "s7-hb"];
    const ipnetA = net.ipvlan("ipnet_a").parent("eth0").mode("l3").subnet("10.1.10.0/24");
    const ipnetB = net.ipvlan("ipnet_b").parent("eth0").mode("l3").subnet("10.1.20.0/24");
    const la = lab("s7a", { host: hostA }).endpoint("a1", ipnetA).endpoint("a2", ipnetA);
    const lb = lab("s7b", { host: hostB }).endpoint("b1", ipnetB).endpoint("b2", ipnetB);
    const side = (network: typeof ipnetA, address: string, netns: string): L3Host => ({ networks: [network], address, dev: "eth0", netns, connected: ["172.30.0.0/24"] });
    const { onA, onB } = twoHostRoutes("s7r", side(ipnetA, "172.30.0.1", hostA), side(ipnetB, "172.30.0.2", hostB));
    expect(onA.routes).toEqual([{ dst: "10.1.20.0/24", via: "172.30.0.2", dev: "eth0" }]);
    expect(onB.routes).toEqual([{ dst: "10.1.10.0/24", via: "172.30.0.1", dev: "eth0" }]);

    try {
      // The "physical" network: one cable between the two hosts' eth0.
      await g.ok(["ip", "netns", "add", hostA]);
      await g.ok(["ip", "netns", "add", hostB]);
      await g.ok(["ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", hostB], { netns: hostA });
      for (const [ns, ip] of [[hostA, "172.30.0.1/24"], [hostB, "172.30.0.2/24"]] as const) {
        await g.ok(["ip", "addr", "add", ip, "dev", "eth0"], { netns: ns });
        await g.ok(["ip", "link", "set", "eth0", "up"], { netns: ns });
      }
      await la.up(kit.opts);
      await lb.up(kit.opts);
      const a1 = "10.1.10.2";
      const [b1, b2] = ["10.1.20.2", "10.1.20.3"];
      expect(la.plan().endpoints.map((e) => e.interfaces[0]?.addresses[0])).toEqual([`${a1}/24`, "10.1.10.3/24"]);
      expect(lb.plan().endpoints.map((e) => e.interfaces[0]?.addresses[0])).toEqual([`${b1}/24`, `${b2}/24`]);
      for (const ns of ["s7a-a1", "s7b-b1"]) expect((await kit.link(ns, "eth0")).linkinfo).toMatchObject({ info_kind: "ipvlan", info_data: { mode: "l3" } });

      // Without routes, host B does not know 10.1.10.0/24: nothing crosses.
      expect(await kit.ping("s7a-a1", b1), "A reached B without routes").toBe(false);

      await onA.up(kit.opts);
      await onB.up(kit.opts);
      expect((await kit.routes(hostA, 4)).find((r) => r.dst === "10.1.20.0/24")).toMatchObject({ gateway: "172.30.0.2", dev: "eth0" });
      expect((await kit.routes(hostB, 4)).find((r) => r.dst === "10.1.10.0/24")).toMatchObject({ gateway: "172.30.0.1", dev: "eth0" });
      expect((await onA.verify(kit.opts)).clean).toBe(true);
      expect((await onB.verify(kit.opts)).clean).toBe(true);

      const crossings: string[] = [];
      for (const [from, to] of [["s7a-a1", b1], ["s7a-a1", b2], ["s7a-a2", b1], ["s7a-a2", b2], ["s7b-b1", a1], ["s7b-b2", "10.1.10.3"]] as const) {
        if (!(await kit.ping(from, to, 2))) crossings.push(`${from} → ${to}`);
      }
      expect(crossings, "pings across the two hosts that failed").toEqual([]);
      // Each side's own L3 network still works as before.
      for (const l of [la, lb]) {
        const matrix = await kit.check(l);
        expect(matrix.ok, matrix.table).toBe(true);
      }

      // The route sets are undone like labs: exactly their routes go.
      await onB.down(kit.opts);
      await onA.down(kit.opts);
      expect((await kit.routes(hostA, 4)).map((r) => r.dst)).toEqual(["172.30.0.0/24"]);
      expect((await kit.routes(hostB, 4)).map((r) => r.dst)).toEqual(["172.30.0.0/24"]);
      expect(await kit.ping("s7a-a1", b1)).toBe(false);
      await lb.down(kit.opts);
      await la.down(kit.opts);
      // The labs found the hosts (and their cables) in place, so they leave them.
      expect((await kit.links(hostA)).map((k) => k.ifname).sort()).toEqual(["eth0", "lo"]);
    } finally {
      for (const set of [onB, onA]) await set.down(kit.opts).catch(() => undefined);
      for (const l of [lb, la]) await l.down(kit.opts).catch(() => undefined);
      await g.run(["ip", "netns", "del", hostA]); // the veth pair goes with it
      await g.run(["ip", "netns", "del", hostB]);
    }
  }, 60_000);
});
