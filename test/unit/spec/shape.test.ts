/**
 * The public boundary takes any value: builder arguments and `labFromSpec` definitions of any
 * type end in a plan or in one `INVALID_SPEC` with field paths — never in a `TypeError` or any
 * other error — and the type checks report every problem with underlay's paths.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lab, labFromSpec, net, UnderlayError, type LabSpec } from "../../../sdk/index.ts";
import { shapeIssues } from "../../../sdk/spec/shape.ts";

/** Any JSON-like value, plus the non-JSON ones a JavaScript caller may pass. */
const anything = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(undefined, null, NaN, Infinity, -1, 0, 1.5, true, "", "-", "10.0.0.0/24", ["10.0.0.5"], { ip: 5 }, () => 1, Symbol("s"), 10n),
);

/** A valid lab definition as plain data. */
const base = (): LabSpec =>
  JSON.parse(
    JSON.stringify(
      lab("x", { host: "xh", sandbox: true })
        .endpoint("a", net.macvlan("pub").parent("eth0.50").subnet("10.0.0.0/24", { gateway: "10.0.0.1", exclude: ["10.0.0.9"] }).hostAccess({ ip: "10.0.0.250" }), { ip: "10.0.0.5", mac: "02:00:00:00:00:05" })
        .spec(),
    ),
  ) as LabSpec;

/** Every path to a value inside a plain object, as key lists. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== "object" || value === null) return [prefix];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((k) => paths((value as Record<string | number, unknown>)[k], [...prefix, k]))];
}

function setAt(root: unknown, path: readonly (string | number)[], v: unknown): unknown {
  if (path.length === 0) return v;
  const [k, ...rest] = path as [string | number, ...(string | number)[]];
  const copy = Array.isArray(root) ? [...root] : { ...(root as Record<string, unknown>) };
  (copy as Record<string | number, unknown>)[k] = setAt((root as Record<string | number, unknown>)[k], rest, v);
  return copy;
}

/** Runs `f`; anything thrown must be an INVALID_SPEC UnderlayError with at least one issue. */
function planOrInvalid(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof UnderlayError)) throw new Error(`not an UnderlayError: ${String(e)}`, { cause: e });
    expect(e.code).toBe("INVALID_SPEC");
    expect(e.issues.length).toBeGreaterThan(0);
  }
}

describe("the boundary never throws anything but INVALID_SPEC", () => {
  const all = paths(base());

  it("labFromSpec: any value at any place of a lab definition", () => {
    fc.assert(
      fc.property(fc.constantFrom(...all), anything, (path, v) => {
        const spec = setAt(base(), path, v) as LabSpec;
        const l = labFromSpec(spec);
        planOrInvalid(() => l.plan());
        planOrInvalid(() => l.name);
        planOrInvalid(() => l.endpoint("b", net.macvlan("q").parent("eth1")).plan());
      }),
      { numRuns: 1500 },
    );
  });

  it("builders: any value as any argument", () => {
    fc.assert(
      fc.property(fc.array(anything, { minLength: 11, maxLength: 11 }), fc.nat(10), (values, slot) => {
        const arg = (i: number, fallback: unknown): never => (i === slot ? values[i] : fallback) as never;
        planOrInvalid(() => {
          const n = net
            .macvlan(arg(0, "pub"))
            .parent(arg(1, "eth0"))
            .subnet(arg(2, "10.0.0.0/24"), arg(3, { gateway: "10.0.0.1" }))
            .mtu(arg(4, 1500))
            .mode(arg(5, "bridge"))
            .hostAccess(arg(6, { ip: "10.0.0.250" }));
          return lab(arg(7, "x"), arg(8, { host: "xh" })).endpoint(arg(9, "a"), n, arg(10, { ip: "10.0.0.5" })).plan();
        });
      }),
      { numRuns: 1500 },
    );
  });
});

describe("shapeIssues: every type problem, with underlay's paths", () => {
  it("finds nothing wrong with a builder's definition", () => {
    expect(shapeIssues(base())).toEqual([]);
  });

  it("maps spec fields to the paths of the rest of underlay (mode, flag, ip)", () => {
    const spec = base() as unknown as { endpoints: { attachments: { network: Record<string, unknown>; ips: unknown[] }[] }[] };
    const at = spec.endpoints[0]?.attachments[0];
    if (at === undefined) throw new Error("no attachment");
    at.network.macvlanMode = 3;
    at.network.ipvlanFlag = [];
    at.ips = ["10.0.0.5", false];
    expect(shapeIssues(spec).map((i) => i.path)).toEqual(["endpoints.a.pub.ip", "networks.pub.mode", "networks.pub.flag"]);
  });

  it("reports a problem of a network shared by many endpoints once", () => {
    const n = { ...net.macvlan("pub").parent("eth0").spec(), mtu: "big" };
    const spec = { name: "x", host: null, sandbox: false, endpoints: ["a", "b", "c"].map((name) => ({ name, attachments: [{ network: n, ips: [] }] })) };
    expect(shapeIssues(spec)).toEqual([{ path: "networks.pub.mtu", message: 'expected an MTU (a number) but received "big"' }]);
  });
});
