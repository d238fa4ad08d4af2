/**
 * A sandbox with several links, addresses and routes (IPv4 and IPv6), built with the library,
 * then read back with the library's dumps as `ip -json -details -batch -` answers. Leaves the
 * namespaces for the test to read with `ip`.
 *
 *   <p>-h  bridge p0 (up), macvlan m0 on p0 (private, alias)
 *   <p>-d  lo up; macvlan eth0 on p0 (from <p>-h) with 10.0.0.2/24, fd00::2/64, default routes
 *          v4/v6, 10.9.0.0/16 via 10.0.0.254 metric 10; veth x0/x1 (x0 up) with 192.168.5.1/30,
 *          fd05::1/126, a host route 192.168.9.9 dev x0, a route in table 100; bridge br1 (down)
 */
import { batchOutput } from "../../../../../sdk/executor/netlink/dump.ts";
import type { Scenario } from "./common.ts";

export const dump: Scenario = (nl, [p]) => {
  const h = `${p}-h`;
  const d = `${p}-d`;
  nl.netnsAdd(h);
  nl.netnsAdd(d);
  for (const key of ["net.ipv6.conf.default.accept_dad", "net.ipv6.conf.all.accept_dad"]) nl.sysctlWrite(d, key, "0");
  nl.linkAdd({ netns: h, name: "p0", kind: "bridge", up: true });
  nl.linkAdd({ netns: h, name: "m0", kind: "macvlan", parent: "p0", mode: "private", alias: `underlay:${p}` });
  nl.linkAdd({ netns: h, name: "eth0", targetNetns: d, kind: "macvlan", parent: "p0", mode: "bridge", mac: "02:dd:00:00:00:02", alias: `underlay:${p}` });
  nl.linkAdd({ netns: d, name: "x0", kind: "veth", peer: "x1" });
  nl.linkAdd({ netns: d, name: "br1", kind: "bridge" });
  nl.batch(d, [
    { op: "linkSet", dev: "lo", up: true },
    { op: "addrAdd", dev: "eth0", cidr: "10.0.0.2/24" },
    { op: "addrAdd", dev: "eth0", cidr: "fd00::2/64", nodad: true },
    { op: "linkSet", dev: "eth0", up: true },
    { op: "addrAdd", dev: "x0", cidr: "192.168.5.1/30" },
    { op: "addrAdd", dev: "x0", cidr: "fd05::1/126" },
    { op: "linkSet", dev: "x0", up: true },
    { op: "routeAdd", dst: "default", via: "10.0.0.1", dev: "eth0" },
    { op: "routeAdd", dst: "default", family: 6, via: "fd00::1", dev: "eth0" },
    { op: "routeAdd", dst: "10.9.0.0/16", via: "10.0.0.254", metric: 10 },
    { op: "routeAdd", dst: "192.168.9.9", dev: "x0" },
    { op: "routeAdd", dst: "10.6.0.0/16", via: "10.0.0.1", table: 100 },
  ]);
  return { host: batchOutput(nl.dump(h)), endpoint: batchOutput(nl.dump(d)) };
};
