/**
 * Kernel lab, CNI round trip for what this machine's kernel lacks: the documents' ipvlan and
 * 802.1Q scenarios, pasted into `fromDocker`, brought up by underlay in the qemu guest (Debian's
 * kernel) and read back; then the conflists `toCni` exports are run by Debian's reference `ipvlan`
 * plugin (with `static` IPAM) inside the guest, the way a runtime calls them (ADD, CHECK with the
 * ADD result, DEL), in a second host namespace holding the same parents. Both sides must show the
 * same link kind and mode, MTU, addresses and routes. (ipvlan shares the parent's MAC, and the two
 * sides' stand-in parents are different links, so each side's MAC is checked against its own
 * parent.) The plugins reach the guest through the executor's stdin (base64); the guest already
 * has their only libraries (libc and the loader, copied for `ip`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect } from "vitest";
import type { LabBuilder } from "../../sdk/index.ts";
import { cniAttachments, fromDocker, type CniConflist } from "../../sdk/interop/index.ts";
import { CNI_PATH, ensureCniPlugins } from "../../tasks/bench/baselines/cni.ts";
import { readFacts, type InterfaceFacts } from "../../tasks/conformance/facts.ts";
import { kernelLabReady } from "../support/guest.ts";
import { scenarioSuite } from "./scenario-kit.ts";

const ready = await kernelLabReady("kernel lab: CNI round trip");
const GUEST_CNI = "/opt/cni/bin";
const PLUGINS = ["ipvlan", "static"] as const;

/** The documents' commands (with a second container where a block has one), as in test/unit/interop/seeds.test.ts. */
const scenarios: readonly { readonly id: string; readonly title: string; readonly text: string; readonly vlans?: readonly [string, number][] }[] = [
  {
    id: "i1",
    title: "ipvlan L2 (db_net): the documents' commands through fromDocker, then through the ipvlan plugin",
    text: `docker network create -d ipvlan --subnet=192.168.1.0/24 --gateway=192.168.1.1 -o ipvlan_mode=l2 -o parent=eth0 db_net
docker run --net=db_net -it --rm alpine /bin/sh
docker run --net=db_net -it --rm alpine /bin/sh`,
  },
  {
    id: "i2",
    title: "ipvlan L3 (ipnet210, no parent: an isolated dummy): default dev eth0, no gateway",
    text: `docker network create -d ipvlan --subnet=192.168.214.0/24 --subnet=10.1.214.0/24 -o ipvlan_mode=l3 ipnet210
docker run --net=ipnet210 --ip=192.168.214.10 -itd alpine /bin/sh
docker run --net=ipnet210 --ip=10.1.214.10 -itd alpine /bin/sh`,
  },
  {
    id: "i3",
    title: "ipvlan L2 on 802.1Q VLAN 20 (ipvlan20): the VLAN sub-interface as the master",
    text: `docker network create -d ipvlan --subnet=192.168.20.0/24 --gateway=192.168.20.1 -o parent=eth0.20 ipvlan20
docker run --net=ipvlan20 -it --name ivlan_test1 --rm alpine /bin/sh
docker run --net=ipvlan20 -it --name ivlan_test2 --rm alpine /bin/sh`,
    vlans: [["eth0.20", 20]],
  },
  {
    id: "i4",
    title: "dual-stack ipvlan L3 on VLAN 118 (ipnet110, --ipv6): IPv4 and IPv6 default dev eth0",
    text: `docker network create -d ipvlan --ipv6 --subnet=192.168.110.0/24 --subnet=192.168.112.0/24 --subnet=2001:db8:abc6::/64 -o parent=eth0.118 -o ipvlan_mode=l3 ipnet110
docker run --net=ipnet110 -it --rm alpine /bin/sh
docker run --net=ipnet110 --ip6=2001:db8:abc6::10 -it --rm alpine /bin/sh
docker run --net=ipnet110 --ip=192.168.112.50 -it --rm alpine /bin/sh`,
    vlans: [["eth0.118", 118]],
  },
];

