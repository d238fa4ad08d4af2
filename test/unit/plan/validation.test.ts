/**
 * Bad input gets one UnderlayError("INVALID_SPEC") listing every problem with the path of the
 * field and the value received.
 */
import { describe, expect, it } from "vitest";
import { lab, net, UnderlayError, type Issue } from "../../../sdk/index.ts";

function issuesOf(f: () => unknown): Issue[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UnderlayError);
    expect((e as UnderlayError).code).toBe("INVALID_SPEC");
    return [...(e as UnderlayError).issues];
  }
  throw new Error("expected INVALID_SPEC");
}

function one(f: () => unknown, path: string | RegExp, message: RegExp): void {
  const issues = issuesOf(f);
  const hit = issues.find((i) => (typeof path === "string" ? i.path === path : path.test(i.path)) && message.test(i.message));
  expect(hit, `no issue at ${path} matching ${message}; got ${JSON.stringify(issues, null, 1)}`).toBeDefined();
}

const ok = net.macvlan("ok").parent("eth0").subnet("10.0.0.0/24");

describe("validation", () => {
  it("collects every problem in one error", () => {
    const bad = net.macvlan("bad").parent("lo").mtu(9).subnet("10.0.0.5/24");
    const issues = issuesOf(() => lab("x").endpoint("a", bad).endpoint("b b", ok).plan());
    expect(issues.map((i) => i.path)).toEqual([
      "endpoints.b b",
      "endpoints.b b.netns",
      "networks.bad.mtu",
      "networks.bad.parent",
      "networks.bad.subnets[0].cidr",
    ]);
  });

  it("suggests the network address for a subnet with host bits set", () => {
    one(() => lab("x").endpoint("a", net.macvlan("n").parent("eth0").subnet("192.168.1.5/24")).plan(), /networks\.n\.subnets/, /192\.168\.1\.0\/24/);
  });

  it("rejects an invalid CIDR naming the value", () => {
    one(() => lab("x").endpoint("a", net.macvlan("n").parent("eth0").subnet("300.1.1.0/24")).plan(), /networks\.n\.subnets/, /300\.1\.1\.0\/24/);
  });

  it("rejects a gateway, ipRange or excluded address outside its subnet", () => {
    const n = net.macvlan("n").parent("eth0").subnet("10.0.0.0/24", { gateway: "10.0.1.1", ipRange: "10.0.1.0/25", exclude: ["10.9.9.9"] });
    const issues = issuesOf(() => lab("x").endpoint("a", n).plan());
    expect(issues.some((i) => /gateway/.test(i.path) && /10\.0\.1\.1/.test(i.message))).toBe(true);
    expect(issues.some((i) => /ipRange/.test(i.path) && /10\.0\.1\.0\/25/.test(i.message))).toBe(true);
    expect(issues.some((i) => /exclude/.test(i.path) && /10\.9\.9\.9/.test(i.message))).toBe(true);
  });

  it("rejects static addresses outside every subnet, on network/broadcast/gateway/excluded, or used twice", () => {
    const n = net.macvlan("n").parent("eth0").subnet("10.0.0.0/24", { gateway: "10.0.0.1", exclude: ["10.0.0.9"] });
    for (const ip of ["10.1.0.5", "10.0.0.0", "10.0.0.255", "10.0.0.1", "10.0.0.9"]) {
      one(() => lab("x").endpoint("a", n, { ip }).plan(), /endpoints\.a/, new RegExp(ip.replace(/\./g, "\\.")));
    }
    one(() => lab("x").endpoint("a", n, { ip: "10.0.0.7" }).endpoint("b", n, { ip: "10.0.0.7" }).plan(), /endpoints\.b/, /10\.0\.0\.7/);
  });

  it("reports an exhausted pool", () => {
    const n = net.macvlan("n").parent("eth0").subnet("10.0.0.0/30");
    one(() => lab("x").endpoint("a", n).endpoint("b", n).plan(), /endpoints\.b|networks\.n/, /exhaust|no free|full/i);
  });

  it("rejects overlapping subnets between networks of a lab", () => {
    const a = net.macvlan("a").parent("eth1").subnet("10.0.0.0/16");
    const b = net.macvlan("b").parent("eth2").subnet("10.0.5.0/24");
    one(() => lab("x").endpoint("p", a).endpoint("q", b).plan(), /networks\.(a|b)/, /overlap/);
  });

  it("rejects VLAN ids outside 1–4094", () => {
    one(() => lab("x").endpoint("a", net.macvlan("n").parent("eth0.4095").subnet("10.0.0.0/24")).plan(), "networks.n.parent", /1–4094.*4095/);
    one(() => lab("x").endpoint("a", net.macvlan("n").parent("eth0.0").subnet("10.0.0.0/24")).plan(), "networks.n.parent", /1–4094/);
  });

  it("rejects names longer than 15 bytes or with other characters, and `lo` as a parent", () => {
    one(() => lab("x").endpoint("a", net.macvlan("n").parent("averyveryverylongname").subnet("10.0.0.0/24")).plan(), "networks.n.parent", /15 bytes/);
    one(() => lab("x").endpoint("a;rm", ok).plan(), "endpoints.a;rm", /A-Z/);
    one(() => lab("labname").endpoint("endpointname", ok).plan(), "endpoints.endpointname.netns", /15 bytes/);
    one(() => lab("x").endpoint("a", net.macvlan("n").parent("lo").subnet("10.0.0.0/24")).plan(), "networks.n.parent", /lo/);
  });

  it("rejects macvlan and ipvlan on one parent, and two networks on one parent", () => {
    const m = net.macvlan("m").parent("eth0").subnet("10.0.0.0/24");
    const i = net.ipvlan("i").parent("eth0").subnet("10.1.0.0/24");
    const m2 = net.macvlan("m2").parent("eth0").subnet("10.2.0.0/24");
    one(() => lab("x").endpoint("a", m).endpoint("b", i).plan(), "networks.i.parent", /device busy/);
    one(() => lab("x").endpoint("a", m).endpoint("b", m2).plan(), "networks.m2.parent", /one network per parent/);
  });

  it("rejects passthru with more than one endpoint", () => {
    const p = net.macvlan("p").parent("eth0").mode("passthru").subnet("10.0.0.0/24");
    one(() => lab("x").endpoint("a", p).endpoint("b", p).plan(), "networks.p.mode", /passthru/);
  });

  it("rejects a flag on macvlan and a macvlan mode on ipvlan", () => {
    one(() => lab("x").endpoint("a", net.macvlan("m").parent("eth0").flag("private").subnet("10.0.0.0/24")).plan(), "networks.m.flag", /ipvlan only/);
    one(() => lab("x").endpoint("a", net.ipvlan("i").parent("eth0").mode("bridge" as "l2").subnet("10.0.0.0/24")).plan(), "networks.i.mode", /macvlan mode/);
  });

  it("rejects an MTU outside 68–65535 and a malformed MAC, and a MAC on ipvlan", () => {
    one(() => lab("x").endpoint("a", ok.mtu(67)).plan(), "networks.ok.mtu", /68/);
    one(() => lab("x").endpoint("a", ok.mtu(70000)).plan(), "networks.ok.mtu", /65535/);
    one(() => lab("x").endpoint("a", ok, { mac: "02:00:00:00:00" }).plan(), "endpoints.a.ok.mac", /MAC/);
    one(() => lab("x").endpoint("a", net.ipvlan("i").parent("eth0").subnet("10.0.0.0/24"), { mac: "02:00:00:00:00:01" }).plan(), "endpoints.a.i.mac", /ipvlan/);
  });

  it("rejects attaching an endpoint to the same network twice", () => {
    one(() => lab("x").endpoint("a", ok).endpoint("a", ok).plan(), "endpoints.a.ok", /twice/);
  });

  it("says what to do in the message", () => {
    try {
      lab("x").endpoint("a", net.macvlan("n").parent("lo").subnet("10.0.0.0/24")).plan();
    } catch (e) {
      expect((e as Error).message).toMatch(/Invalid lab "x": 1 problem found — fix it and try again/);
    }
  });

  it("keeps builders immutable: refining a base network leaves it unchanged", () => {
    const base = net.macvlan("b").parent("eth0").subnet("10.0.0.0/24");
    const refined = base.mtu(1400).mode("private");
    expect(base.spec().mtu).toBeUndefined();
    expect(base.spec().macvlanMode).toBeUndefined();
    expect(refined.spec().mtu).toBe(1400);
    expect(Object.isFrozen(base.spec())).toBe(true);
  });
});
