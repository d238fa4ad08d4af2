/**
 * `underlay run` as a subprocess on the real kernel: listing tasks, the project's demo (which
 * must pass and leave nothing), and a tasks file whose first task applies a sandboxed lab with
 * `ctx.apply`: when a later task fails the lab is rolled back (exit 1), `--keep` leaves it up,
 * and after a successful run it stays up until `underlay down`.
 */
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireRoot, uniqueName } from "../support/netns.ts";
import { cli, residue, scrub, tempDir, writeLab, writeTasks } from "./cli-support.ts";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

describe("underlay run --list", () => {
  const dir = tempDir("ul-cli-list-");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists the project's tasks from any working directory", async () => {
    const r = await cli(["run", "--list"], { stateDir: join(dir, "state"), cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}demo +sandboxed macvlan demo/m);
    expect(r.stdout).toMatch(/^ {2}conformance /m);
    expect(r.stdout).toMatch(/^ {2}bench /m);
    expect(r.stdout).toMatch(/^ {2}kernel-lab /m);
  });

  it("lists a tasks file's tasks with their deps (--json too); an unknown task exits 2", async () => {
    const file = writeTasks(dir, "tasks.ts", `export default defineTasks({ a: { description: "first", run() {} }, b: { deps: ["a"], run() {} } });`);
    const r = await cli(["run", "--list", "-f", file], { stateDir: join(dir, "state") });
    expect(r.stdout).toContain(`Tasks in ${file}:`);
    expect(r.stdout).toMatch(/^ {2}a {5}first$/m);
    expect(r.stdout).toMatch(/^ {2}b {5}\(after a\)$/m);
    const j = await cli(["run", "--list", "-f", file, "--json"], { stateDir: join(dir, "state") });
    expect(JSON.parse(j.stdout)).toEqual([
      { name: "a", description: "first", deps: [] },
      { name: "b", description: null, deps: ["a"] },
    ]);
    const bad = await cli(["run", "zz", "-f", file], { stateDir: join(dir, "state") });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no task named "zz" — known tasks: a, b');
  });

  it("a tasks file with a broken graph exits 2 listing the problems", async () => {
    const file = writeTasks(dir, "cycle.ts", `export default defineTasks({ a: { deps: ["b"], run() {} }, b: { deps: ["a", "c"], run() {} } });`);
    const r = await cli(["run", "a", "-f", file], { stateDir: join(dir, "state") });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Invalid tasks: 1 problem found");
    expect(r.stderr).toContain('tasks.b.deps[1]: unknown task "c"');
  });
});

describe.runIf(requireRoot("CLI run with labs"))("underlay run with a lab (transactional)", () => {
  const u = uniqueName("ur");
  const dir = tempDir("ul-cli-run-");
  const state = join(dir, "state");
  let tasks = "";
  let labFile = "";
  const run = (...args: string[]) => cli(args, { stateDir: state });

  beforeAll(() => {
    labFile = writeLab(
      dir,
      "lab.ts",
      `const pub = net.macvlan("pub").parent("eth0").subnet("192.168.73.0/24");
export default lab(${JSON.stringify(u)}, { host: ${JSON.stringify(`${u}-h`)}, sandbox: true }).endpoint("a", pub).endpoint("b", pub);`,
    );
    tasks = writeTasks(
      dir,
      "tasks.ts",
      `import l from ${JSON.stringify(labFile)};
export default defineTasks({
  net: { description: "bring the lab up", run: (ctx) => ctx.apply(l) },
  probe: {
    deps: ["net"],
    run: async (ctx) => {
      const r = await l.check();
      ctx.log(r.ok ? "probe: matrix as expected" : "probe: matrix differs");
      const out = await ctx.$\`ip -n ${u}-a -o -4 addr show dev eth0\`;
      ctx.log("probe:", out.stdout.includes("192.168.73.") ? "address present" : "address missing");
    },
  },
  fail: { deps: ["probe"], run: () => { throw new Error("intentional failure after the lab is up"); } },
});`,
    );
  });

  afterAll(async () => {
    const left = residue(u, state);
    if (left.length > 0) await run("down", labFile, "--quiet");
    scrub(u, state);
    rmSync(dir, { recursive: true, force: true });
    expect(left).toEqual([]);
  });

  it("a failing later task rolls back the lab an earlier task applied (exit 1)", async () => {
    const r = await run("run", "fail", "-f", tasks);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("▶ run fail (net → probe → fail)");
    expect(r.stdout).toContain("probe: matrix as expected");
    expect(r.stdout).toContain("probe: address present");
    expect(r.stdout).toMatch(/✗ fail failed after .*: intentional failure after the lab is up/);
    expect(r.stdout).toContain(`↺ lab ${u} rolled back`);
    expect(r.stderr).toContain(`error (STEP_FAILED): task fail failed: intentional failure after the lab is up\nrolled back 1 step, newest first: lab ${u}`);
    expect(residue(u, state)).toEqual([]);
  });

  it("--keep leaves it up; `underlay down` removes it", async () => {
    const r = await run("run", "fail", "-f", tasks, "--keep");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`--keep: left in place: lab ${u}`);
    expect(execFileSync("ip", ["netns", "list"], { encoding: "utf8" })).toContain(`${u}-a`);
    const d = await run("down", labFile);
    expect(d.code).toBe(0);
    expect(residue(u, state)).toEqual([]);
  });

  it("after a successful run the lab stays up (said so), and --dry-run changes nothing", async () => {
    const dry = await run("run", "net", "-f", tasks, "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("▶ run net — dry run");
    expect(residue(u, state)).toEqual([]);
    const r = await run("run", "probe", "-f", tasks);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`✓ run probe: 2 tasks in`);
    expect(r.stdout).toContain(`labs left up: ${u}`);
    expect((await run("verify", labFile)).code).toBe(0);
    expect((await run("down", labFile)).code).toBe(0);
    expect(residue(u, state)).toEqual([]);
  });
});

describe.runIf(requireRoot("CLI demo"))("npm run demo", () => {
  const dir = tempDir("ul-cli-demo-");
  const state = join(dir, "state");
  afterAll(() => {
    const left = residue("demo-", state);
    scrub("demo-", state);
    rmSync(dir, { recursive: true, force: true });
    expect(left).toEqual([]);
  });

  it("plans, brings up, prints the ping matrix, verifies, tears down, exit 0, nothing left", async () => {
    const r = await cli(["run", "demo"], { stateDir: state, cwd: REPO });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Lab demo: 37 to add, 0 to change, 0 to remove.");
    expect(r.stdout).toMatch(/\[ 1\/37\] ✓ create namespace demo-host {2}\d/);
    expect(r.stdout).toMatch(/^web\s+✓·\s+✓·\s*$/m);
    expect(r.stdout).toMatch(/verify: the kernel matches the plan \(\d+ facts checked\)/);
    expect(r.stdout).toContain("torn down: 37 steps undone");
    expect(r.stdout).toContain("✓ run demo: 1 task in");
    expect(residue("demo-", state)).toEqual([]);
  });
});
