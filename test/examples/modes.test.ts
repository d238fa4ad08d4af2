/**
 * The examples' other modes on the real kernel: `--parent <if>` (refused without `--yes`; with
 * it, the lab uses the real interface of "this machine" — here a namespace of the test's own
 * holding a bridge `up0`, so nothing outside the test is touched — and never deletes it), and
 * `--keep` followed by `--down`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../support/netns.ts";
import { runExampleProcess } from "./support.ts";

const ip = (...args: string[]): string => execFileSync("ip", args, { encoding: "utf8" });

describe.runIf(requireRoot("example modes on the real kernel"))("example modes", () => {
  const stateDir = mkdtempSync(join(tmpdir(), "underlay-modes-"));
  const env = { UNDERLAY_STATE_DIR: stateDir };
  const machine = uniqueName("exm"); // stands for "this machine": holds the real interface up0
  const names: string[] = [];
  const fresh = (): string => {
    const n = uniqueName("ex");
    names.push(n);
    return n;
  };
  const links = (): string[] => (JSON.parse(ip("-n", machine, "-json", "link", "show")) as { ifname: string }[]).map((l) => l.ifname).sort();

  beforeAll(() => {
    ip("netns", "add", machine);
    ip("-n", machine, "link", "add", "up0", "type", "bridge");
    ip("-n", machine, "link", "set", "up0", "up");
    ip("-n", machine, "link", "set", "lo", "up");
  });

  afterAll(() => {
    removeNetnsWithPrefix(machine);
    for (const n of names) {
      removeNetnsWithPrefix(n);
      removeNetnsWithPrefix(`ex-${n}`);
    }
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("--parent without --yes prints the plan, asks for --yes, exits 2 and changes nothing", async () => {
    const name = fresh();
    const before = links();
    const run = await runExampleProcess("node", "macvlan-bridge", ["--parent", "up0", "--lab", name], env, { netns: machine });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("create macvlan eth0 in");
    expect(run.stderr).toContain("re-run with --yes");
    expect(links()).toEqual(before);
    expect(netnsWithPrefix(name)).toEqual([]);
  });

  it("--parent up0 --yes builds on the real interface, reaches the endpoints from the host, and leaves up0 alone", async () => {
    const name = fresh();
    const before = links();
    const run = await runExampleProcess("node", "host-access", ["--parent", "up0", "--yes", "--lab", name], env, { netns: machine });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain("real interface: up0 takes the place of eth0");
    expect(run.stdout).toContain("✓ ping 172.16.86.10 from this host");
    expect(run.stdout).toContain(`verify: lab ${name} matches its plan`);
    expect(links()).toEqual(before); // the shim is gone, up0 is still there
    expect(netnsWithPrefix(name)).toEqual([]);
    expect(readdirSync(stateDir).filter((f) => f.startsWith(name))).toEqual([]);
  });

  it("--keep leaves the sandbox up; --down removes all of it", async () => {
    const name = fresh();
    const kept = await runExampleProcess("node", "macvlan-bridge", ["--keep", "--lab", name], env);
    expect(kept.code, `${kept.stdout}\n${kept.stderr}`).toBe(0);
    expect(kept.stdout).toContain(`remove with: node --import tsx examples/macvlan-bridge.ts --down --lab ${name}`);
    expect(netnsWithPrefix(name).sort()).toEqual([`${name}-c1`, `${name}-c2`]);
    expect(netnsWithPrefix(`ex-${name}`)).toEqual([`ex-${name}`]);
    const down = await runExampleProcess("node", "macvlan-bridge", ["--down", "--lab", name], env);
    expect(down.code, `${down.stdout}\n${down.stderr}`).toBe(0);
    expect(down.stdout).toMatch(new RegExp(`down: lab ${name} — \\d+ removed`));
    expect(netnsWithPrefix(name)).toEqual([]);
    expect(netnsWithPrefix(`ex-${name}`)).toEqual([]);
    expect(readdirSync(stateDir).filter((f) => f.startsWith(name))).toEqual([]);
  });
});
