/**
 * Named namespaces: `netns-add <p> <n>` creates <p>-0 … <p>-{n-1} and leaves them (for `ip netns
 * list`/`exec` in the test); `cycles <p> <n>` creates and deletes an endpoint n times (netns,
 * macvlan in place, addresses, up, route, a sysctl read inside, a dump) and then lists the
 * threads of the process left in another namespace.
 */
import { removeAll, type Scenario } from "./common.ts";

export const netnsAdd: Scenario = (nl, [p, n]) => {
  const names = Array.from({ length: Number(n) }, (_, i) => `${p}-${i}`);
  for (const name of names) nl.netnsAdd(name);
  // Each namespace is usable from this process right away: its socket answers a dump.
  const loopbacks = names.map((name) => (nl.dump(name).links as { ifname: string }[]).map((l) => l.ifname).join(","));
  return { names, listed: nl.netnsList().filter((x) => x.startsWith(`${p}-`)), loopbacks };
};

export const cycles: Scenario = (nl, [p, n]) => {
  const h = `${p}-h`;
  const e = `${p}-e`;
  nl.netnsAdd(h);
  nl.linkAdd({ netns: h, name: "p0", kind: "bridge", up: true });
  let dumps = 0;
  for (let i = 0; i < Number(n); i++) {
    nl.netnsAdd(e);
    nl.linkAdd({ netns: h, name: "eth0", targetNetns: e, kind: "macvlan", parent: "p0", mode: "bridge", index: 2 });
    nl.batch(e, [
      { op: "linkSet", dev: 1, up: true },
      { op: "addrAdd", dev: 2, cidr: "10.98.0.2/16" },
      { op: "linkSet", dev: 2, up: true },
      { op: "routeAdd", dst: "default", via: "10.98.0.1", dev: 2 },
    ]);
    if (nl.sysctlRead(e, "net.ipv4.conf.eth0.forwarding") === null) throw new Error("eth0 sysctls not found inside");
    if (i % 50 === 0) dumps += nl.dump(e).links.length > 0 ? 1 : 0;
    nl.netnsDel(e);
  }
  const threads = nl.foreignThreads();
  removeAll(nl, p as string);
  return { cycles: Number(n), dumps, threads };
};
