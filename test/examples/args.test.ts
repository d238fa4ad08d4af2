/**
 * The examples' command line (pure): modes, the consent flag, and usage errors that name the
 * bad option.
 */
import { describe, expect, it } from "vitest";
import { parseExampleArgs, usage } from "../../examples/_args.ts";
import { UnderlayError } from "../../sdk/index.ts";

function usageError(argv: string[]): string {
  try {
    parseExampleArgs(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UnderlayError);
    expect((e as UnderlayError).code).toBe("USAGE");
    return (e as UnderlayError).message;
  }
  throw new Error(`expected a usage error for ${argv.join(" ")}`);
}

describe("example arguments", () => {
  it("runs in the sandbox by default", () => {
    expect(parseExampleArgs([])).toEqual({ mode: "run", parent: null, yes: false, keep: false, lab: null });
  });

  it("reads --plan, --down, --keep, --help", () => {
    expect(parseExampleArgs(["--plan"]).mode).toBe("plan");
    expect(parseExampleArgs(["--down"]).mode).toBe("down");
    expect(parseExampleArgs(["--keep"])).toMatchObject({ mode: "run", keep: true });
    expect(parseExampleArgs(["-h"]).mode).toBe("help");
  });

  it("takes a real parent with --parent <if> and consent with --yes or -y", () => {
    expect(parseExampleArgs(["--parent", "ens3", "--yes"])).toMatchObject({ parent: "ens3", yes: true });
    expect(parseExampleArgs(["--parent=ens3", "-y"])).toMatchObject({ parent: "ens3", yes: true });
  });

  it("renames the lab with --lab", () => {
    expect(parseExampleArgs(["--lab", "t1", "--plan"])).toMatchObject({ mode: "plan", lab: "t1" });
  });

  it("names an unknown option, a missing value, and conflicting modes", () => {
    expect(usageError(["--bogus"])).toMatch(/--bogus/);
    expect(usageError(["--parent"])).toMatch(/--parent/);
    expect(usageError(["--parent", ""])).toMatch(/--parent needs an interface name/);
    expect(usageError(["--plan", "--keep"])).toBe("--plan and --keep cannot be combined — pick one");
    expect(usageError(["extra"])).toMatch(/extra/);
  });

  it("shows the three runtimes' commands in the usage", () => {
    const text = usage("macvlan-bridge");
    expect(text).toContain("bun examples/macvlan-bridge.ts");
    expect(text).toContain("deno run -A examples/macvlan-bridge.ts");
    expect(text).toContain("node --import tsx examples/macvlan-bridge.ts");
  });
});
