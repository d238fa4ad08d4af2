/**
 * The conformance judge (pure): equal facts agree, any differing fact is named, an explained
 * difference is set apart, and an expected failure needs the right reason on both sides.
 */
import { describe, expect, it } from "vitest";
import { compare, renderTable, type SideResult } from "../../../tasks/conformance/compare.ts";
import type { InterfaceFacts } from "../../../tasks/conformance/facts.ts";
import { SCENARIOS, type Scenario } from "../../../tasks/conformance/scenarios.ts";

const f: InterfaceFacts = { kind: "macvlan", mode: "bridge", mtu: 1500, mac: "02:42:ac:10:56:0a", addresses: ["172.16.86.10/24"], default4: "via 172.16.86.1", default6: "none", routes: ["172.16.86.0/24"] };
const side = (facts: InterfaceFacts[], failures: { where: string; message: string }[] = []): SideResult => ({ facts, failures });
const bridge = SCENARIOS.find((s) => s.id === "bridge") as Scenario;

describe("compare", () => {
  it("equal facts agree; each differing fact is named with both values", () => {
    expect(compare(bridge, side([f]), side([f])).differences).toEqual([]);
    const o = compare(bridge, side([f, f]), side([f, { ...f, mac: "02:00:00:00:00:01", default4: "none" }]));
    expect(o.differences).toEqual(["container 2 default4: Docker via 172.16.86.1 — underlay none", "container 2 mac: Docker 02:42:ac:10:56:0a — underlay 02:00:00:00:00:01"]);
    expect(compare(bridge, side([f, f]), side([f])).differences).toEqual(["containers: Docker started 2, underlay 1"]);
  });

  it("a difference the scenario explains is set apart, and only that one", () => {
    const s: Scenario = { ...bridge, explained: [{ match: /mac:/, why: "MACs differ by design" }] };
    const o = compare(s, side([f]), side([{ ...f, mac: "02:00:00:00:00:01" }]));
    expect([o.differences, o.explained]).toEqual([[], ["MACs differ by design"]]);
    expect(compare(s, side([f]), side([{ ...f, mtu: 1400 }])).differences).toEqual(["container 1 mtu: Docker 1500 — underlay 1400"]);
    expect(renderTable("t", [o])).toContain("≈ explained: MACs differ by design");
  });

  it("an expected failure agrees only when both sides fail for the stated reason", () => {
    const s = SCENARIOS.find((x) => x.id === "exhausted-pool") as Scenario;
    const docker = side([f], [{ where: "line 3", message: "Error response from daemon: no available IPv4 addresses on this network's address pools: tiny (…)" }]);
    expect(compare(s, docker, side([], [{ where: "line 1", message: 'pool exhausted: no free IPv4 address left for endpoint "c2"' }])).differences).toEqual([]);
    expect(compare(s, docker, side([f, f])).differences).toEqual(['underlay did not fail with "pool exhausted" (it did not fail)']);
    expect(compare(s, docker, side([], [{ where: "line 1", message: "something else" }])).differences).toEqual(['underlay did not fail with "pool exhausted": something else']);
  });
});
