/**
 * Test lab names: `<prefix><pid><n>` with the pid at a fixed width (so names of different
 * processes can never coincide), unique within a process, short enough for the 15-byte namespace
 * limit, and a clear error for an endpoint name that does not fit.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkEndpointNames, endpointBudget, labPrefix, pidDigits, testLabName } from "../../../sdk/testing/names.ts";
import { thrown } from "../../support/errors.ts";
import { readFileSync } from "node:fs";

describe("testLabName", () => {
  it("is the prefix, this process's pid in base 36 at the machine's pid width, and a counter", () => {
    const width = (Number(readFileSync("/proc/sys/kernel/pid_max", "utf8")) - 1).toString(36).length;
    expect(pidDigits()).toBe(width);
    const pid = process.pid.toString(36).padStart(width, "0");
    const a = testLabName({ prefix: "x" });
    const b = testLabName({ prefix: "x" });
    expect(a.startsWith(`x${pid}`)).toBe(true);
    expect(b.startsWith(`x${pid}`)).toBe(true);
    expect(Number.parseInt(b.slice(1 + width), 36)).toBe(Number.parseInt(a.slice(1 + width), 36) + 1);
  });

  it("never repeats within a process, and leaves at least 7 bytes for endpoint names with the default prefix", () => {
    const names = Array.from({ length: 2000 }, () => testLabName());
    expect(new Set(names).size).toBe(names.length);
    expect(endpointBudget(names[0] as string)).toBeGreaterThanOrEqual(15 - 1 - (1 + pidDigits() + 1));
    expect(endpointBudget(names[0] as string)).toBeGreaterThanOrEqual(7);
  });

  it("names of two processes never coincide: the fixed-width pid keeps the counter from running into it", () => {
    const width = pidDigits();
    const name = (pid: number, n: number): string => `u${pid.toString(36).padStart(width, "0")}${n.toString(36)}`;
    const max = 36 ** width - 1;
    fc.assert(
      fc.property(fc.integer({ min: 1, max }), fc.integer({ min: 1, max }), fc.nat(5000), fc.nat(5000), (p, q, m, n) => {
        fc.pre(p !== q);
        expect(name(p, m)).not.toBe(name(q, n));
      }),
    );
  });

  it("takes the prefix from the option, then $UNDERLAY_LAB_PREFIX, and refuses a bad one", () => {
    expect(labPrefix({ prefix: "web" })).toBe("web");
    const saved = process.env.UNDERLAY_LAB_PREFIX;
    process.env.UNDERLAY_LAB_PREFIX = "ci7";
    try {
      expect(labPrefix()).toBe("ci7");
    } finally {
      if (saved === undefined) delete process.env.UNDERLAY_LAB_PREFIX;
      else process.env.UNDERLAY_LAB_PREFIX = saved;
    }
    const e = thrown(() => labPrefix({ prefix: "Web-1" }));
    expect(e.code).toBe("USAGE");
    expect(e.message).toBe('Invalid lab name prefix: expected 1–4 lower-case letters or digits starting with a letter, like "u" or "web", but received "Web-1"');
  });
});

describe("checkEndpointNames", () => {
  it("accepts endpoint names that fit and says how long they may be when one does not", () => {
    expect(endpointBudget("u0qk40")).toBe(8);
    expect(() => checkEndpointNames("u0qk40", [{ name: "web" }, { name: "database" }])).not.toThrow();
    const e = thrown(() => checkEndpointNames("u0qk40", [{ name: "web" }, { name: "databases" }]));
    expect(e.code).toBe("USAGE");
    expect(e.message).toBe(
      'test lab u0qk40: endpoint name "databases" too long — generated lab names take 6 bytes here, so an endpoint name may have at most 8 (namespaces are <lab>-<endpoint>, at most 15 bytes); use shorter endpoint names or a shorter prefix',
    );
  });

  it("leaves endpoints with a namespace of their own to the lab's validation", () => {
    expect(() => checkEndpointNames("u0qk40", [{ name: "a-very-long-name", netns: "mine" }])).not.toThrow();
  });
});
