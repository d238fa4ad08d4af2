/**
 * A lab compiles to the same plan in every process: its argv and its text, MACs and temporary
 * link names included, written down here once (so a change to the planner shows up as a diff).
 */
import { describe, expect, it } from "vitest";
import { lab, net } from "../../../sdk/index.ts";
import { argvLines } from "../../support/plan-helpers.ts";

describe("determinism", () => {
  it("compiles a lab to this plan, MACs and temporary names included, in every process", () => {
    const n = net.macvlan("n").parent("eth0").subnet("10.0.0.0/24");
    const plan = lab("d").endpoint("a", n).endpoint("b", n).plan();
    expect(argvLines(plan)).toEqual([
      "- ip netns add d-a",
      "- ip netns add d-b",
      "- ip link add ult430fd00b netns d-a link eth0 address 02:44:2c:c2:6a:df type macvlan mode bridge",
      "- ip link add ultc5ff6b84 netns d-b link eth0 address 02:d3:f2:6b:bb:87 type macvlan mode bridge",
      "d-a ip link set dev lo up",
      "d-a ip link set dev ult430fd00b name eth0 alias underlay:d",
      "d-a ip addr add 10.0.0.2/24 dev eth0",
      "d-a ip link set dev eth0 up",
      "d-a ip route replace default via 10.0.0.1 dev eth0",
      "d-b ip link set dev lo up",
      "d-b ip link set dev ultc5ff6b84 name eth0 alias underlay:d",
      "d-b ip addr add 10.0.0.3/24 dev eth0",
      "d-b ip link set dev eth0 up",
      "d-b ip route replace default via 10.0.0.1 dev eth0",
      '- sh -c umask 022; c=$(cat); for d in "$@"; do mkdir -p -- "$d" && printf "%s\\n" "$c" > "$d/hosts"; done underlay-hosts /etc/netns/d-a /etc/netns/d-b',
    ]);
    expect(plan.toText()).toBe(
      [
        "underlay plan — lab d",
        "",
        "  + create namespace d-a",
        "  + create namespace d-b",
        "  + create macvlan eth0 in d-a on eth0 (bridge)",
        "  + create macvlan eth0 in d-b on eth0 (bridge)",
        "  + bring lo up in d-a",
        "  + name eth0 in d-a (created as ult430fd00b) and mark it underlay:d",
        "  + add 10.0.0.2/24 to eth0 in d-a",
        "  + bring eth0 up in d-a",
        "  + route default via 10.0.0.1 dev eth0 in d-a",
        "  + bring lo up in d-b",
        "  + name eth0 in d-b (created as ultc5ff6b84) and mark it underlay:d",
        "  + add 10.0.0.3/24 to eth0 in d-b",
        "  + bring eth0 up in d-b",
        "  + route default via 10.0.0.1 dev eth0 in d-b",
        "  + write hosts files for 2 endpoints",
        "",
        "Lab d: 15 to add, 0 to change, 0 to remove.",
        "",
        "Endpoints:",
        "  a [netns d-a]",
        "    eth0 (n) 10.0.0.2/24 mac 02:44:2c:c2:6a:df — default via 10.0.0.1 dev eth0",
        "  b [netns d-b]",
        "    eth0 (n) 10.0.0.3/24 mac 02:d3:f2:6b:bb:87 — default via 10.0.0.1 dev eth0",
      ].join("\n"),
    );
  });
});
