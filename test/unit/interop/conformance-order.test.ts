/**
 * The conformance run gives `fromDocker` a network's subnets in the order the engine held them
 * (the Docker CLI passes them in a random order): each family keeps its written places, nothing
 * else in the text changes, and underlay then allocates from the engine's first subnet.
 */
import { describe, expect, it } from "vitest";
import { importDocker } from "../../../sdk/interop/index.ts";
import { inEngineOrder } from "../../../tasks/conformance/engine-order.ts";
import { SCENARIOS, type Scenario } from "../../../tasks/conformance/scenarios.ts";

const dual = SCENARIOS.find((s) => s.id === "dual-stack-ipv6") as Scenario;
const addresses = (text: string): string[][] =>
  importDocker(text, { lab: "ord" }).lab.plan().toJSON().endpoints.map((e) => [...(e.interfaces[0]?.addresses ?? [])]);

describe("inEngineOrder", () => {
  it("puts the subnets in the engine's order, family by family, and changes nothing else", () => {
    const engine = ["2001:db8:abc8::/64", "192.168.218.0/24", "192.168.216.0/24"];
    const text = inEngineOrder(dual.text, new Map([["macvlan216", engine]]));
    expect(text).toBe(dual.text.replace("--subnet=192.168.216.0/24 --subnet=192.168.218.0/24", "--subnet=192.168.218.0/24 --subnet=192.168.216.0/24"));
    expect(inEngineOrder(dual.text, new Map([["macvlan216", ["192.168.216.0/24", "192.168.218.0/24", "2001:db8:abc8::/64"]]]))).toBe(dual.text);
    expect(inEngineOrder(dual.text, new Map())).toBe(dual.text);
    // A default pool the engine took for a family the text has no subnet of is not the text's to order.
    const v6 = SCENARIOS.find((s) => s.id === "ipv6-default-gateway") as Scenario;
    expect(inEngineOrder(v6.text, new Map([["v6net", ["172.17.0.0/16", "2001:db8:abc2::/64"]]]))).toBe(v6.text);
  });

  it("makes underlay allocate from the engine's first subnet, as the engine does", () => {
    const [, second, third] = addresses(inEngineOrder(dual.text, new Map([["macvlan216", ["192.168.218.0/24", "192.168.216.0/24", "2001:db8:abc8::/64"]]])));
    expect([second?.[0], third?.[0]]).toEqual(["192.168.218.2/24", "192.168.218.3/24"]);
    expect(addresses(dual.text)[1]?.[0]).toBe("192.168.216.2/24");
  });

  it("refuses an engine whose subnets are not the text's", () => {
    expect(() => inEngineOrder(dual.text, new Map([["macvlan216", ["10.0.0.0/24", "192.168.216.0/24"]]]))).toThrow(/the engine holds subnets 10\.0\.0\.0\/24, 192\.168\.216\.0\/24, the text has 192\.168\.216\.0\/24/);
  });
});
