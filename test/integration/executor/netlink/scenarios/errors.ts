/**
 * Requests the kernel (or a lookup before it) refuses, each next to the `ip` command that does
 * the same, so the test can compare what both print. Works in <p>-h (bridge p0, 10.5.0.1/24).
 */
import { caught, removeAll, type Scenario } from "./common.ts";

export const errors: Scenario = (nl, [p]) => {
  const h = `${p}-h`;
  nl.netnsAdd(h);
  nl.linkAdd({ netns: h, name: "p0", kind: "bridge", up: true });
  nl.addrAdd({ netns: h, dev: "p0", cidr: "10.5.0.1/24" });
  const cases = [
    { what: "create an existing link", ip: ["-n", h, "link", "add", "p0", "type", "bridge"], got: caught(() => nl.linkAdd({ netns: h, name: "p0", kind: "bridge" })) },
    { what: "delete a missing link", ip: ["-n", h, "link", "del", "nosuch"], got: caught(() => nl.linkDel({ netns: h, dev: "nosuch" })) },
    { what: "change a missing link", ip: ["-n", h, "link", "set", "nosuch", "up"], got: caught(() => nl.linkSet({ netns: h, dev: "nosuch", up: true })) },
    { what: "a parent that does not exist", ip: ["-n", h, "link", "add", "m9", "link", "nosuch", "type", "macvlan"], got: caught(() => nl.linkAdd({ netns: h, name: "m9", kind: "macvlan", parent: "nosuch" })) },
    { what: "a target namespace that does not exist", ip: ["-n", h, "link", "add", "m9", "netns", `${p}-none`, "link", "p0", "type", "macvlan"], got: caught(() => nl.linkAdd({ netns: h, name: "m9", targetNetns: `${p}-none`, kind: "macvlan", parent: "p0" })) },
    { what: "an MTU above the device's maximum", ip: ["-n", h, "link", "set", "p0", "mtu", "99999"], got: caught(() => nl.linkSet({ netns: h, dev: "p0", mtu: 99999 })) },
    { what: "ipvlan on this kernel", ip: ["-n", h, "link", "add", "i0", "link", "p0", "type", "ipvlan", "mode", "l2"], got: caught(() => nl.linkAdd({ netns: h, name: "i0", kind: "ipvlan", parent: "p0", mode: "l2" })) },
    { what: "an address already there", ip: ["-n", h, "addr", "add", "10.5.0.1/24", "dev", "p0"], got: caught(() => nl.addrAdd({ netns: h, dev: "p0", cidr: "10.5.0.1/24" })) },
    { what: "deleting an address that is not there", ip: ["-n", h, "addr", "del", "10.5.9.9/24", "dev", "p0"], got: caught(() => nl.addrDel({ netns: h, dev: "p0", cidr: "10.5.9.9/24" })) },
    { what: "a gateway that is not on a connected network", ip: ["-n", h, "route", "add", "10.7.0.0/16", "via", "10.99.0.1"], got: caught(() => nl.routeAdd({ netns: h, dst: "10.7.0.0/16", via: "10.99.0.1" })) },
    { what: "deleting a route that is not there", ip: ["-n", h, "route", "del", "10.8.0.0/16"], got: caught(() => nl.routeDel({ netns: h, dst: "10.8.0.0/16" })) },
    { what: "an address on a device that does not exist", ip: ["-n", h, "addr", "add", "10.6.0.1/24", "dev", "nosuch"], got: caught(() => nl.addrAdd({ netns: h, dev: "nosuch", cidr: "10.6.0.1/24" })) },
    { what: "a namespace that exists", ip: ["netns", "add", h], got: caught(() => nl.netnsAdd(h)) },
    { what: "deleting a namespace that does not exist", ip: ["netns", "del", `${p}-none`], got: caught(() => nl.netnsDel(`${p}-none`)) },
  ];
  // A pipelined batch whose middle request fails: the others are applied, the failure is the middle one's.
  const pipelined = nl.send(h, [
    { op: "addrAdd", dev: "p0", cidr: "10.5.1.1/24" },
    { op: "addrAdd", dev: "p0", cidr: "10.5.0.1/24" },
    { op: "addrAdd", dev: "p0", cidr: "10.5.2.1/24" },
  ]).map((f) => f?.stderr ?? null);
  const after = (nl.dump(h).addrs as { ifname: string; addr_info: { local: string }[] }[]).find((l) => l.ifname === "p0")?.addr_info.map((a) => a.local);
  removeAll(nl, p as string);
  return { cases, pipelined, after, threads: nl.foreignThreads() };
};
