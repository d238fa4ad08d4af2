/**
 * Type tests of the public generics, checked by `tsc --noEmit` (the first half of `npm test`):
 * every `expectTypeOf` must hold and every `// @ts-expect-error` line must stay an error — an
 * unused one is itself a compile error. At run time these are no-ops (the calls under
 * `@ts-expect-error` sit in functions that are never called), so vitest only lists them.
 */
import { describe, expectTypeOf, it } from "vitest";
import {
  lab,
  net,
  type Driver,
  type IpvlanMode,
  type LabBuilder,
  type MacvlanMode,
  type ModeOf,
  type NetworkBuilder,
  type Op,
  type OpKind,
  type Plan,
  type Step,
  type Undo,
  type UpResult,
} from "../../sdk/index.ts";

/** Type-checked, never run. */
const typeOnly = (_body: (...args: never[]) => unknown): void => {};

describe("ModeOf<D> and NetworkBuilder<D>.mode()", () => {
  it("ModeOf maps each driver to its own modes, and the union of drivers to the union of modes", () => {
    expectTypeOf<ModeOf<"macvlan">>().toEqualTypeOf<"bridge" | "vepa" | "private" | "passthru" | "source">();
    expectTypeOf<ModeOf<"ipvlan">>().toEqualTypeOf<"l2" | "l3" | "l3s">();
    expectTypeOf<ModeOf<"macvlan">>().toEqualTypeOf<MacvlanMode>();
    expectTypeOf<ModeOf<"ipvlan">>().toEqualTypeOf<IpvlanMode>();
    expectTypeOf<ModeOf<Driver>>().toEqualTypeOf<MacvlanMode | IpvlanMode>();
  });

  it("net.macvlan() and net.ipvlan() return builders of their driver, and every method keeps it", () => {
    expectTypeOf(net.macvlan("m")).toEqualTypeOf<NetworkBuilder<"macvlan">>();
    expectTypeOf(net.ipvlan("i")).toEqualTypeOf<NetworkBuilder<"ipvlan">>();
    const m = net.macvlan("m").parent("eth0").subnet("10.0.0.0/24", { gateway: "10.0.0.1" }).mtu(1400).gatewayPolicy("last").ipv4(true);
    expectTypeOf(m).toEqualTypeOf<NetworkBuilder<"macvlan">>();
    expectTypeOf(m.internal().hostAccess({ ip: "10.0.0.250" }).mode("vepa")).toEqualTypeOf<NetworkBuilder<"macvlan">>();
    expectTypeOf(net.ipvlan("i").mode("l3").flag("private").internal()).toEqualTypeOf<NetworkBuilder<"ipvlan">>();
  });

  it("mode() takes exactly its driver's modes", () => {
    expectTypeOf(net.macvlan("m").mode).parameter(0).toEqualTypeOf<MacvlanMode>();
    expectTypeOf(net.ipvlan("i").mode).parameter(0).toEqualTypeOf<IpvlanMode>();
    typeOnly(() => [
      net.macvlan("m").mode("bridge"),
      net.macvlan("m").mode("passthru"),
      net.ipvlan("i").mode("l2"),
      net.ipvlan("i").mode("l3s"),
    ]);
    typeOnly(() => {
      // @ts-expect-error an ipvlan mode on a macvlan builder
      net.macvlan("m").mode("l3");
      // @ts-expect-error a macvlan mode on an ipvlan builder (bridge is an ipvlan *flag*, not a mode)
      net.ipvlan("i").mode("bridge");
      // @ts-expect-error passthru is macvlan's
      net.ipvlan("i").parent("eth0").mode("passthru");
      // @ts-expect-error no such mode
      net.macvlan("m").mode("l4");
      // @ts-expect-error ipvlan flags are not modes either
      net.ipvlan("i").flag("l3");
    });
  });

  it("a builder of either driver is a network an endpoint takes; a typed builder keeps its driver", () => {
    const l = lab("x").endpoint("a", net.macvlan("m").parent("eth0")).endpoint("b", net.ipvlan("i").parent("eth1"));
    expectTypeOf(l).toEqualTypeOf<LabBuilder>();
    expectTypeOf<NetworkBuilder<"macvlan">>().toExtend<NetworkBuilder>();
    expectTypeOf<NetworkBuilder<"ipvlan">>().toExtend<NetworkBuilder>();
    // The default builder (D = Driver) takes the modes of both drivers.
    expectTypeOf<NetworkBuilder>().toEqualTypeOf<NetworkBuilder<Driver>>();
    expectTypeOf<Parameters<NetworkBuilder["mode"]>[0]>().toEqualTypeOf<MacvlanMode | IpvlanMode>();
  });
});

