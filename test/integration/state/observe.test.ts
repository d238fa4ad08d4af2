/**
 * The state module on a real kernel. The test builds its own sandbox by hand:
 *
 *   <p>-h  host namespace: bridge p0 (the parent), macvlan shim m0 on p0 carrying the lab mark
 *   <p>-a  endpoint: macvlan eth0 on p0 (created in place from <p>-h), 10.0.0.2/24 + fd00::2/64,
 *          default via 10.0.0.1, -6 default via fd00::1, alias underlay:<p>
 *   <p>-b  endpoint: macvlan eth0 on p0, 10.0.0.3/24, alias underlay:<p>
 *
 * and checks that observe() reads it back with one process per namespace, that the facts of a
 * plan for it hold, that a deleted address is explained as missing, that extras() finds an
 * address the plan does not list, and that a dump of the test's namespaces is the same before
 * the sandbox was built and after it was removed.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localExecutor } from "../../../sdk/executor/local.ts";
import { iproute2Executor } from "../../../sdk/executor/iproute2/executor.ts";
import type { Command, Executor } from "../../../sdk/executor/types.ts";
import type { Fact } from "../../../sdk/plan/types.ts";
import { diffFacts, extras } from "../../../sdk/state/diff.ts";
import { compareDumps, dump, type StateDump } from "../../../sdk/state/dump.ts";
import { explain, holds } from "../../../sdk/state/facts.ts";
import { observe } from "../../../sdk/state/observe.ts";
import { readsFor } from "../../../sdk/state/reads.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

describe.runIf(requireRoot("state read-back on a real kernel"))("state read-back on a real kernel", () => {
  const prefix = uniqueName("us");
  const host = `${prefix}-h`;
  const a = `${prefix}-a`;
  const b = `${prefix}-b`;
  const mark = `underlay:${prefix}`;
  const local = localExecutor();
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const hostsFile = join(dir, "hosts");
  let before: StateDump;

  /** Runs `argv` inside namespace `ns` (or here, for `null`). */
  function run(ns: string | null, ...argv: string[]): void {
    execFileSync(ns === null ? (argv[0] as string) : "nsenter", ns === null ? argv.slice(1) : [`--net=/run/netns/${ns}`, "--", ...argv]);
  }

  /** The plan's facts for the sandbox, as a planner would write them. */
  const facts: Fact[] = [
    { type: "netns", name: host },
    { type: "netns", name: a },
    { type: "netns", name: b },
    { type: "link", netns: host, name: "p0", kind: "bridge", attrs: {} },
    { type: "link-up", netns: host, name: "p0" },
    { type: "link", netns: a, name: "eth0", kind: "macvlan", attrs: { mode: "bridge", parent: "p0", parentNetns: host, mtu: 1500 } },
    { type: "alias", netns: a, name: "eth0", alias: mark },
    { type: "link-up", netns: a, name: "eth0" },
    { type: "addr", netns: a, dev: "eth0", cidr: "10.0.0.2/24" },
    { type: "addr", netns: a, dev: "eth0", cidr: "FD00:0:0::0002/64" },
    { type: "route", netns: a, family: 4, dst: "default", dev: "eth0", via: "10.0.0.1" },
    { type: "route", netns: a, family: 6, dst: "::/0", dev: "eth0", via: "fd00::1" },
    { type: "sysctl", netns: a, key: "net.ipv6.conf.default.accept_ra", value: "0" },
    { type: "link", netns: b, name: "eth0", kind: "macvlan", attrs: { mode: "bridge", parent: "p0" } },
    { type: "alias", netns: b, name: "eth0", alias: mark },
    { type: "addr", netns: b, dev: "eth0", cidr: "10.0.0.3/24" },
    { type: "files", paths: [hostsFile], content: "10.0.0.2 a\n10.0.0.3 b\n" },
  ];

  beforeAll(async () => {
    before = await dump(local, { prefix, includeCaller: false });
    for (const ns of [host, a, b]) run(null, "ip", "netns", "add", ns);
    run(host, "ip", "link", "add", "p0", "type", "bridge");
    run(host, "ip", "link", "set", "p0", "up");
    run(host, "ip", "link", "add", "m0", "link", "p0", "type", "macvlan", "mode", "bridge");
    run(host, "ip", "link", "set", "m0", "alias", mark);
    for (const ep of [a, b]) {
      run(host, "ip", "link", "add", "eth0", "netns", ep, "link", "p0", "type", "macvlan", "mode", "bridge");
      run(ep, "ip", "link", "set", "eth0", "alias", mark);
    }
    run(a, "sysctl", "-q", "-w", "net.ipv6.conf.default.accept_ra=0");
    run(a, "ip", "addr", "add", "10.0.0.2/24", "dev", "eth0");
    run(a, "ip", "addr", "add", "fd00::2/64", "dev", "eth0", "nodad");
    run(a, "ip", "link", "set", "eth0", "up");
    run(a, "ip", "route", "add", "default", "via", "10.0.0.1", "dev", "eth0");
    run(a, "ip", "-6", "route", "add", "default", "via", "fd00::1", "dev", "eth0");
    run(b, "ip", "addr", "add", "10.0.0.3/24", "dev", "eth0");
    run(b, "ip", "link", "set", "eth0", "up");
    writeFileSync(hostsFile, "10.0.0.2 a\n10.0.0.3 b\n");
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    const left = removeNetnsWithPrefix(prefix);
    expect(left, "namespaces left behind by a failed test").toEqual([]);
  });

  it("reads every namespace with one process each, two at a time", async () => {
    const commands: Command[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const counting = iproute2Executor({
      name: "counting",
      async run(command) {
        commands.push(command);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        try {
          return await local.run(command);
        } finally {
          inFlight--;
        }
      },
    });
    const state = await observe(counting, [host, a, b, `${prefix}-gone`]);
    expect(commands.map((c) => `${c.netns ?? "-"} ${c.argv.join(" ")}`)).toEqual([
      "- ip -json netns list",
      `${host} ip -json -details -batch -`,
      `${a} ip -json -details -batch -`,
      `${b} ip -json -details -batch -`,
    ]);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect([...state.netns].filter((n) => n.startsWith(prefix)).sort()).toEqual([a, b, host]);
    expect(state.namespaces.get(`${prefix}-gone`)?.exists).toBe(false);

    const p0 = state.namespaces.get(host)?.links.find((l) => l.name === "p0");
    expect(p0).toMatchObject({ kind: "bridge", up: true });
    const m0 = state.namespaces.get(host)?.links.find((l) => l.name === "m0");
    expect(m0).toMatchObject({ kind: "macvlan", mode: "bridge", parent: "p0", parentIndex: p0?.ifindex, alias: mark });

    const ns = state.namespaces.get(a);
    const eth0 = ns?.links.find((l) => l.name === "eth0");
    expect(eth0).toMatchObject({ kind: "macvlan", mode: "bridge", up: true, alias: mark, mtu: 1500, parentIndex: p0?.ifindex });
    expect(eth0?.parent).toBeUndefined(); // p0 lives in another namespace
    expect(eth0?.parentNetnsId).toBeTypeOf("number");
    expect(eth0?.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(ns?.addrs.filter((x) => x.dev === "eth0" && x.scope === "global").map((x) => x.cidr)).toEqual(["10.0.0.2/24", "fd00::2/64"]);
    expect(ns?.routes.filter((r) => r.dst === "default")).toEqual([
      { family: 4, dst: "default", dev: "eth0", via: "10.0.0.1", scope: "global", proto: "boot" },
      { family: 6, dst: "default", dev: "eth0", via: "fd00::1", scope: "global", proto: "boot", metric: 1024 },
    ]);
    expect(ns?.routes).toContainEqual({ family: 4, dst: "10.0.0.0/24", dev: "eth0", scope: "link", proto: "kernel" });

    // The local executor's runMany fan-out (used when there are more namespaces than lanes) reads the same.
    const fanned = await observe(local, [host, a, b, `${prefix}-gone`]);
    const settled = (s: typeof state, n: string): unknown => {
      const x = s.namespaces.get(n);
      return { exists: x?.exists, links: x?.links, routes: x?.routes, addrs: x?.addrs.filter((y) => y.scope !== "link") };
    };
    for (const n of [host, a, b, `${prefix}-gone`]) expect(settled(fanned, n)).toEqual(settled(state, n));
  });

  it("finds every fact of the plan in place", async () => {
    const r = readsFor(facts);
    const state = await observe(local, r.namespaces, { sysctl: r.sysctl, files: r.files });
    const diff = diffFacts(facts, state);
    expect(diff.different.map((d) => d.reason)).toEqual([]);
    expect(diff.missing.map((f) => explain(f, state))).toEqual([]);
    expect(diff.ok).toBe(facts.length);
    expect(extras(state, facts, { mark, namespaces: [a, b] })).toEqual([
      { type: "link", netns: host, name: "m0", kind: "macvlan", why: "mark" },
    ]);
  });

  it("says an address that was deleted is missing, and a changed MTU differs", async () => {
    run(a, "ip", "addr", "del", "10.0.0.2/24", "dev", "eth0");
    run(a, "ip", "link", "set", "eth0", "mtu", "1400");
    try {
      const state = await observe(local, [host, a]);
      const addr: Fact = { type: "addr", netns: a, dev: "eth0", cidr: "10.0.0.2/24" };
      expect(holds(addr, state)).toBe(false);
      expect(explain(addr, state)).toBe(`missing: address 10.0.0.2/24 on eth0 in namespace ${a}`);
      const link = facts[5] as Fact;
      expect(explain(link, state)).toBe(`link eth0 in namespace ${a}: mtu is 1400, plan says 1500`);
      // The default route went with the connected prefix; explain says so.
      expect(explain(facts[10] as Fact, state)).toBe(`missing: IPv4 route default via 10.0.0.1 dev eth0 in namespace ${a}`);
    } finally {
      run(a, "ip", "link", "set", "eth0", "mtu", "1500");
      run(a, "ip", "addr", "add", "10.0.0.2/24", "dev", "eth0");
      run(a, "ip", "route", "add", "default", "via", "10.0.0.1", "dev", "eth0");
    }
  });

  it("lists an address the plan does not have as extra", async () => {
    run(b, "ip", "addr", "add", "10.0.0.99/24", "dev", "eth0");
    try {
      const state = await observe(local, [host, a, b]);
      const found = extras(state, facts, { mark, namespaces: [a, b] });
      expect(found).toContainEqual({ type: "addr", netns: b, dev: "eth0", cidr: "10.0.0.99/24" });
      expect(found.filter((x) => x.type !== "link")).toEqual([{ type: "addr", netns: b, dev: "eth0", cidr: "10.0.0.99/24" }]);
    } finally {
      run(b, "ip", "addr", "del", "10.0.0.99/24", "dev", "eth0");
    }
  });

  it("dumps the same sandbox twice as equal, and names a change", async () => {
    const first = await dump(local, { prefix, includeCaller: false });
    expect(first.netns).toEqual([a, b, host]);
    await new Promise((r) => setTimeout(r, 1100)); // let bridge timers and lifetimes tick
    const second = await dump(local, { prefix, includeCaller: false });
    expect(compareDumps(first, second)).toEqual({ equal: true, differences: [] });
    run(b, "ip", "link", "set", "eth0", "mtu", "1400");
    try {
      const changed = await dump(local, { prefix, includeCaller: false });
      expect(compareDumps(first, changed).differences).toEqual([`namespace ${b}: link eth0: mtu 1500 → 1400`]);
    } finally {
      run(b, "ip", "link", "set", "eth0", "mtu", "1500");
    }
  });

  it("dumps the test's namespaces the same before the sandbox and after its removal", async () => {
    for (const ns of [a, b, host]) run(null, "ip", "netns", "del", ns);
    expect(netnsWithPrefix(prefix)).toEqual([]);
    const after = await dump(local, { prefix, includeCaller: false });
    expect(compareDumps(before, after)).toEqual({ equal: true, differences: [] });
    expect(after).toEqual({ netns: [], namespaces: [] });
  });
});
