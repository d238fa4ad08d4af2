/**
 * The netlink executor against the iproute2 executor, on the real kernel: the same labs applied
 * through each (sandboxed macvlan dual-stack with host access and an internal network; internal
 * networks only; a lab re-addressed by a second `up`) leave the same kernel state, read back
 * with `ip -json` (the iproute2 reader): every link, address, route, sysctl and hosts file,
 * field by field. And the netlink reader gives exactly the facts the `ip -json` reader gives for
 * the same live state — also the ids of peer namespaces that `down` uses to find veths leaving a
 * lab. Each executor's own `verify` passes on what the other one built.
 *
 * Vitest runs under Node: the netlink executor runs here through koffi (the optional dependency).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lab, localExecutor, net, netlinkExecutor, type Executor, type LabBuilder } from "../../../../sdk/index.ts";
import { observe } from "../../../../sdk/state/observe.ts";
import { readsFor } from "../../../../sdk/state/reads.ts";
import type { LiveState, NamespaceState } from "../../../../sdk/state/types.ts";
import { removeNetnsWithPrefix, requireRoot, uniqueName } from "../../../support/netns.ts";

const prefix = uniqueName("nd");
const stateDir = mkdtempSync(join(tmpdir(), "underlay-diff-"));
const opts = { stateDir, handleSignals: false } as const;
const iproute2 = localExecutor();
const run = requireRoot("netlink vs iproute2 on the real kernel");
const netlink: Executor | null = run ? await netlinkExecutor() : null;

afterAll(async () => {
  await netlink?.close?.();
  const left = removeNetnsWithPrefix(prefix);
  rmSync(stateDir, { recursive: true, force: true });
  expect(left, "namespaces left behind").toEqual([]);
});

const pub = net.macvlan("pub").parent("eth0").subnet("10.90.0.0/24").subnet("fd00:90::/64").hostAccess({ ip: "10.90.0.250" });
const iso = net.macvlan("iso").subnet("10.91.0.0/24").internal();
const priv = net.macvlan("priv").parent("eth1").mode("private").mtu(1400).subnet("10.92.0.0/24");

/** The labs, by name: the same definition for each executor (the lab's name is the same too). */
const LABS: Readonly<Record<string, (name: string) => LabBuilder[]>> = {
  "sandbox macvlan dual-stack with host access and an internal network": (name) => [
    lab(name, { host: `${name}-h`, sandbox: true }).endpoint("web", pub, { ip: "10.90.0.10" }).endpoint("db", pub).endpoint("db", iso).endpoint("x", iso),
  ],
  "internal networks only, and a private-mode network with an MTU": (name) => [lab(name, { host: `${name}-h`, sandbox: true }).endpoint("a", iso).endpoint("b", iso).endpoint("b", priv).endpoint("c", priv)],
  "re-addressed by a second up (an endpoint added, one removed, one re-addressed)": (name) => [
    lab(name, { host: `${name}-h`, sandbox: true }).endpoint("a", pub, { ip: "10.90.0.10" }).endpoint("b", pub),
    lab(name, { host: `${name}-h`, sandbox: true }).endpoint("a", pub, { ip: "10.90.0.11" }).endpoint("c", pub).endpoint("c", iso),
  ],
};

/** What `ip -json` (or a reader) says about the lab's namespaces, with what the kernel makes up by itself left out. */
async function facts(reader: Executor, l: LabBuilder): Promise<LiveState> {
  const plan = l.plan().toJSON();
  const reads = readsFor(plan.ops.map((o) => o.fact));
  const namespaces = [...new Set([...reads.namespaces, plan.host])];
  return observe(reader, namespaces, { sysctl: reads.sysctl, files: reads.files });
}

/** A namespace's state without the values each creation makes anew (a bridge's random MAC and the link-local address from it, ifindexes). */
function comparable(ns: NamespaceState): unknown {
  const random = new Set(ns.links.filter((l) => l.kind === "bridge" || l.kind === "dummy").map((l) => l.name));
  return {
    exists: ns.exists,
    links: ns.links.map(({ ifindex: _i, parentIndex: _p, ...l }) => (random.has(l.name) ? { ...l, mac: "(random)" } : l)),
    addrs: ns.addrs.filter((a) => !(random.has(a.dev) && a.cidr.startsWith("fe80:"))),
    routes: ns.routes,
    sysctl: ns.sysctl,
  };
}

