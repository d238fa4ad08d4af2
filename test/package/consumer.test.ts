/**
 * The package as a new user gets it: `npm pack` (whose `prepack` builds dist/), the tarball
 * installed with only its runtime dependencies into fresh projects under the system temp dir, and
 * from there — plain `node app.mjs`, `bun app.ts`, `deno run -A` through `npm:` specifiers, a strict
 * `module: nodenext` TypeScript consumer under `tsc --noEmit`, and `npx underlay
 * plan|up|check|verify|down` on a lab file. Every run builds, checks and tears down a real
 * sandboxed lab and leaves nothing behind. The tarball holds no tests, fixtures or bench code.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../support/netns.ts";
import { appSource, consumerProject, consumerSource, labSource, MANIFEST, npmPack, ROOT, run, shown, TOOLS, type Packed } from "./support.ts";

const tmp = mkdtempSync(join(tmpdir(), "underlay-pack-"));
const esm = join(tmp, "esm");
const cjs = join(tmp, "cjs");
const stateDir = join(tmp, "state");
const names: string[] = [];
let packed: Packed;

/** A fresh lab name, remembered for the final cleanup. */
function fresh(): string {
  const name = uniqueName("pk");
  names.push(name);
  return name;
}

/** Nothing of the lab is left: no namespace, no journal or lock. */
function expectNoResidue(name: string): void {
  expect(netnsWithPrefix(name)).toEqual([]);
  expect(readdirSync(stateDir).filter((f) => f.startsWith(name))).toEqual([]);
}

interface AppReport {
  readonly changed: number;
  readonly ok: boolean;
  readonly probes: number;
  readonly checked: number;
  readonly removed: number;
  readonly exportCounts: readonly number[];
  readonly resolved: string;
}

/** How many runtime exports each entry point has in the sources: the package must have exactly these. */
const sourceExportCounts: readonly number[] = await Promise.all(
  MANIFEST.entries.map(async (e) => Object.keys((await import(pathToFileURL(join(ROOT, e.source)).href)) as object).length),
);

/**
 * The last line of an app's output, parsed; the lab came up (19 steps: the sandbox's host namespace
 * and stand-in eth0 in 4, then per endpoint a namespace, a macvlan, lo, mark, address, up and
 * route, and the hosts files), pinged as expected, verified (17 facts) and went down (the same 19
 * steps); every entry point had the exports of its source.
 */
function expectLabRoundTrip(stdout: string): AppReport {
  const report = JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as AppReport;
  expect(report).toMatchObject({ changed: 19, ok: true, probes: 2, checked: 17, removed: 19 });
  expect(report.exportCounts).toEqual(sourceExportCounts);
  return report;
}

beforeAll(async () => {
  ({ packed } = await npmPack(tmp));
  const tarball = join(tmp, packed.filename);
  await Promise.all([consumerProject(esm, tarball, "module"), consumerProject(cjs, tarball, "commonjs")]);
  writeFileSync(join(esm, "app.mjs"), appSource((s) => s));
  writeFileSync(join(esm, "app.ts"), appSource((s) => s));
  writeFileSync(join(esm, "app-deno.ts"), appSource((s) => `npm:${s}`));
  writeFileSync(join(esm, "consumer.ts"), consumerSource());
  writeFileSync(join(esm, "tsconfig.json"), `${JSON.stringify({ compilerOptions: { module: "nodenext", strict: true }, files: ["consumer.ts"] }, null, 2)}\n`);
}, 360_000); // npm pack (a full build) and two installs: about 30 s on an idle machine, several times that on a busy one

afterAll(() => {
  for (const name of names) removeNetnsWithPrefix(name);
  rmSync(tmp, { recursive: true, force: true });
});

describe("the tarball", () => {
  it("holds dist/, README, LICENSE and package.json only — no tests, fixtures, bench or sources", () => {
    const paths = packed.files.map((f) => f.path).sort();
    console.log(`tarball ${packed.filename}: ${packed.entryCount} files, ${(packed.size / 1024).toFixed(1)} kB packed, ${(packed.unpackedSize / 1024).toFixed(1)} kB unpacked`);
    expect(paths.filter((p) => !p.startsWith("dist/"))).toEqual(["LICENSE", "README.md", "package.json"]);
    expect(paths.filter((p) => /(^|\/)(tests?|fixtures?|bench|kernel-lab|examples|setup)(\/|$)|\.(test|bench)\.|\.ts$/.test(p) && !p.endsWith(".d.ts"))).toEqual([]);
    for (const e of MANIFEST.entries) expect(paths).toEqual(expect.arrayContaining([e.js, e.types]));
    for (const b of MANIFEST.bins) expect(paths).toContain(b.js);
  });

  it("installs with its runtime dependencies only", () => {
    const installed = readdirSync(join(esm, "node_modules"));
    expect(installed).toContain(MANIFEST.name);
    for (const dev of ["typescript", "vitest", "bun", "deno", "fast-check", "tinybench", "@microsoft"]) expect(installed).not.toContain(dev);
  });
});

describe("a TypeScript consumer (module nodenext, strict, no other flags)", () => {
  it("passes tsc --noEmit against the installed declarations", async () => {
    const r = await run(TOOLS.tsc, ["--noEmit", "-p", "."], { cwd: esm });
    expect(r.code, shown(r)).toBe(0);
  }, 180_000);
});

