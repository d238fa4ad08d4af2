/**
 * The entry points come from package.json alone: every `exports` subpath maps to a source that
 * exists, malformed entries are refused with every problem named at once, and deno.json's JSR
 * fields are derived from the same list (pure, no build).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { denoConfig, JSR_NAME } from "../../tasks/package/deno-config.ts";
import { packageEntries } from "../../tasks/package/entries.ts";
import { MANIFEST, ROOT } from "./support.ts";

const js = (p: string) => `./dist/${p}.js`;
const entry = (p: string) => ({ types: `./dist/${p}.d.ts`, import: js(p), default: js(p) });

describe("packageEntries", () => {
  it("reads this package's entries: subpath, source, outputs, specifier and report name", () => {
    expect(MANIFEST.entries.map((e) => [e.subpath, e.source, e.specifier, e.reportName])).toEqual([
      [".", "sdk/index.ts", "underlay", "underlay"],
      ["./interop", "sdk/interop/index.ts", "underlay/interop", "underlay-interop"],
      ["./ipam", "sdk/ipam/index.ts", "underlay/ipam", "underlay-ipam"],
      ["./qemu", "sdk/executor/qemu/index.ts", "underlay/qemu", "underlay-qemu"],
      ["./route", "sdk/route/index.ts", "underlay/route", "underlay-route"],
      ["./state", "sdk/state/index.ts", "underlay/state", "underlay-state"],
      ["./tasks", "tasks/task-runner/index.ts", "underlay/tasks", "underlay-tasks"],
      ["./testing", "sdk/testing/index.ts", "underlay/testing", "underlay-testing"],
    ]);
    expect(MANIFEST.entries[0]).toMatchObject({ js: "dist/sdk/index.js", types: "dist/sdk/index.d.ts" });
    expect(MANIFEST.bins).toEqual([{ name: "underlay", source: "tasks/cli.ts", js: "dist/tasks/cli.js" }]);
    for (const s of [...MANIFEST.entries, ...MANIFEST.bins].map((e) => e.source)) expect(existsSync(join(ROOT, s)), s).toBe(true);
  });

  it("adding a subpath is one line", () => {
    const m = packageEntries({ name: "p", version: "1.0.0", exports: { ".": entry("sdk/index"), "./testing": entry("sdk/testing/index") } });
    expect(m.entries.map((e) => [e.specifier, e.source])).toEqual([
      ["p", "sdk/index.ts"],
      ["p/testing", "sdk/testing/index.ts"],
    ]);
  });

  it("refuses malformed entries, naming each one and what was expected", () => {
    const bad = {
      name: "p",
      version: "1.0.0",
      exports: {
        "./a": { import: js("a"), types: "./dist/a.d.ts", default: js("a") },
        "./b": "./sdk/b.ts",
        "./c": { types: "./dist/c.d.ts", import: js("other"), default: js("c") },
        "./D!": entry("d"),
      },
      bin: { x: "./tasks/x.ts" },
    };
    expect(() => packageEntries(bad)).toThrowError(
      expect.objectContaining({
        code: "INVALID_SPEC",
        issues: [
          expect.objectContaining({ path: 'exports["./a"]', message: expect.stringContaining("(that order, one <path>)") }),
          expect.objectContaining({ path: 'exports["./b"]', message: expect.stringContaining('but received "./sdk/b.ts"') }),
          expect.objectContaining({ path: 'exports["./c"]' }),
          expect.objectContaining({ path: 'exports["./D!"]', message: expect.stringContaining('expected a subpath like "./ipam"') }),
          expect.objectContaining({ path: "exports", message: expect.stringContaining('expected a "." entry') }),
          expect.objectContaining({ path: "bin.x", message: 'expected "./dist/<path>.js" but received "./tasks/x.ts"' }),
        ],
      }),
    );
  });
});

describe("deno.json for JSR", () => {
  it("takes name, version and exports (the sources) from package.json and keeps its other fields", () => {
    const text = denoConfig(JSON.stringify({ nodeModulesDir: "manual", exports: { "./gone": "./x.ts" } }), MANIFEST);
    const config = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(config)).toEqual(["name", "version", "exports", "publish", "nodeModulesDir"]);
    expect(config).toMatchObject({ name: JSR_NAME, version: MANIFEST.version, nodeModulesDir: "manual" });
    expect(config.exports).toEqual(Object.fromEntries(MANIFEST.entries.map((e) => [e.subpath, `./${e.source}`])));
    expect(config.publish).toEqual({ include: ["sdk/**/*.ts", "tasks/task-runner/**/*.ts", "README.md", "LICENSE"], exclude: ["**/*.test.ts"] });
  });

  it("the committed deno.json is what package.json gives", () => {
    const committed = readFileSync(join(ROOT, "deno.json"), "utf8");
    expect(denoConfig(committed, MANIFEST)).toBe(committed);
  });
});
