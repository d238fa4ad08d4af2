/**
 * The real CLI on the real kernel, in a sandbox of its own (host namespace `<u>-h` holding a
 * stand-in `eth0`; endpoints `<u>-a`, `<u>-b`, `<u>-c`; addresses only inside those namespaces):
 * plan (text, --json, --shell, and without root) → up → status → verify → an address deleted by
 * hand → verify exits 3 naming it → plan shows it → up converges → check → a changed lab plans
 * `-` → down, and nothing is left.
 */
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireRoot, uniqueName } from "../support/netns.ts";
import { cli, residue, scrub, tempDir, writeLab } from "./cli-support.ts";

describe.runIf(requireRoot("CLI lab lifecycle"))("underlay plan/up/status/verify/check/down on a sandboxed lab", () => {
  const u = uniqueName("uc");
  const dir = tempDir("ul-cli-life-");
  const state = join(dir, "state");
  let file = "";
  let smaller = "";
  const run = (...args: string[]) => cli(args, { stateDir: state });

  beforeAll(() => {
    const body = (eps: string) => `
const pub = net.macvlan("pub").parent("eth0").subnet("192.168.70.0/24");
const back = net.macvlan("back").internal().subnet("10.70.0.0/24");
export default lab(${JSON.stringify(u)}, { host: ${JSON.stringify(`${u}-h`)}, sandbox: true })${eps};`;
    file = writeLab(dir, "lab.ts", body(`.endpoint("a", pub, { ip: "192.168.70.10" }).endpoint("b", pub).endpoint("c", pub).endpoint("b", back).endpoint("c", back)`));
    smaller = writeLab(dir, "smaller.ts", body(`.endpoint("a", pub, { ip: "192.168.70.10" }).endpoint("b", pub)`));
  });

  afterAll(async () => {
    const left = residue(u, state);
    if (left.length > 0) await run("down", file, "--yes", "--quiet");
    scrub(u, state);
    rmSync(dir, { recursive: true, force: true });
    expect(left).toEqual([]);
  });

  it("plans against the live state: everything to add on an empty machine", async () => {
    const r = await run("plan", file);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`underlay plan — lab ${u} (host namespace ${u}-h, sandbox)`);
    expect(r.stdout).toContain(`  + create namespace ${u}-h`);
    expect(r.stdout).toContain(`  + add 192.168.70.10/24 to eth0 in ${u}-a`);
    expect(r.stdout).toMatch(new RegExp(`Lab ${u}: 37 to add, 0 to change, 0 to remove\\.`));
    expect(r.stdout).toContain(`a [netns ${u}-a]`);
  });

  it("--json prints the plan document, byte-stable; --shell a bash script", async () => {
    const [a, b, sh] = await Promise.all([run("plan", file, "--json"), run("plan", file, "--json"), run("plan", file, "--shell")]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const doc = JSON.parse(a.stdout) as { lab: string; host: string; sandbox: boolean; ops: { id: string }[] };
    expect(a.stdout).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    expect(doc).toMatchObject({ lab: u, host: `${u}-h`, sandbox: true });
    expect(doc.ops).toHaveLength(37);
    expect(sh.code).toBe(0);
    expect(sh.stdout.startsWith("#!")).toBe(true);
    expect(sh.stdout).toContain(`ip netns add ${u}-a`);
  });

  it("without root, plans against an empty machine and says so", async () => {
    const r = await cli(["plan", file], { stateDir: state, asUid: 65534, env: { HOME: "/tmp" } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("not running as root, so the live state cannot be read");
    expect(r.stdout).toMatch(new RegExp(`Lab ${u}: 37 to add`));
  });

  it("up (--json) streams NDJSON events, then a result; a second up changes nothing", async () => {
    const r = await run("up", file, "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { type: string; changed?: number; ok?: boolean });
    expect(events[0]).toMatchObject({ type: "start", action: "up", total: 37 });
    expect(events.filter((e) => e.type === "op-done")).toHaveLength(37);
    expect(events.at(-1)).toMatchObject({ type: "result", ok: true, changed: 37 });
    const again = await run("up", file);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Lab ${u} is up: no changes`);
  });

  it("status says up; verify exits 0", async () => {
    const s = await run("status", file);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain(`Lab ${u}: up — 37 steps in place, 0 missing, 37 owned by its journal (last run complete).`);
    const v = await run("verify", file);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(new RegExp(`✓ lab ${u} matches its plan \\(\\d+ facts checked\\)\\.`));
  });

  it("an address deleted by hand: verify exits 3 naming it, plan shows it, up converges", async () => {
    execFileSync("ip", ["-n", `${u}-a`, "addr", "del", "192.168.70.10/24", "dev", "eth0"]);
    const v = await run("verify", file);
    expect(v.code).toBe(3);
    expect(v.stdout).toContain(`missing   add 192.168.70.10/24 to eth0 in ${u}-a: missing: address 192.168.70.10/24 on eth0 in namespace ${u}-a`);
    expect(v.stdout).toContain("Run `underlay up` with the same lab file to converge.");
    const p = await run("plan", file);
    expect(p.stdout).toContain(`  + add 192.168.70.10/24 to eth0 in ${u}-a`);
    expect(p.stdout).toMatch(new RegExp(`Lab ${u}: 2 to add, 0 to change, 0 to remove, 35 already in place\\.`));
    const up = await run("up", file);
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/\[1\/2\] ✓ add 192\.168\.70\.10\/24 to eth0 in \S+ {2}\d+(\.\d)? ms/);
    expect(up.stdout).toContain(`Lab ${u} is up: 2 steps applied`);
    expect((await run("verify", file)).code).toBe(0);
  });

  it("check prints the ping matrix and exits 0", async () => {
    const r = await run("check", file);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^from\\to\s+a\s+b\s+c\s*$/);
    expect(lines[1]).toMatch(/^a\s+✓·\s+✓·\s*$/); // a reaches b and c on pub, not on back (a is not on back)
    expect(lines[2]).toMatch(/^b\s+✓\s+✓✓\s*$/);
    expect(r.stdout).toContain(`✓ lab ${u}: all 10 probes as expected.`);
  });

  it("--verbose prints every command run (none for state reads with the netlink executor: it says so)", async () => {
    const r = await run("status", file, "--verbose");
    expect(r.code).toBe(0);
    if (process.env.UNDERLAY_EXECUTOR === "iproute2") expect(r.stdout).toContain(`$ [netns ${u}-h] ip -json`);
    else expect(r.stdout).toContain("executor: netlink — steps and state reads go to the kernel in-process");
  });

  it("a lab file without an endpoint plans `-` for what the lab owns and no longer has", async () => {
    const r = await run("plan", smaller);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`  - create namespace ${u}-c (no longer in the plan)`);
    expect(r.stdout).toMatch(new RegExp(`Lab ${u}: \\d+ to add, 0 to change, \\d+ to remove, \\d+ already in place\\.`));
  });

  it("down removes everything; a second down is a no-op", async () => {
    const r = await run("down", file);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Lab ${u} is down: 37 steps undone`));
    expect(residue(u, state)).toEqual([]);
    expect(existsSync(join(state, `${u}.journal`))).toBe(false);
    const again = await run("down", file);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Lab ${u} was not up: nothing to remove.`);
  });
});