describe.runIf(ready)("kernel lab: toCni on the real ipvlan plugin matches underlay's own up (Debian kernel under qemu)", () => {
  const { kit, scenario } = scenarioSuite("interop-cni.test.ts");

  const sh = async (netns: string | null, argv: readonly string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> =>
    kit.vm.run({ netns, argv, ...(input === undefined ? {} : { input }) });
  const must = async (netns: string | null, argv: readonly string[], input?: string): Promise<string> => {
    const r = await sh(netns, argv, input);
    expect(r.code, `${argv.join(" ")}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  const factsIn = (netns: string): Promise<InterfaceFacts> => readFacts(async (args) => must(netns, ["ip", "-json", ...args]));
  const macOf = async (netns: string, dev: string): Promise<string> => (JSON.parse(await must(netns, ["ip", "-json", "link", "show", "dev", dev])) as { address: string }[])[0]?.address ?? "";

  beforeAll(async () => {
    await ensureCniPlugins();
    await must(null, ["mkdir", "-p", GUEST_CNI]);
    for (const p of PLUGINS) {
      await must(null, ["sh", "-c", `base64 -d > ${GUEST_CNI}/${p} && chmod 755 ${GUEST_CNI}/${p}`], readFileSync(join(CNI_PATH, p)).toString("base64"));
    }
  }, 600_000);

  const pluginConfig = (c: CniConflist, prevResult?: unknown): string =>
    JSON.stringify({ cniVersion: c.cniVersion, name: c.name, ...c.plugins[0], ...(prevResult === undefined ? {} : { prevResult }) });

  async function viaCni(l: LabBuilder, host: string, parents: readonly string[]): Promise<InterfaceFacts[]> {
    const facts: InterfaceFacts[] = [];
    const calls: { ns: string; ifname: string; conflist: CniConflist; result: unknown }[] = [];
    try {
      for (const [i, ep] of l.plan().endpoints.entries()) {
        const ns = `${host.slice(0, -2)}-${i}`;
        await must(null, ["ip", "netns", "add", ns]);
        for (const a of cniAttachments(l, ep.name)) {
          const env = [`CNI_COMMAND=ADD`, `CNI_CONTAINERID=${ns}`, `CNI_NETNS=/run/netns/${ns}`, `CNI_IFNAME=${a.ifname}`, `CNI_PATH=${GUEST_CNI}`];
          const out = await must(host, ["env", ...env, `${GUEST_CNI}/${a.conflist.plugins[0].type}`], pluginConfig(a.conflist));
          calls.push({ ns, ifname: a.ifname, conflist: a.conflist, result: JSON.parse(out) });
        }
        const f = await factsIn(ns);
        // ipvlan shares its parent's MAC: each side against its own parent.
        expect(f.mac).toBe(await macOf(host, parents.find((p) => p === l.plan().networks[0]?.parent) ?? "eth0"));
        facts.push({ ...f, mac: "(the parent's)" });
      }
      for (const c of calls) {
        const env = [`CNI_CONTAINERID=${c.ns}`, `CNI_NETNS=/run/netns/${c.ns}`, `CNI_IFNAME=${c.ifname}`, `CNI_PATH=${GUEST_CNI}`];
        const plugin = `${GUEST_CNI}/${c.conflist.plugins[0].type}`;
        await must(host, ["env", "CNI_COMMAND=CHECK", ...env, plugin], pluginConfig(c.conflist, c.result));
        await must(host, ["env", "CNI_COMMAND=DEL", ...env, plugin], pluginConfig(c.conflist, c.result));
        expect(await must(c.ns, ["ip", "-o", "link", "show"])).not.toContain(`${c.ifname}@`);
      }
      return facts;
    } finally {
      for (const c of new Set(calls.map((x) => x.ns))) await sh(null, ["ip", "netns", "del", c]);
      for (let i = 0; i < l.plan().endpoints.length; i++) await sh(null, ["ip", "netns", "del", `${host.slice(0, -2)}-${i}`]);
    }
  }

  for (const s of scenarios) {
    scenario(s.id, s.title, async () => {
      const l = fromDocker(s.text, { lab: `k${s.id}`, host: `k${s.id}-h`, sandbox: true });
      let mine: InterfaceFacts[] = [];
      await kit.withLab(l, async (up) => {
        mine = [];
        for (const e of up.plan.endpoints) {
          const f = await factsIn(e.netns);
          expect(f.mac).toBe(await macOf(`k${s.id}-h`, up.plan.networks[0]?.parent ?? "eth0"));
          mine.push({ ...f, mac: "(the parent's)" });
        }
      });
      // The plugin side: a host namespace with the same parents (a dummy eth0, the VLAN, or the isolated dummy).
      const host = `c${s.id}-h`;
      const parent = l.plan().networks[0]?.parent ?? "eth0";
      try {
        await must(null, ["ip", "netns", "add", host]);
        await must(host, ["ip", "link", "add", "eth0", "type", "dummy"]);
        await must(host, ["ip", "link", "set", "eth0", "up"]);
        for (const [name, vid] of s.vlans ?? []) {
          await must(host, ["ip", "link", "add", "link", "eth0", "name", name, "type", "vlan", "id", String(vid)]);
          await must(host, ["ip", "link", "set", name, "up"]);
        }
        if (parent !== "eth0" && (s.vlans ?? []).every(([n]) => n !== parent)) {
          await must(host, ["ip", "link", "add", parent, "type", "dummy"]);
          await must(host, ["ip", "link", "set", parent, "up"]);
        }
        const theirs = await viaCni(l, host, [parent]);
        expect(theirs).toEqual(mine);
        expect(mine[0]?.kind).toBe("ipvlan");
        kit.note(`${mine.length} endpoints, ${mine.map((f) => f.addresses.join(" ")).join(", ")}; ADD/CHECK/DEL by the ipvlan plugin gave the same`);
      } finally {
        await sh(null, ["ip", "netns", "del", host]);
      }
    }, 180_000);
  }
});