describe.runIf(requireRoot("the installed package on the real kernel"))("the installed package runs a real sandboxed lab", () => {
  const env = { UNDERLAY_STATE_DIR: stateDir };

  it("plain node app.mjs", async () => {
    const name = fresh();
    const r = await run(process.execPath, ["app.mjs", name], { cwd: esm, env });
    expect(r.code, shown(r)).toBe(0);
    expect(expectLabRoundTrip(r.stdout).resolved).toBe(`file://${esm}/node_modules/${MANIFEST.name}/${MANIFEST.entries[0]?.js}`);
    expectNoResidue(name);
  });

  it("bun app.ts", async () => {
    const name = fresh();
    const r = await run(TOOLS.bun, ["app.ts", name], { cwd: esm, env });
    expect(r.code, shown(r)).toBe(0);
    expect(expectLabRoundTrip(r.stdout).resolved).toContain(`${esm}/node_modules/${MANIFEST.name}/dist/`);
    expectNoResidue(name);
  });

  it("deno run -A with npm: specifiers (resolved from the project's node_modules)", async () => {
    const name = fresh();
    const r = await run(TOOLS.deno, ["run", "-A", "app-deno.ts", name], { cwd: esm, env });
    expect(r.code, shown(r)).toBe(0);
    expectLabRoundTrip(r.stdout);
    expectNoResidue(name);
  });

  it("npx underlay plan, up, check, verify, down on a lab file", async () => {
    const name = fresh();
    writeFileSync(join(esm, `${name}.ts`), labSource(name));
    const cli = (...args: string[]) => run("npx", ["--no", "--", "underlay", ...args], { cwd: esm, env });
    const plan = await cli("plan", `${name}.ts`);
    expect(plan.code, shown(plan)).toBe(0);
    expect(plan.stdout).toMatch(new RegExp(`^ +\\+ create namespace ${name}-a$`, "m"));
    const up = await cli("up", `${name}.ts`);
    expect(up.code, shown(up)).toBe(0);
    expect(netnsWithPrefix(name).sort()).toEqual([`${name}-a`, `${name}-b`, `${name}-h`]);
    const check = await cli("check", `${name}.ts`);
    expect(check.code, shown(check)).toBe(0);
    expect(check.stdout).toContain(`lab ${name}: all 2 probes as expected`);
    const verify = await cli("verify", `${name}.ts`);
    expect(verify.code, shown(verify)).toBe(0);
    const down = await cli("down", `${name}.ts`);
    expect(down.code, shown(down)).toBe(0);
    expect(down.stdout).toMatch(new RegExp(`Lab ${name} is down: \\d+ steps undone`));
    expectNoResidue(name);
  }, 180_000);
});

describe("the CLI's TypeScript loader on each runtime", () => {
  it("node: tsx, named by --version --verbose", async () => {
    const r = await run("npx", ["--no", "--", "underlay", "--version", "--verbose"], { cwd: esm });
    expect(r.code, shown(r)).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^underlay ${MANIFEST.version.replaceAll(".", "\\.")} \\(node `));
    expect(r.stdout).toContain(`package: ${esm}/node_modules/${MANIFEST.name}`);
    expect(r.stdout).toMatch(/^lab and tasks files \(\.ts\): tsx \d+\.\d+\.\d+ /m);
  });

  it("bun and deno: their own, and each plans a lab file", async () => {
    const name = fresh();
    writeFileSync(join(esm, `${name}.ts`), labSource(name));
    const runners = { bun: [TOOLS.bun, ["x", "--bun", "underlay"]], deno: [TOOLS.deno, ["run", "-A", `npm:${MANIFEST.name}`]] } as const;
    for (const [runtime, [program, pre]] of Object.entries(runners)) {
      const v = await run(program, [...pre, "--version", "--verbose"], { cwd: esm });
      expect(v.code, shown(v)).toBe(0);
      expect(v.stdout).toMatch(new RegExp(`^underlay \\S+ \\(${runtime} `));
      expect(v.stdout).toMatch(new RegExp(`^lab and tasks files \\(\\.ts\\): ${runtime === "bun" ? "Bun" : "Deno"} \\S+ runs TypeScript itself`, "m"));
      const p = await run(program, [...pre, "plan", `${name}.ts`, "--json"], { cwd: esm, env: { UNDERLAY_STATE_DIR: stateDir } });
      expect(p.code, `${runtime}: ${shown(p)}`).toBe(0);
      expect(JSON.parse(p.stdout)).toMatchObject({ lab: name, host: `${name}-h`, sandbox: true });
    }
    expectNoResidue(name);
  });

  it('node in a "type": "commonjs" project (npm init\'s default): the lab file still loads', async () => {
    const name = fresh();
    writeFileSync(join(cjs, "lab.ts"), labSource(name));
    const r = await run("npx", ["--no", "--", "underlay", "plan", "lab.ts", "--json"], { cwd: cjs, env: { UNDERLAY_STATE_DIR: stateDir } });
    expect(r.code, shown(r)).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ lab: name, sandbox: true });
    expectNoResidue(name);
  });
});