describe("up() and its result", () => {
  it("UpResult is AsyncDisposable, so `await using` tears a lab down at scope exit", () => {
    expectTypeOf<UpResult>().toExtend<AsyncDisposable>();
    expectTypeOf<UpResult[typeof Symbol.asyncDispose]>().returns.toExtend<PromiseLike<void>>();
    expectTypeOf(lab("x").up).returns.toEqualTypeOf<Promise<UpResult>>();
    typeOnly(async () => {
      await using up = await lab("x").endpoint("a", net.macvlan("m").parent("eth0")).up();
      expectTypeOf(up.plan).toEqualTypeOf<Plan>();
      expectTypeOf(up.changed).toEqualTypeOf<number>();
    });
  });
});

describe("the Op union", () => {
  it("narrows on kind to each kind's own fields", () => {
    const fields = (op: Op): string => {
      switch (op.kind) {
        case "netns-add":
          expectTypeOf(op.name).toEqualTypeOf<string>();
          return op.name;
        case "link-add":
          expectTypeOf(op.link.driver).toEqualTypeOf<"macvlan" | "ipvlan">();
          expectTypeOf(op.target).toEqualTypeOf<string>();
          return `${op.dev} ${op.target} ${op.name}`;
        case "vlan-ensure":
          expectTypeOf(op.vid).toEqualTypeOf<number>();
          return op.base;
        case "parent-add":
          expectTypeOf(op.linkKind).toEqualTypeOf<"dummy" | "bridge">();
          return op.dev;
        case "route-add":
          expectTypeOf(op.family).toEqualTypeOf<4 | 6>();
          expectTypeOf(op.via).toEqualTypeOf<string | null>();
          return op.dst;
        case "link-mark":
          expectTypeOf(op.from).toEqualTypeOf<string | null>();
          return op.alias;
        case "addr-add":
          return op.cidr;
        case "hosts-file":
          expectTypeOf(op.namespaces).toEqualTypeOf<readonly string[]>();
          return op.content;
        case "sysctl":
          return op.settings.map((s) => s.key).join(",");
        case "link-up":
        case "shim-add":
          return op.dev;
        default:
          // Every kind is handled: what is left is never.
          expectTypeOf(op).toBeNever();
          return op;
      }
    };
    expectTypeOf(fields).parameter(0).toEqualTypeOf<Op>();
    typeOnly((op: Op) => {
      // @ts-expect-error only some kinds have a vid
      op.vid;
      if (op.kind === "addr-add") {
        // @ts-expect-error an address op has no link
        op.link;
      }
    });
  });

  it("OpKind lists the kinds; Undo and Step narrow the same way", () => {
    expectTypeOf<OpKind>().toEqualTypeOf<
      "netns-add" | "sysctl" | "parent-add" | "vlan-ensure" | "link-add" | "link-mark" | "link-up" | "addr-add" | "route-add" | "hosts-file" | "shim-add"
    >();
    expectTypeOf<Undo["kind"]>().toEqualTypeOf<"netns-del" | "link-del" | "link-down" | "addr-del" | "route-del" | "hosts-remove">();
    expectTypeOf<Step>().toEqualTypeOf<Op | Undo>();
    expectTypeOf<Extract<Undo, { kind: "netns-del" }>["netns"]>().toEqualTypeOf<null>();
    expectTypeOf<Extract<Step, { kind: "route-del" }>["family"]>().toEqualTypeOf<4 | 6>();
    expectTypeOf<Op["undo"]>().toEqualTypeOf<Undo | null>();
  });
});
