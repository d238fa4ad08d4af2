/**
 * Every link kind this kernel has, created in place from a host namespace, then changed and one
 * deleted; the kinds it lacks, attempted. Leaves the namespaces for the test to read with `ip`.
 *
 *   <p>-h  bridges p0 and p1 (up)
 *   <p>-a  macvlans mbridge (renamed eth0 and changed), mvepa (set down), mprivate, msource
 *          (down) and mdel (deleted) on p0, mpassthru on p1; veth va whose peer vb is in <p>-b;
 *          bridge br0
 */
import type { MacvlanMode } from "../../../../../sdk/executor/netlink/requests.ts";
import { caught, removeAll, type Scenario } from "./common.ts";

export const links: Scenario = (nl, [p]) => {
  const h = `${p}-h`;
  const a = `${p}-a`;
  const b = `${p}-b`;
  for (const ns of [h, a, b]) nl.netnsAdd(ns);
  nl.linkAdd({ netns: h, name: "p0", kind: "bridge", up: true });
  nl.linkAdd({ netns: h, name: "p1", kind: "bridge", up: true });
  const modes: MacvlanMode[] = ["bridge", "vepa", "private", "source"];
  modes.forEach((mode, i) => {
    nl.linkAdd({ netns: h, name: `m${mode}`, targetNetns: a, kind: "macvlan", parent: "p0", mode, mac: `02:aa:00:00:00:0${i + 1}`, mtu: 1400 + i, alias: `underlay:${p}`, up: mode !== "source" });
  });
  nl.linkAdd({ netns: h, name: "mpassthru", targetNetns: a, kind: "macvlan", parent: "p1", mode: "passthru" });
  nl.linkAdd({ netns: h, name: "mdel", targetNetns: a, kind: "macvlan", parent: "p0" });
  nl.linkAdd({ netns: h, name: "va", targetNetns: a, kind: "veth", peer: "vb", peerNetns: b });
  nl.linkAdd({ netns: a, name: "br0", kind: "bridge", mac: "02:bb:00:00:00:01", mtu: 1300 });
  nl.linkSet({ netns: a, dev: "mbridge", newName: "eth0" });
  nl.linkSet({ netns: a, dev: "eth0", mtu: 1280, mac: "02:aa:00:00:00:99", alias: "renamed" });
  nl.linkSet({ netns: a, dev: "mvepa", up: false });
  nl.linkDel({ netns: a, dev: "mdel" });
  const missing = {
    ipvlan: caught(() => nl.linkAdd({ netns: h, name: "i0", kind: "ipvlan", parent: "p0", mode: "l2" })),
    vlan: caught(() => nl.linkAdd({ netns: h, name: "p0.5", kind: "vlan", parent: "p0", id: 5 })),
    dummy: caught(() => nl.linkAdd({ netns: h, name: "d0", kind: "dummy" })),
  };
  return { p0: nl.linkIndex(h, "p0"), p1: nl.linkIndex(h, "p1"), missing, threads: nl.foreignThreads() };
};

/** Deletes the scenario's namespaces with the library. */
export const cleanup: Scenario = (nl, [p]) => ({ removed: removeAll(nl, p as string), left: nl.netnsList().filter((n) => n.startsWith(`${p}-`)) });
