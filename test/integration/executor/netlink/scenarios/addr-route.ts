/**
 * Addresses, routes and sysctls in one namespace <p>-r (veth e0/e1, both up, IPv6 DAD off):
 * leaves it for the test to read with `ip`, and reports which way sysctls of a namespace are
 * reached without a process.
 */
import { readFileSync } from "node:fs";
import type { Scenario } from "./common.ts";

export const addrRoute: Scenario = (nl, [p]) => {
  const r = `${p}-r`;
  nl.netnsAdd(r);
  nl.sysctlWrite(r, "net.ipv6.conf.default.accept_dad", "0");
  nl.sysctlWrite(r, "net.ipv6.conf.all.accept_dad", "0");
  nl.linkAdd({ netns: r, name: "e0", kind: "veth", peer: "e1" });
  nl.batch(r, [
    { op: "linkSet", dev: "lo", up: true },
    { op: "linkSet", dev: "e0", up: true },
    { op: "linkSet", dev: "e1", up: true },
    { op: "addrAdd", dev: "e0", cidr: "10.1.0.2/24" },
    { op: "addrAdd", dev: "e0", cidr: "10.1.0.3/24" },
    { op: "addrAdd", dev: "e0", cidr: "fd01::2/64", nodad: true },
  ]);
  nl.addrDel({ netns: r, dev: "e0", cidr: "10.1.0.3/24" });
  nl.routeAdd({ netns: r, dst: "default", via: "10.1.0.1" });
  nl.routeAdd({ netns: r, dst: "default", family: 6, via: "fd01::1", dev: "e0" });
  nl.routeAdd({ netns: r, dst: "10.2.0.0/16", dev: "e0" });
  nl.routeReplace({ netns: r, dst: "10.2.0.0/16", via: "10.1.0.254" });
  nl.routeAdd({ netns: r, dst: "10.3.0.5", via: "10.1.0.9" });
  nl.routeAdd({ netns: r, dst: "10.3.0.6", via: "10.1.0.9" });
  nl.routeDel({ netns: r, dst: "10.3.0.6" });
  nl.routeAdd({ netns: r, dst: "fd02::5/128", dev: "e0" });
  nl.routeAdd({ netns: r, dst: "10.4.0.0/16", dev: "e0", metric: 50 });
  nl.routeAdd({ netns: r, dst: "10.6.0.0/16", via: "10.1.0.1", table: 100 });
  // Sysctls: flip one against home, read it back inside and at home; read a per-device key.
  const key = "net.ipv4.ip_forward";
  const home = nl.sysctlRead(null, key);
  const flipped = home === "1" ? "0" : "1";
  nl.sysctlWrite(r, key, flipped);
  return {
    sysctl: {
      key,
      home,
      flipped,
      inside: nl.sysctlRead(r, key),
      homeAfter: nl.sysctlRead(null, key),
      // /proc/sys read by path from home (no setns): home's value, whatever namespace was meant
      byPathFromHome: readFileSync(`/proc/sys/${key.replaceAll(".", "/")}`, "utf8").trim(),
      deviceKeyInside: nl.sysctlRead(r, "net.ipv6.conf.e0.accept_dad"),
      deviceKeyAtHome: nl.sysctlRead(null, "net.ipv6.conf.e0.accept_dad"),
    },
    threads: nl.foreignThreads(),
  };
};
