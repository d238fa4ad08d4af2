/**
 * Links through the netlink layer, under Bun and under Deno, read back with the test's own
 * `ip -json -details`: every link kind this kernel has (macvlan in all five modes, veth with its
 * peer in another namespace, bridge) is created in place in its target namespace exactly as
 * requested (name, kind, mode, parent, MAC, MTU, alias, state); a rename, changes and a delete
 * take effect; ipvlan, 802.1Q and dummy — missing here — fail with iproute2's message and an
 * error that names the kind. The library then deletes its namespaces and nothing is left.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ip, ipFails, ipJson, drive, ffiRuntimes } from "./support.ts";
import { removeNetnsWithPrefix, requireRoot, uniqueName } from "../../../support/netns.ts";

interface IpLink {
  ifname: string;
  ifindex: number;
  flags: string[];
  mtu: number;
  address: string;
  ifalias?: string;
  link_index?: number;
  link_netnsid?: number;
  linkinfo?: { info_kind: string; info_data?: { mode?: string } };
}

describe.runIf(requireRoot("netlink links on the real kernel"))("netlink links on the real kernel", () => {
  const prefixes: string[] = [];
  afterAll(() => {
    for (const p of prefixes) expect(removeNetnsWithPrefix(`${p}-`), `namespaces left by ${p}`).toEqual([]);
  });

  describe.each(ffiRuntimes)("under %s", (runtime) => {
    const p = uniqueName("nl");
    prefixes.push(p);

    it("creates every available kind in place, as requested, and names the missing kinds", async () => {
      const r = await drive<{ runtime: string; p0: number; p1: number; missing: Record<string, { code: string; message: string; stderr: string }>; threads: unknown[] }>(runtime, "links", [p]);
      expect(r.runtime).toBe(runtime);
      const a = new Map(ipJson<IpLink[]>(`${p}-a`, "link", "show").map((l) => [l.ifname, l]));
      const b = new Map(ipJson<IpLink[]>(`${p}-b`, "link", "show").map((l) => [l.ifname, l]));
      const h = new Map(ipJson<IpLink[]>(`${p}-h`, "link", "show").map((l) => [l.ifname, l]));
      expect([...a.keys()].sort()).toEqual(["br0", "eth0", "lo", "mpassthru", "mprivate", "msource", "mvepa", "va"]);
      expect(h.get("p0")?.ifindex).toBe(r.p0);
      const view = (l: IpLink | undefined): unknown => l && {
        kind: l.linkinfo?.info_kind, mode: l.linkinfo?.info_data?.mode, mtu: l.mtu, mac: l.address, alias: l.ifalias,
        up: l.flags.includes("UP"), parent: l.link_index, otherNs: l.link_netnsid !== undefined,
      };
      expect(view(a.get("eth0"))).toEqual({ kind: "macvlan", mode: "bridge", mtu: 1280, mac: "02:aa:00:00:00:99", alias: "renamed", up: true, parent: r.p0, otherNs: true });
      expect(view(a.get("mvepa"))).toEqual({ kind: "macvlan", mode: "vepa", mtu: 1401, mac: "02:aa:00:00:00:02", alias: `underlay:${p}`, up: false, parent: r.p0, otherNs: true });
      expect(view(a.get("mprivate"))).toEqual({ kind: "macvlan", mode: "private", mtu: 1402, mac: "02:aa:00:00:00:03", alias: `underlay:${p}`, up: true, parent: r.p0, otherNs: true });
      expect(view(a.get("msource"))).toEqual({ kind: "macvlan", mode: "source", mtu: 1403, mac: "02:aa:00:00:00:04", alias: `underlay:${p}`, up: false, parent: r.p0, otherNs: true });
      expect(view(a.get("mpassthru"))).toMatchObject({ kind: "macvlan", mode: "passthru", parent: r.p1, otherNs: true });
      expect(view(a.get("br0"))).toMatchObject({ kind: "bridge", mac: "02:bb:00:00:00:01", mtu: 1300, up: false, parent: undefined });
      // The veth pair spans two namespaces: va here, vb there, each the other's link.
      expect(a.get("va")?.linkinfo?.info_kind).toBe("veth");
      expect(b.get("vb")?.linkinfo?.info_kind).toBe("veth");
      expect(a.get("va")?.link_index).toBe(b.get("vb")?.ifindex);
      expect(b.get("vb")?.link_index).toBe(a.get("va")?.ifindex);
      // The kinds this kernel lacks: iproute2's own message, and the kind named.
      for (const [kind, argv] of [["ipvlan", ["link", "add", "i0", "link", "p0", "type", "ipvlan", "mode", "l2"]], ["vlan", ["link", "add", "p0.5", "link", "p0", "type", "vlan", "id", "5"]], ["dummy", ["link", "add", "d0", "type", "dummy"]]] as const) {
        const got = r.missing[kind];
        expect(got?.code).toBe("UNSUPPORTED_KERNEL");
        expect(got?.stderr).toBe(ipFails("-n", `${p}-h`, ...argv).stderr);
        expect(got?.message).toContain(`this kernel has no "${kind}" link kind`);
      }
      expect(r.threads).toEqual([]);
    });

    it("deletes its namespaces: ip netns list no longer has them", async () => {
      const r = await drive<{ removed: string[]; left: string[] }>(runtime, "cleanup", [p]);
      expect(r.removed).toEqual([`${p}-a`, `${p}-b`, `${p}-h`]);
      expect(r.left).toEqual([]);
      expect(ip("netns", "list")).not.toContain(p);
    });
  });
});
