/**
 * Crash test: `up` runs in a child process that is SIGKILLed after k finished steps, for several
 * k; then `down` (or `up` again) in a new process leaves no residue (or converges exactly).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { readOwnership } from "../../../sdk/runner/journal.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const here = dirname(fileURLToPath(import.meta.url));
const child = join(here, "../../support/crash-child.mts");
// node itself with the tsx loader (not the tsx wrapper, which runs the script in a child
// process): the signal must reach the process that runs `up`.
const node = process.execPath;
const nodeArgs = ["--import", "tsx", child];
const prefix = uniqueName("uk");
const stateDir = mkdtempSync(join(tmpdir(), "underlay-crash-"));

function runChild(name: string, action: string): { code: number | null; out: string } {
  const r = spawnSync(node, nodeArgs, { env: { ...process.env, UL_LAB: name, UL_STATE: stateDir, UL_ACTION: action }, encoding: "utf8" });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function killAfter(name: string, steps: number, signal: NodeJS.Signals = "SIGKILL"): Promise<number> {
  return new Promise((resolve) => {
    const p = spawn(node, nodeArgs, { env: { ...process.env, UL_LAB: name, UL_STATE: stateDir, UL_ACTION: "up", UL_PAUSE: "40", UL_SIGNALS: signal === "SIGKILL" ? "0" : "1" } });
    let done = 0;
    let buf = "";
    p.stdout.on("data", (b: Buffer) => {
      buf += b.toString();
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const l of lines) if (l.startsWith("done ")) done++;
      if (done >= steps) p.kill(signal);
    });
    p.on("exit", () => resolve(done));
  });
}

function residue(name: string): string[] {
  const left = netnsWithPrefix(name);
  for (const ns of [`${name}-a`, `${name}-b`, `${name}-c`]) if (existsSync(`/etc/netns/${ns}`)) left.push(`/etc/netns/${ns}`);
  return left;
}

afterAll(() => {
  const left = removeNetnsWithPrefix(prefix);
  rmSync(stateDir, { recursive: true, force: true });
  expect(left).toEqual([]);
});

describe.runIf(requireRoot("crash test"))("crash during up (SIGKILL after k steps)", () => {
  for (const k of [1, 4, 8, 14, 20]) {
    it(`k=${k}: a new process's down leaves no residue`, async () => {
      const name = `${prefix}${k}`.slice(0, 10);
      const killedAt = await killAfter(name, k);
      expect(killedAt).toBeGreaterThanOrEqual(k);
      // The process really died half-way: its journal never reached its end, and it left objects.
      expect(readOwnership(stateDir, name).complete).toBe(false);
      expect(residue(name).length).toBeGreaterThan(0);
      const r = runChild(name, "down");
      expect(r.code, r.out).toBe(0);
      expect(residue(name)).toEqual([]);
      expect(existsSync(join(stateDir, `${name}.journal`))).toBe(false);
    }, 60_000);
  }

  for (const k of [2, 10]) {
    it(`k=${k}: SIGTERM during up rolls back by itself before the process exits`, async () => {
      const name = `${prefix}t${k}`.slice(0, 10);
      await killAfter(name, k, "SIGTERM");
      expect(residue(name)).toEqual([]);
      expect(existsSync(join(stateDir, `${name}.journal`))).toBe(false);
    }, 60_000);
  }

  for (const k of [2, 3, 4, 12]) {
    it(`k=${k}: a new process's up converges exactly to the plan`, async () => {
      const name = `${prefix}u${k}`.slice(0, 10);
      await killAfter(name, k);
      try {
        const r = runChild(name, "up");
        expect(r.code, r.out).toBe(0);
        const v = runChild(name, "verify");
        const report = JSON.parse(v.out.trim().split("\n").pop() as string) as { clean: boolean };
        expect(report.clean, v.out).toBe(true);
      } finally {
        expect(runChild(name, "down").code).toBe(0);
      }
      expect(residue(name)).toEqual([]);
    }, 60_000);
  }
});
