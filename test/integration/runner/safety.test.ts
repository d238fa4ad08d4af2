/**
 * What underlay refuses to touch, on the real kernel: a route in a host namespace that someone
 * else made (preflight refuses instead of replacing it and deleting it on down), a veth whose
 * other end is outside the lab (down refuses unless forced; up never removes it as an extra); and
 * a step the kernel refuses for a reason iproute2 does not attribute to a line — the runner names
 * that step, not the first of its batch, and rolls everything back.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lab, net, Plan, up, type Op, type Plannable } from "../../../sdk/index.ts";
import { rejection } from "../../support/errors.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const prefix = uniqueName("us");
const stateDir = mkdtempSync(join(tmpdir(), "underlay-safety-"));
const opts = { stateDir, handleSignals: false } as const;
const ip = (...args: string[]): string => execFileSync("ip", args, { encoding: "utf8" });

afterAll(() => {
  const left = removeNetnsWithPrefix(prefix);
  rmSync(stateDir, { recursive: true, force: true });
  expect(left, "residue").toEqual([]);
});

describe.runIf(requireRoot("safety"))("never change or delete what another owner made", () => {
  it("refuses to replace a route someone made in the host namespace, and leaves it as it was", async () => {
    const host = `${prefix}r-h`;
    ip("netns", "add", host);
    try {
      ip("-n", host, "link", "add", "p0", "type", "bridge");
      ip("-n", host, "link", "set", "p0", "up");
      ip("-n", host, "route", "add", "10.81.0.10/32", "dev", "p0");
      const n = net.macvlan("pub").parent("p0").subnet("10.81.0.0/24").hostAccess({ ip: "10.81.0.250" });
      const l = lab(`${prefix}r`, { host }).endpoint("a", n, { ip: "10.81.0.10" });
      const err = await rejection(l.up(opts));
      expect(err.code).toBe("PREFLIGHT");
      expect(err.message).toContain("a route to 10.81.0.10/32 already exists in namespace");
      expect(err.message).toContain("is not this lab's — underlay would replace it and delete it on down");
      expect(ip("-n", host, "route", "show", "10.81.0.10/32")).toContain("dev p0");
      expect(netnsWithPrefix(`${prefix}r`)).toEqual([host]);
      // Without that route the same lab comes up, and down removes its own route only.
      ip("-n", host, "route", "del", "10.81.0.10/32", "dev", "p0");
      await l.up(opts);
      expect(ip("-n", host, "route", "show", "10.81.0.10/32")).toMatch(/dev ulh/);
      await l.down(opts);
      expect(ip("-n", host, "route", "show", "10.81.0.10/32")).toBe("");
      expect(ip("-n", host, "-o", "link", "show")).toContain("p0");
    } finally {
      ip("netns", "del", host);
    }
  });

  it("refuses to tear down a lab whose endpoint holds one end of a veth that leaves the lab; force destroys both ends", async () => {
    const outside = `${prefix}v-o`;
    ip("netns", "add", outside);
    try {
      ip("-n", outside, "link", "add", "p0", "type", "bridge");
      const l = lab(`${prefix}v`, { host: outside }).endpoint("a", net.macvlan("pub").parent("p0").subnet("10.82.0.0/24"));
      await l.up(opts);
      ip("-n", outside, "link", "add", "vx0", "type", "veth", "peer", "name", "vx1", "netns", `${prefix}v-a`);
      const err = await rejection(l.down(opts));
      expect(err.code).toBe("PREFLIGHT");
      expect(err.message).toContain(`veth vx0 in namespace ${outside}: its other end is in ${prefix}v-a`);
      expect(netnsWithPrefix(`${prefix}v-a`)).toEqual([`${prefix}v-a`]);
      // up never removes it as an extra either: it names it and changes nothing.
      const deep = await rejection(l.up({ ...opts, deep: true }));
      expect(deep.code).toBe("PREFLIGHT");
      expect(deep.message).toContain(`veth vx1 in ${prefix}v-a is not in the plan, and its other end lives outside the lab`);
      await l.down({ ...opts, force: true });
      // The kernel destroys a deleted namespace's links asynchronously, a moment after the deletion returns.
      for (let i = 0; i < 100 && ip("-n", outside, "-o", "link", "show").includes("vx0"); i++) await new Promise((r) => setTimeout(r, 20));
      expect(ip("-n", outside, "-o", "link", "show")).not.toContain("vx0");
      expect(netnsWithPrefix(`${prefix}v-a`)).toEqual([]);
    } finally {
      ip("netns", "del", outside);
    }
  });
});

describe.runIf(requireRoot("failure attribution"))("a failed step is named, whatever iproute2 prints", () => {
  it("names the address step the kernel's tool could not parse (not the batch's first line) and rolls back everything", async () => {
    const name = `${prefix}f`;
    const real = lab(name, { host: `${name}-h`, sandbox: true }).endpoint("a", net.macvlan("pub").parent("eth0").subnet("10.83.0.0/24"));
    // A plan that validation would never produce: an impossible address, as a bug or a hand-edited plan file could carry.
    const broken = (options?: Parameters<Plannable["plan"]>[0]): Plan => {
      const data = real.plan(options).toJSON();
      const ops = data.ops.map((o): Op => (o.kind === "addr-add" ? { ...o, cidr: "10.83.0.999/24" } : o));
      return new Plan({ ...data, ops });
    };
    const plannable: Plannable = { name, spec: () => real.spec(), plan: broken };
    const failure = await rejection(up(plannable, opts));
    expect(failure.code).toBe("STEP_FAILED");
    expect(failure.step?.kind).toBe("addr-add");
    expect(failure.step?.id).toBe(`addr:${name}-a:eth0:10.83.0.2/24`);
    expect(failure.message).toContain("10.83.0.999/24");
    expect(failure.rolledBack).toBe(true);
    expect(netnsWithPrefix(name)).toEqual([]);
  });
});
