/**
 * How the real CLI fails: usage errors and invalid labs exit 2 with every field listed and no
 * stack trace; destructive commands on a lab that is not sandboxed exit 2 without `--yes` and
 * touch nothing; `--json` errors are objects; help and --version. Runs as any user (nothing here
 * changes the kernel).
 */
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { uniqueName } from "../support/netns.ts";
import { cli, residue, tempDir, writeLab } from "./cli-support.ts";

const u = uniqueName("ue");
const dir = tempDir("ul-cli-err-");
const state = join(dir, "state");
const run = (...args: string[]) => cli(args, { stateDir: state });

const invalid = writeLab(
  dir,
  "invalid.ts",
  `const pub = net.macvlan("pub").parent("eth0").subnet("192.168.71.5/24").mtu(9);
export default lab(${JSON.stringify(u)}, { host: ${JSON.stringify(`${u}-h`)}, sandbox: true }).endpoint("a", pub);`,
);
const notSandboxed = writeLab(dir, "host.ts", `export default async () => lab(${JSON.stringify(u)}).endpoint("a", net.macvlan("pub").parent(${JSON.stringify(`${u}0`)}).subnet("192.168.72.0/24"));`);
const noDefault = writeLab(dir, "nodefault.ts", "export const x = 1;");
const notALab = writeLab(dir, "notalab.ts", "export default { name: 1 };");
const broken = writeLab(dir, "broken.ts", "throw new Error('boom at import');");

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  expect(residue(u, state)).toEqual([]);
});

function noStack(text: string): void {
  expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

describe("usage errors exit 2", () => {
  it("unknown command, unknown option, missing lab file argument", async () => {
    const a = await run("frobnicate");
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('error (USAGE): unknown command "frobnicate" — commands: plan, up, down');
    const b = await run("plan", invalid, "--bogus");
    expect(b.code).toBe(2);
    expect(b.stderr).toContain("Unknown option '--bogus' — see `underlay help plan`");
    const c = await run("verify");
    expect(c.code).toBe(2);
    expect(c.stderr).toContain("`underlay verify` needs <lab.ts> — see `underlay help verify`");
    const d = await run("check", invalid, "--parallel", "zero");
    expect(d.code).toBe(2);
    for (const r of [a, b, c, d]) noStack(r.stderr);
  });

  it("lab files that are missing, export nothing, export something else, or throw", async () => {
    const missing = await run("plan", join(dir, "nope.ts"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("lab file");
    expect(missing.stderr).toContain("not found");
    const nd = await run("plan", noDefault);
    expect(nd.code).toBe(2);
    expect(nd.stderr).toContain("has no default export — end it with `export default lab(");
    const nl = await run("plan", notALab);
    expect(nl.code).toBe(2);
    expect(nl.stderr).toContain("is not a lab (received object)");
    const br = await run("plan", broken);
    expect(br.code).toBe(2);
    expect(br.stderr).toContain("cannot load lab file");
    expect(br.stderr).toContain("boom at import");
    for (const r of [missing, nd, nl, br]) noStack(r.stderr);
  });

  it("an invalid lab exits 2 and lists every field, in text and in --json", async () => {
    const r = await run("plan", invalid);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`error (INVALID_SPEC): Invalid lab "${u}": 2 problems found`);
    expect(r.stderr).toContain("  - networks.pub.mtu: expected an MTU of at least 68");
    expect(r.stderr).toContain("  - networks.pub.subnets[0].cidr: 192.168.71.5/24 has host bits set — did you mean 192.168.71.0/24?");
    noStack(r.stderr);
    const j = await run("up", invalid, "--json");
    expect(j.code).toBe(2);
    const err = JSON.parse(j.stdout.trim().split("\n").at(-1) as string) as { type: string; code: string; exitCode: number; issues: { path: string }[] };
    expect(err).toMatchObject({ type: "error", code: "INVALID_SPEC", exitCode: 2 });
    expect(err.issues.map((i) => i.path)).toEqual(["networks.pub.mtu", "networks.pub.subnets[0].cidr"]);
  });

  it("--verbose adds the stack trace", async () => {
    const r = await run("plan", broken, "--verbose");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^\s+at /m);
  });
});

describe("destructive commands on a lab that is not sandboxed", () => {
  it("up and down without --yes exit 2, say what to do, and change nothing", async () => {
    for (const command of ["up", "down"]) {
      const r = await run(command, notSandboxed);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`lab ${u} is not sandboxed: \`underlay ${command}\` changes this machine's own network namespace — pass --yes to confirm, or run it in a sandbox namespace with --host <netns>`);
    }
    expect(residue(u, state)).toEqual([]);
    expect(existsSync(join(state, `${u}.journal`))).toBe(false);
    expect(execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" })).not.toContain(u);
  });

  it("--host rebuilds the same lab as a sandbox in that namespace (no confirmation needed)", async () => {
    const r = await run("plan", notSandboxed, "--host", `${u}-h`, "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ host: `${u}-h`, sandbox: true });
  });
});

describe("help and version", () => {
  it("help lists the commands and the exit codes; --version names the runtime", async () => {
    const h = await run("help");
    expect(h.code).toBe(0);
    for (const c of ["plan", "up", "down", "status", "verify", "check", "graph", "gc", "run"]) expect(h.stdout).toMatch(new RegExp(`^  ${c} `, "m"));
    expect(h.stdout).toContain("Exit codes:");
    expect(h.stdout).toMatch(/^ {2}3 {2}drift/m);
    const p = await run("plan", "--help");
    expect(p.stdout).toContain("Usage: underlay plan <lab.ts> [--json | --shell]");
    const v = await run("--version");
    expect(v.stdout).toMatch(/^underlay \d+\.\d+\.\d+ \(bun /); // the launcher prefers node_modules/.bin/bun
    const n = await cli(["--version"], { stateDir: state, env: { UNDERLAY_RUNTIME: "node" } });
    expect(n.stdout).toMatch(/^underlay \d+\.\d+\.\d+ \(node /); // and falls back to node --import tsx
  });

  it("graph prints Mermaid; --svg needs Graphviz", async () => {
    const sandboxed = await run("graph", notSandboxed);
    expect(sandboxed.code).toBe(0);
    expect(sandboxed.stdout).toMatch(/^flowchart LR/);
    const out = join(dir, "g.svg");
    const svg = await run("graph", notSandboxed, "--svg", out);
    let hasDot = true;
    try {
      execFileSync("dot", ["-V"], { stdio: "ignore" });
    } catch {
      hasDot = false;
    }
    if (hasDot) {
      expect(svg.code).toBe(0);
      expect(existsSync(out)).toBe(true);
    } else {
      expect(svg.code).toBe(1);
      expect(svg.stderr).toContain("Graphviz `dot` is not installed — install it (Debian: apt-get install graphviz)");
    }
  });
});
