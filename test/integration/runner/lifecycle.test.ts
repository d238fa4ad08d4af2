/**
 * The runner's lifecycle on the real kernel, in sandboxes: idempotent re-apply, changed
 * definitions applied as a difference, the per-lab lock, labs side by side, try mode with a
 * dead-man timer, abort, drift detection, macvlan modes and host access.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lab, net, UnderlayError, type MacvlanMode } from "../../../sdk/index.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const prefix = uniqueName("ul");
const stateDir = mkdtempSync(join(tmpdir(), "underlay-life-"));
const opts = { stateDir, handleSignals: false } as const;
let n = 0;
const fresh = (): string => `${prefix}${(n++).toString(36)}`;

afterAll(() => {
  const left = removeNetnsWithPrefix(prefix);
  rmSync(stateDir, { recursive: true, force: true });
  expect(left, "namespaces left behind").toEqual([]);
});

const pub = net.macvlan("pub").parent("eth0").subnet("10.80.0.0/24");
function sandbox(name: string) {
  return lab(name, { host: `${name}-h`, sandbox: true });
}
function ns(name: string, cmd: string[]): string {
  return execFileSync("nsenter", [`--net=/run/netns/${name}`, "--", ...cmd], { encoding: "utf8" });
}

describe.runIf(requireRoot("runner lifecycle"))("runner lifecycle on the real kernel", () => {
  it("up twice: the second is a no-op reported as 0 changes; down twice: the second is a no-op", async () => {
    const name = fresh();
    const l = sandbox(name).endpoint("a", pub).endpoint("b", pub);
    const first = await l.up(opts);
    expect(first.changed).toBe(first.plan.ops.length);
    const second = await l.up(opts);
    expect(second.changed).toBe(0);
    const deep = await l.up({ ...opts, deep: true });
    expect(deep.changed).toBe(0);
    expect((await l.verify(opts)).clean).toBe(true);
    // Every step lives in a namespace the lab owns: deleting those three removes all of them.
    expect((await l.down(opts)).removed).toBe(first.plan.ops.length);
    expect((await l.down(opts)).removed).toBe(0);
    expect(netnsWithPrefix(name)).toEqual([]);
  });

  it("applies only the difference when the definition changes (added, removed, re-addressed endpoints)", async () => {
    const name = fresh();
    const v1 = sandbox(name).endpoint("a", pub, { ip: "10.80.0.10" }).endpoint("b", pub);
    const first = await v1.up(opts);
    try {
      const v2 = sandbox(name).endpoint("a", pub, { ip: "10.80.0.11" }).endpoint("c", pub);
      const events: string[] = [];
      const r = await v2.up({ ...opts, onEvent: (e) => { if (e.type === "op-done" || e.type === "op-undone") events.push(`${e.type} ${e.id}`); } });
      expect(events).toContain(`op-undone netns:${name}-b`);
      expect(events).toContain(`op-undone addr:${name}-a:eth0:10.80.0.10/24`);
      expect(events).toContain(`op-done addr:${name}-a:eth0:10.80.0.11/24`);
      expect(events).toContain(`op-done netns:${name}-c`);
      expect(events.some((e) => e.includes(`netns:${name}-a`))).toBe(false);
      const done = events.filter((e) => e.startsWith("op-done")).length;
      expect(done).toBeLessThan(v2.plan().ops.length);
      // What changed is exactly what ran plus every step of v1 that v2 no longer has (b's, a's old address, the old hosts files).
      const kept = new Set(r.plan.ops.map((o) => o.id));
      expect(r.changed).toBe(done + first.plan.ops.filter((o) => !kept.has(o.id)).length);
      expect(netnsWithPrefix(name).sort()).toEqual([`${name}-a`, `${name}-c`, `${name}-h`].sort());
      expect(ns(`${name}-a`, ["ip", "-br", "addr", "show", "dev", "eth0"])).toContain("10.80.0.11/24");
      expect((await v2.verify(opts)).clean).toBe(true);
      expect((await v2.up(opts)).changed).toBe(0);
      expect(existsSync(`/etc/netns/${name}-b`), "hosts file of the removed endpoint").toBe(false);
      expect(existsSync(`/etc/netns/${name}-c/hosts`)).toBe(true);
      await v2.down(opts);
      expect(existsSync(`/etc/netns/${name}-a`)).toBe(false);
    } finally {
      await v1.down(opts).catch(() => undefined);
    }
    expect(netnsWithPrefix(name)).toEqual([]);
  });

  it("replaces an endpoint whose link differs from the plan (mode changed)", async () => {
    const name = fresh();
    await sandbox(name).endpoint("a", pub).up(opts);
    const changed = sandbox(name).endpoint("a", pub.mode("private"));
    try {
      const r = await changed.up(opts);
      // The namespace is the unit of change: a is deleted (1) and every step of a runs again.
      const inA = r.plan.ops.filter((o) => o.scope === `${name}-a` || (o.kind === "netns-add" && o.name === `${name}-a`));
      expect(r.changed).toBe(1 + inA.length);
      expect(ns(`${name}-a`, ["ip", "-d", "link", "show", "eth0"])).toContain("macvlan mode private");
      expect((await changed.verify(opts)).clean).toBe(true);
    } finally {
      await changed.down(opts);
    }
    expect(netnsWithPrefix(name)).toEqual([]);
  });

  it("never interleaves two up of the same lab (lock), and runs two labs side by side", async () => {
    const a = fresh();
    const b = fresh();
    const la = sandbox(a).endpoint("x", pub).endpoint("y", pub);
    const lb = sandbox(b).endpoint("x", pub).endpoint("y", pub);
    const [r1, r2, r3] = await Promise.all([la.up(opts), la.up(opts), lb.up(opts)]);
    expect([r1.changed, r2.changed].sort((p, q) => p - q)[0]).toBe(0);
    expect(Math.max(r1.changed, r2.changed)).toBe(la.plan().ops.length);
    expect(r3.changed).toBe(lb.plan().ops.length);
    expect((await la.verify(opts)).clean).toBe(true);
    expect((await lb.verify(opts)).clean).toBe(true);
    await Promise.all([la.down(opts), lb.down(opts)]);
    expect([...netnsWithPrefix(a), ...netnsWithPrefix(b)]).toEqual([]);
  });

  it("try mode: rolls back by itself unless confirmed in time", async () => {
    const name = fresh();
    const l = sandbox(name).endpoint("a", pub);
    const r = await l.up({ ...opts, confirmWithin: "300ms" });
    expect(netnsWithPrefix(name).length).toBe(2);
    expect(await r.settled).toBe(true);
    expect(netnsWithPrefix(name)).toEqual([]);
    const kept = await l.up({ ...opts, confirmWithin: 300 });
    kept.confirm();
    expect(await kept.settled).toBe(false);
    await new Promise((res) => setTimeout(res, 400));
    expect(netnsWithPrefix(name).length).toBe(2);
    await l.down(opts);
  });

  it("an aborted signal rolls back what was done", async () => {
    const name = fresh();
    const controller = new AbortController();
    const l = sandbox(name).endpoint("a", pub).endpoint("b", pub);
    const err = await l
      .up({ ...opts, signal: controller.signal, onEvent: (e) => { if (e.type === "op-done" && e.id.startsWith("link:")) controller.abort(); } })
      .then(() => null, (e: unknown) => e);
    expect((err as UnderlayError).code).toBe("ABORTED");
    expect((err as UnderlayError).rolledBack).toBe(true);
    expect(netnsWithPrefix(name)).toEqual([]);
  });

  it("verify reports drift by name — missing, different, extra — and up --deep converges it back exactly", async () => {
    const name = fresh();
    const l = sandbox(name).endpoint("a", pub, { ip: "10.80.0.20" });
    await l.up(opts);
    try {
      // By hand: the planned address goes, an address, a route and a link come that the plan does not have.
      ns(`${name}-a`, ["ip", "addr", "del", "10.80.0.20/24", "dev", "eth0"]);
      ns(`${name}-a`, ["ip", "addr", "add", "10.80.0.99/24", "dev", "eth0"]);
      ns(`${name}-a`, ["ip", "route", "add", "192.0.2.0/24", "via", "10.80.0.1", "dev", "eth0"]);
      ns(`${name}-a`, ["ip", "link", "add", "hand0", "type", "bridge"]);
      const err = await l.verify(opts).then(() => null, (e: unknown) => e);
      expect((err as UnderlayError).code).toBe("DRIFT");
      const report = await l.verify({ ...opts, throwOnDrift: false });
      expect(report.clean).toBe(false);
      expect(report.missing.map((m) => m.id)).toEqual([`addr:${name}-a:eth0:10.80.0.20/24`, `route:${name}-a:eth0:4:default`]);
      expect(report.different).toEqual([]);
      expect(report.extra.map((x) => x.summary).sort()).toEqual([`address 10.80.0.99/24 on eth0 in ${name}-a`, `link hand0 in ${name}-a`, `route 192.0.2.0/24 dev eth0 in ${name}-a`].sort());
      const r = await l.up({ ...opts, deep: true });
      // 2 missing steps again, 3 extras removed.
      expect(r.changed).toBe(5);
      expect(await l.verify({ ...opts, throwOnDrift: false })).toMatchObject({ clean: true, missing: [], different: [], extra: [] });
      expect(ns(`${name}-a`, ["ip", "-br", "link"])).not.toContain("hand0");
    } finally {
      await l.down(opts);
    }
  });

  it("await using tears the lab down at scope exit", async () => {
    const name = fresh();
    {
      await using up = await sandbox(name).endpoint("a", pub).up(opts);
      expect(up.changed).toBe(up.plan.ops.length);
      expect(netnsWithPrefix(name).length).toBe(2);
    }
    expect(netnsWithPrefix(name)).toEqual([]);
  });

  const modes: [MacvlanMode, boolean][] = [["bridge", true], ["private", false], ["vepa", false]];
  for (const [mode, reach] of modes) {
    it(`macvlan ${mode}: endpoints ${reach ? "reach" : "do not reach"} each other, as check expects`, async () => {
      const name = fresh();
      const l = sandbox(name).endpoint("a", pub.mode(mode)).endpoint("b", pub.mode(mode));
      await l.up(opts);
      try {
        expect(ns(`${name}-a`, ["ip", "-d", "link", "show", "eth0"])).toContain(`macvlan mode ${mode}`);
        const c = await l.check(opts);
        expect(c.ok, c.table).toBe(true);
        expect(c.probes.every((p) => p.seen === reach)).toBe(true);
      } finally {
        await l.down(opts);
      }
    });
  }

  it("macvlan passthru: one endpoint takes the parent", async () => {
    const name = fresh();
    const l = sandbox(name).endpoint("a", pub.mode("passthru"));
    await l.up(opts);
    try {
      expect(ns(`${name}-a`, ["ip", "-d", "link", "show", "eth0"])).toContain("macvlan mode passthru");
      expect((await l.verify(opts)).clean).toBe(true);
    } finally {
      await l.down(opts);
    }
  });

  it("host access: the host namespace reaches its own macvlan children through the shim, and down removes the shim", async () => {
    const name = fresh();
    const l = sandbox(name).endpoint("a", pub.hostAccess({ ip: "10.80.0.250", name: "shim0" }), { ip: "10.80.0.30" });
    await l.up(opts);
    try {
      expect(ns(`${name}-h`, ["ping", "-c", "1", "-W", "1", "10.80.0.30"])).toContain("1 received");
    } finally {
      await l.down(opts);
    }
    expect(netnsWithPrefix(name)).toEqual([]);
  });

  it("a non-sandbox lab never deletes the existing parent or host namespace it found", async () => {
    const name = fresh();
    const host = `${name}-h`;
    execFileSync("ip", ["netns", "add", host]);
    try {
      ns(host, ["ip", "link", "add", "up0", "type", "bridge"]);
      const l = lab(name, { host }).endpoint("a", net.macvlan("n").parent("up0").subnet("10.81.0.0/24"));
      await l.up(opts);
      await l.down(opts);
      expect(ns(host, ["ip", "-br", "link", "show", "up0"])).toContain("up0");
      expect(netnsWithPrefix(name)).toEqual([host]);
    } finally {
      execFileSync("ip", ["netns", "del", host]);
    }
  });
});