function comparableState(s: LiveState): unknown {
  return { namespaces: [...s.namespaces.values()].map((n) => [n.name, comparable(n)]), files: [...s.files.entries()] };
}

async function applyAll(labs: readonly LabBuilder[], executor: Executor): Promise<void> {
  for (const l of labs) await l.up({ ...opts, executor });
}

describe.runIf(run)("the netlink executor against iproute2, on the real kernel", () => {
  let k = 0;
  it.each(Object.keys(LABS))("%s: the same kernel state through each executor, read back with ip -json", async (what) => {
    const name = `${prefix}${k++}`;
    const labs = (LABS[what] as (n: string) => LabBuilder[])(name);
    const last = labs.at(-1) as LabBuilder;
    const states: unknown[] = [];
    for (const executor of [iproute2, netlink as Executor]) {
      await applyAll(labs, executor);
      try {
        states.push(comparableState(await facts(iproute2, last)));
        // Each executor's verify accepts what was built, whoever built it.
        for (const v of [iproute2, netlink as Executor]) expect((await last.verify({ ...opts, executor: v })).clean, `verify by ${v.name} after ${executor.name}`).toBe(true);
      } finally {
        await last.down({ ...opts, executor });
      }
      expect(execFileSync("ip", ["netns", "list"], { encoding: "utf8" })).not.toContain(name);
    }
    expect(states[1]).toEqual(states[0]);
  });

  it("reads exactly the facts the ip -json reader reads, peers included", async () => {
    const name = `${prefix}r`;
    const [l] = (LABS[Object.keys(LABS)[0] as string] as (n: string) => LabBuilder[])(name) as [LabBuilder];
    await l.up({ ...opts, executor: netlink as Executor });
    const [a, b] = [`${name}-web`, `${name}-db`];
    try {
      // A veth from the host namespace into two endpoints gives links whose peer lives elsewhere.
      execFileSync("ip", ["-n", `${name}-h`, "link", "add", "vx", "type", "veth", "peer", "name", "vy", "netns", a]);
      execFileSync("ip", ["-n", `${name}-h`, "link", "add", "vz", "netns", b, "type", "veth", "peer", "name", "vw", "netns", a]);
      const namespaces = [null, `${name}-h`, a, b];
      for (const peers of [false, true]) {
        const [viaIp, viaNetlink] = await Promise.all([observe(iproute2, namespaces, { peers, raw: true }), observe(netlink as Executor, namespaces, { peers, raw: true })]);
        expect([...viaNetlink.netns].filter((n) => n.startsWith(name)).sort()).toEqual([...viaIp.netns].filter((n) => n.startsWith(name)).sort());
        for (const ns of namespaces.slice(1)) {
          const { raw: _r1, ...x } = viaIp.namespaces.get(ns) as NamespaceState;
          const { raw: _r2, ...y } = viaNetlink.namespaces.get(ns) as NamespaceState;
          expect(y, `namespace ${ns}${peers ? " with peers" : ""}`).toEqual(x);
        }
        if (peers) expect([...((viaNetlink.namespaces.get(`${name}-h`) as NamespaceState).peers?.values() ?? [])].filter((n) => n.startsWith(name)).sort()).toEqual([a]);
        // Links alone (the crossing-link check's read): the same links, nothing else read.
        const linksOnly = await observe(netlink as Executor, namespaces, { peers, linksOnly: true });
        for (const ns of namespaces.slice(1)) {
          const only = linksOnly.namespaces.get(ns) as NamespaceState;
          expect(only.links).toEqual((viaIp.namespaces.get(ns) as NamespaceState).links);
          expect([only.addrs, only.routes]).toEqual([[], []]);
        }
      }
    } finally {
      await l.down({ ...opts, executor: netlink as Executor, force: true });
    }
  });
});
