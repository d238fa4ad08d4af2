/**
 * Who owns a lab, on the real kernel: the process that brought it up. Another live process can
 * neither bring it up nor tear it down (`IN_USE`); a lab whose process is gone is taken over by
 * the next `up` and removed by `reap`/`gc`; a persistent lab is never reaped. Labs are brought up
 * by child processes (which then exit, or are killed) and by this test process itself.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { lab, net, reap } from "../../../sdk/index.ts";
import { readLabRecord } from "../../../sdk/runner/registry.ts";
import { labRecords, netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const here = dirname(fileURLToPath(import.meta.url));
const child = join(here, "../../support/owner-child.mts");
const prefix = uniqueName("uo");
const stateDir = mkdtempSync(join(tmpdir(), "underlay-owner-"));
const otherDir = mkdtempSync(join(tmpdir(), "underlay-owner-other-"));
const pub = net.macvlan("pub").parent("eth0").subnet("10.73.0.0/24");
const labNamed = (name: string) => lab(name, { host: `${name}-h`, sandbox: true }).endpoint("a", pub).endpoint("b", pub);

function inChild(name: string, action: string): string {
  const r = spawnSync(process.execPath, ["--import", "tsx", child], { env: { ...process.env, UL_LAB: name, UL_STATE: stateDir, UL_ACTION: action }, encoding: "utf8" });
  return `${r.stdout}${r.stderr}`.trim();
}

afterAll(() => {
  const left = removeNetnsWithPrefix(prefix);
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(otherDir, { recursive: true, force: true });
  expect(left, "residue").toEqual([]);
});

describe.runIf(requireRoot("lab ownership"))("lab ownership", () => {
  it("refuses up and down from another live process (IN_USE), and down --force works", async () => {
    const name = `${prefix}a`;
    const opts = { stateDir, handleSignals: false } as const;
    await labNamed(name).up(opts);
    expect(readLabRecord(name)?.owner?.pid).toBe(process.pid);
    expect(inChild(name, "up")).toMatch(new RegExp(`^ERR IN_USE lab ${name} is in use by process ${process.pid}, which is still running`));
    expect(inChild(name, "down")).toMatch(/^ERR IN_USE /);
    expect(netnsWithPrefix(name).sort()).toEqual([`${name}-a`, `${name}-b`, `${name}-h`]);
    expect(inChild(name, "down-force")).toMatch(/^OK /);
    expect(netnsWithPrefix(name)).toEqual([]);
    expect(labRecords(name)).toEqual([]);
    // Torn down under us: our own down now finds nothing to do.
    expect((await labNamed(name).down(opts)).removed).toBe(0);
  });

  it("takes over a lab whose process is gone: the next up owns it without changing anything", async () => {
    const name = `${prefix}b`;
    expect(inChild(name, "up")).toMatch(/^OK /);
    const dead = readLabRecord(name)?.owner?.pid;
    expect(dead).not.toBe(process.pid);
    const r = await labNamed(name).up({ stateDir, handleSignals: false });
    expect(r.changed).toBe(0);
    expect(readLabRecord(name)?.owner?.pid).toBe(process.pid);
    await r.down();
    expect(netnsWithPrefix(name)).toEqual([]);
  });

  it("reap removes exactly the labs whose process is gone — exited or killed — whatever state directory is given", async () => {
    const [exited, killed, persistent, mine] = ["c", "d", "e", "f"].map((x) => `${prefix}${x}`) as [string, string, string, string];
    expect(inChild(exited, "up")).toMatch(/^OK /);
    expect(inChild(persistent, "up-persist")).toMatch(/^OK /);
    const holder = spawn(process.execPath, ["--import", "tsx", child], { env: { ...process.env, UL_LAB: killed, UL_STATE: stateDir, UL_ACTION: "up-hold" } });
    await new Promise<void>((resolve) => holder.stdout.on("data", (b: Buffer) => b.toString().startsWith("OK") && resolve()));
    const own = await labNamed(mine).up({ stateDir, handleSignals: false });
    try {
      // While the holder lives, its lab is in use.
      const before = await reap({ prefix, stateDirs: [otherDir] });
      expect(before.labs).toEqual([exited]);
      expect(before.kept.map((k) => `${k.lab}: ${k.why.split(" (")[0]}`).sort()).toEqual([`${killed}: in use by process ${holder.pid}`, `${mine}: in use by process ${process.pid}`, `${persistent}: persistent`].sort());
      expect(netnsWithPrefix(exited)).toEqual([]);
      expect(labRecords(exited)).toEqual([]);
      expect(existsSync(join(stateDir, `${exited}.journal`))).toBe(false);
      holder.kill("SIGKILL");
      await new Promise((r) => holder.on("exit", r));
      const after = await reap({ prefix, stateDirs: [otherDir] });
      expect(after.labs).toEqual([killed]);
      expect(after.failed).toEqual([]);
      expect(netnsWithPrefix(killed)).toEqual([]);
      expect(netnsWithPrefix(mine).length).toBe(3);
      expect(netnsWithPrefix(persistent).length).toBe(3);
    } finally {
      await own.down();
      expect(inChild(persistent, "down")).toMatch(/^OK /);
    }
    expect(netnsWithPrefix(prefix)).toEqual([]);
    expect(labRecords(prefix)).toEqual([]);
  });

  it("a persistent lab has no owner: another process may bring it up, and then owns it", async () => {
    const name = `${prefix}g`;
    expect(inChild(name, "up-persist")).toMatch(/^OK /);
    expect(readLabRecord(name)?.owner).toBeNull();
    const r = await labNamed(name).up({ stateDir, handleSignals: false });
    expect(r.changed).toBe(0);
    expect(readLabRecord(name)?.owner?.pid).toBe(process.pid);
    await r.down();
    expect(netnsWithPrefix(name)).toEqual([]);
    expect(labRecords(name)).toEqual([]);
  });
});
