import { describe, expect, it } from "vitest";
import type { Fact } from "../../../sdk/plan/types.ts";
import { diffFacts, extras } from "../../../sdk/state/diff.ts";
import { readsFor } from "../../../sdk/state/reads.ts";
import { handBatch, nsFrom, sandboxState } from "./fixtures.ts";

const state = sandboxState();

/** The plan for the captured sandbox, as a planner would write it. */
const plan: Fact[] = [
  { type: "netns", name: "fx-h" },
  { type: "netns", name: "fx-a" },
  { type: "link", netns: "fx-h", name: "p0", kind: "bridge", attrs: {} },
  { type: "link", netns: "fx-a", name: "eth0", kind: "macvlan", attrs: { mode: "bridge", parent: "p0", parentNetns: "fx-h" } },
  { type: "alias", netns: "fx-a", name: "eth0", alias: "underlay:fx" },
  { type: "addr", netns: "fx-a", dev: "eth0", cidr: "10.0.0.2/24" },
  { type: "addr", netns: "fx-a", dev: "eth0", cidr: "fd00::2/64" },
  { type: "route", netns: "fx-a", family: 4, dst: "default", dev: "eth0", via: "10.0.0.1" },
  { type: "route", netns: "fx-a", family: 4, dst: "10.9.0.0/16", dev: "eth0", via: "10.0.0.254" },
  { type: "route", netns: "fx-a", family: 6, dst: "default", dev: "eth0", via: "fd00::1" },
];

describe("diffFacts", () => {
  it("counts facts that hold", () => {
    expect(diffFacts(plan, state)).toEqual({ missing: [], different: [], ok: plan.length });
  });

  it("sorts facts into missing and different, with the reason for each difference", () => {
    const gone: Fact = { type: "addr", netns: "fx-a", dev: "eth0", cidr: "10.0.0.7/24" };
    const down: Fact = { type: "link-up", netns: "fx-h", name: "m0" };
    const d = diffFacts([...plan, gone, down, { type: "netns", name: "fx-zz" }], state);
    expect(d.ok).toBe(plan.length);
    expect(d.missing).toEqual([gone, { type: "netns", name: "fx-zz" }]);
    expect(d.different).toEqual([{ fact: down, reason: "link m0 in namespace fx-h is down, plan says up" }]);
  });
});

describe("extras", () => {
  it("finds marked links the plan does not list, in any observed namespace", () => {
    expect(extras(state, plan, { mark: "underlay:fx", namespaces: ["fx-a"] })).toEqual([
      { type: "link", netns: "fx-h", name: "m0", kind: "macvlan", why: "mark" },
    ]);
  });

  it("ignores what the kernel makes: lo, loopback and link-local addresses, proto kernel routes", () => {
    const bare = extras(state, [], { mark: "underlay:none", namespaces: ["fx-a", "fx-b"] });
    expect(bare).toEqual([
      { type: "link", netns: "fx-a", name: "eth0", kind: "macvlan", why: "namespace" },
      { type: "addr", netns: "fx-a", dev: "eth0", cidr: "10.0.0.2/24" },
      { type: "addr", netns: "fx-a", dev: "eth0", cidr: "fd00::2/64" },
      { type: "route", netns: "fx-a", family: 4, dst: "default", dev: "eth0", via: "10.0.0.1" },
      { type: "route", netns: "fx-a", family: 4, dst: "10.9.0.0/16", dev: "eth0", via: "10.0.0.254" },
      { type: "route", netns: "fx-a", family: 6, dst: "default", dev: "eth0", via: "fd00::1" },
    ]);
  });

  it("finds an address and a route in an owned namespace that the plan does not list", () => {
    const withExtra = sandboxState([
      nsFrom(
        "fx-e",
        handBatch(
          [{ ifindex: 2, ifname: "eth0", flags: ["UP"], mtu: 1500, address: "02:00:00:00:00:09", ifalias: "underlay:fx" }],
          [{ ifname: "eth0", addr_info: [{ family: "inet", local: "10.0.0.9", prefixlen: 24, scope: "global" }, { family: "inet", local: "10.0.0.99", prefixlen: 24, scope: "global" }] }],
          [{ dst: "10.0.0.0/24", dev: "eth0", protocol: "kernel", scope: "link" }, { dst: "10.8.0.0/16", gateway: "10.0.0.1", dev: "eth0", protocol: "boot" }],
        ),
      ),
    ]);
    const expected: Fact[] = [
      { type: "link", netns: "fx-e", name: "eth0", kind: "macvlan", attrs: {} },
      { type: "addr", netns: "fx-e", dev: "eth0", cidr: "10.0.0.9/24" },
    ];
    expect(extras(withExtra, expected, { mark: "underlay:fx", namespaces: ["fx-e"] })).toEqual([
      { type: "link", netns: "fx-h", name: "m0", kind: "macvlan", why: "mark" },
      { type: "link", netns: "fx-a", name: "eth0", kind: "macvlan", why: "mark" }, // the plan here does not list fx-a
      { type: "addr", netns: "fx-e", dev: "eth0", cidr: "10.0.0.99/24" },
      { type: "route", netns: "fx-e", family: 4, dst: "10.8.0.0/16", dev: "eth0", via: "10.0.0.1" },
    ]);
  });

  it("compares expected addresses and routes canonically", () => {
    const spelled: Fact[] = [
      ...plan.filter((f) => f.type !== "addr" && f.type !== "route"),
      { type: "addr", netns: "fx-a", dev: "eth0", cidr: "10.0.0.2/24" },
      { type: "addr", netns: "fx-a", dev: "eth0", cidr: "FD00:0::2/64" },
      { type: "route", netns: "fx-a", family: 4, dst: "0.0.0.0/0", dev: "eth0", via: "10.0.0.1" },
      { type: "route", netns: "fx-a", family: 4, dst: "10.9.1.1/16", dev: "eth0", via: "10.0.0.254" },
      { type: "route", netns: "fx-a", family: 6, dst: "::/0", dev: "eth0", via: "FD00::1" },
    ];
    expect(extras(state, spelled, { mark: "underlay:fx", namespaces: ["fx-a"] }).filter((x) => x.type !== "link")).toEqual([]);
  });
});

describe("readsFor", () => {
  it("lists namespaces, sysctl keys per namespace and files, for observe()", () => {
    const r = readsFor([
      { type: "netns", name: "fx-a" },
      { type: "link", netns: "fx-a", name: "eth0", kind: "macvlan", attrs: { parentNetns: "" } },
      { type: "link", netns: null, name: "p0", kind: "bridge", attrs: {} },
      { type: "sysctl", netns: "fx-b", key: "net.ipv6.conf.all.accept_ra", value: "0" },
      { type: "sysctl", netns: "fx-b", key: "net.ipv6.conf.all.accept_ra", value: "0" },
      { type: "sysctl", netns: "fx-b", key: "net.ipv6.conf.default.accept_ra", value: "0" },
      { type: "files", paths: ["/etc/netns/fx-a/hosts", "/etc/netns/fx-b/hosts"], content: "" },
    ]);
    expect(r.namespaces).toEqual(["fx-a", null, "fx-b"]);
    expect([...r.sysctl]).toEqual([["fx-b", ["net.ipv6.conf.all.accept_ra", "net.ipv6.conf.default.accept_ra"]]]);
    expect(r.files).toEqual(["/etc/netns/fx-a/hosts", "/etc/netns/fx-b/hosts"]);
  });
});
