/**
 * Preflight, pure: the plan against a live state (as `observe` returns it), before any change.
 * Every problem is reported at once with what to do next.
 */
import { describe, expect, it } from "vitest";
import { lab, net, UnderlayError } from "../../../sdk/index.ts";
import type { Capabilities } from "../../../sdk/runner/capabilities.ts";
import { converge } from "../../../sdk/runner/converge.ts";
import type { Ownership } from "../../../sdk/runner/journal.ts";
import { preflight } from "../../../sdk/runner/preflight.ts";
import type { LinkState, LiveState } from "../../../sdk/state/types.ts";
import { recordingExecutor } from "../../../sdk/index.ts";

const all: Capabilities = { tool: "iproute2-6.1.0", kinds: { macvlan: true, ipvlan: true, vlan: true, dummy: true, bridge: true, veth: true }, nameInTarget: false };
const none: Ownership = { ops: [], complete: true, planHash: null, owner: undefined };

function link(name: string, extra: Partial<LinkState> = {}): LinkState {
  return { name, kind: null, mtu: 1500, mac: "02:00:00:00:00:01", up: true, ifindex: 2, ...extra };
}

function state(links: LinkState[], addrs: { dev: string; cidr: string }[] = [], netns: string[] = ["h"]): LiveState {
  return {
    netns: new Set(netns),
    files: new Map(),
    namespaces: new Map([["h", { name: "h", exists: true, links, addrs: addrs.map((a) => ({ ...a, family: a.cidr.includes(":") ? 6 : 4, scope: "global" })), routes: [], sysctl: {} }]]),
  };
}

function problems(l: ReturnType<typeof lab>, live: LiveState, caps: Capabilities = all): string {
  const plan = l.plan().toJSON();
  const conv = converge(plan, live, none, new Set(["h"]));
  try {
    preflight(recordingExecutor(), caps, plan, live, conv, none);
  } catch (e) {
    expect(e).toBeInstanceOf(UnderlayError);
    return `${(e as UnderlayError).code}: ${(e as Error).message}`;
  }
  return "ok";
}

describe("preflight", () => {
  it("passes when the parent exists", () => {
    expect(problems(lab("p", { host: "h" }).endpoint("a", net.macvlan("n").parent("up0").subnet("10.0.0.0/24")), state([link("up0")]))).toBe("ok");
  });

  it("names a missing parent and says what to do", () => {
    expect(problems(lab("p", { host: "h" }).endpoint("a", net.macvlan("n").parent("up0").subnet("10.0.0.0/24")), state([]))).toMatch(/PREFLIGHT: .*nothing was changed[\s\S]*parent up0 does not exist in namespace h — create it, pick another with \.parent\(\), or use sandbox mode/);
  });

  it("refuses an MTU above the parent's", () => {
    expect(problems(lab("p", { host: "h" }).endpoint("a", net.macvlan("n").parent("up0").subnet("10.0.0.0/24").mtu(9000)), state([link("up0")]))).toMatch(/MTU 9000 is above the parent up0's MTU 1500/);
  });

  it("refuses an ipvlan L3 subnet overlapping the parent's own address", () => {
    const l3 = net.ipvlan("n").parent("up0").mode("l3").subnet("192.168.1.0/24");
    expect(problems(lab("p", { host: "h" }).endpoint("a", l3), state([link("up0")], [{ dev: "up0", cidr: "192.168.1.250/24" }]))).toMatch(/ipvlan l3 subnet 192\.168\.1\.0\/24 overlaps the parent up0's own address 192\.168\.1\.250\/24/);
  });

  it("refuses a macvlan parent that already carries ipvlan children", () => {
    const live = state([link("up0", { ifindex: 7 }), link("iv0", { kind: "ipvlan", parentIndex: 7, parent: "up0", ifindex: 8 })]);
    expect(problems(lab("p", { host: "h" }).endpoint("a", net.macvlan("n").parent("up0").subnet("10.0.0.0/24")), live)).toMatch(/parent up0 already carries ipvlan link iv0/);
  });

  it("refuses a link of the lab's that exists and is not its (no ownership mark)", () => {
    const n = net.macvlan("n").parent("up0").subnet("10.0.0.0/24").hostAccess({ ip: "10.0.0.250", name: "shim0" });
    expect(problems(lab("p", { host: "h" }).endpoint("a", n), state([link("up0"), link("shim0", { ifindex: 9 })]))).toMatch(/link shim0 already exists and is not this lab's/);
  });

  it("refuses a VLAN parent whose name exists as another kind or with another id", () => {
    const n = net.macvlan("n").parent("up0.50").subnet("10.0.0.0/24");
    expect(problems(lab("p", { host: "h" }).endpoint("a", n), state([link("up0"), link("up0.50", { kind: "bridge", ifindex: 3 })]))).toMatch(/up0\.50 exists but is a bridge link, not a VLAN sub-interface/);
    expect(problems(lab("p", { host: "h" }).endpoint("a", n), state([link("up0"), link("up0.50", { kind: "vlan", vlanId: 51, ifindex: 3 })]))).toMatch(/exists with VLAN id 51, not 50/);
  });

  it("names the missing kernel option when a link kind is missing", () => {
    const caps: Capabilities = { ...all, kinds: { ...all.kinds, ipvlan: false } };
    expect(problems(lab("p", { host: "h" }).endpoint("a", net.ipvlan("n").parent("up0").subnet("10.0.0.0/24")), state([link("up0")]), caps)).toMatch(/UNSUPPORTED_KERNEL: this kernel cannot create ipvlan links \(missing CONFIG_IPVLAN\)/);
  });

  it("reports several problems at once", () => {
    const a = net.macvlan("a").parent("up0").subnet("10.0.0.0/24").mtu(9000);
    const b = net.macvlan("b").parent("up1").subnet("10.1.0.0/24");
    const text = problems(lab("p", { host: "h" }).endpoint("x", a).endpoint("y", b), state([link("up0")]));
    expect(text).toMatch(/MTU 9000/);
    expect(text).toMatch(/parent up1 does not exist/);
  });
});
