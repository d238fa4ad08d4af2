/**
 * Which TypeScript loader the CLI uses on each runtime (pure: the runtime's globals are a
 * parameter), and how a module compiled to CommonJS hands over its ES exports. The real loaders are
 * exercised end to end by test/package/consumer.test.ts.
 */
import { describe, expect, it } from "vitest";
import { esExports, tsLoader } from "../../tasks/cli/ts-loader.ts";

const built = "file:///p/node_modules/underlay/dist/tasks/cli/ts-loader.js";

describe("tsLoader", () => {
  it("Bun and Deno: their own", () => {
    expect(tsLoader({ process: { versions: { node: "22.0.0", bun: "1.4.5" } } }, built)).toEqual({ kind: "bun", description: "Bun 1.4.5 runs TypeScript itself" });
    expect(tsLoader({ process: { versions: { node: "22.0.0", deno: "2.9.6" } } }, built)).toEqual({ kind: "deno", description: "Deno 2.9.6 runs TypeScript itself" });
  });

  it("Node running the built CLI: tsx, with its installed version", () => {
    const l = tsLoader({ process: { versions: { node: "20.20.2" } } }, built);
    expect(l.kind).toBe("tsx");
    expect(l.description).toMatch(/^tsx \d+\.\d+\.\d+ \(a dependency of underlay\), registered with tsx\/esm\/api and tsx\/cjs\/api register\(\)$/);
  });

  it("Node running the CLI from its sources: the loader already running it", () => {
    expect(tsLoader({ process: { versions: { node: "20.20.2" } } }, "file:///repo/tasks/cli/ts-loader.ts").kind).toBe("source");
  });
});

describe("esExports", () => {
  const lab = { name: "x" };

  it("an ES module's namespace as it is", () => {
    expect(esExports({ default: lab, other: 1 })).toEqual({ default: lab, other: 1 });
  });

  it("a module compiled to CommonJS (module.exports marked __esModule, handed over as default): one level down", () => {
    const moduleExports = { __esModule: true, default: lab };
    expect(esExports({ default: moduleExports, __esModule: true }).default).toBe(lab);
  });

  it("a plain CommonJS default object is not unwrapped", () => {
    const plain = { default: lab };
    expect(esExports({ default: plain }).default).toBe(plain);
  });
});
