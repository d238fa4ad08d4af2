/**
 * SIGKILL at random points of an `up` of a 40-endpoint lab run with the default executor (the
 * fan-out, batches of many namespaces at once, no pauses): after each kill, a new process's
 * `down` leaves nothing, or a new process's `up` converges exactly (verify is clean) and its
 * `down` leaves nothing. The kill points are drawn from a seed printed with the results, so a
 * failure can be replayed (`UL_CRASH_SEED=<seed>`).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { readOwnership } from "../../../sdk/runner/journal.ts";
import { labRecords, netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const child = join(dirname(fileURLToPath(import.meta.url)), "../../support/crash-child.mts");
const prefix = uniqueName("uq");
const stateDir = mkdtempSync(join(tmpdir(), "underlay-crash-random-"));
const ENDPOINTS = 40;
const seed = Number(process.env.UL_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** A small seeded generator (mulberry32), so the kill points can be replayed. */
function random(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
const next = random(seed);

function env(name: string, action: string): NodeJS.ProcessEnv {
  return { ...process.env, UL_LAB: name, UL_STATE: stateDir, UL_ACTION: action, UL_ENDPOINTS: String(ENDPOINTS) };
}

function runChild(name: string, action: string): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", child], { env: env(name, action), encoding: "utf8" });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Starts an up and SIGKILLs it once `steps` steps are done plus a random 0–15 ms; resolves with the steps done by then. */
function killDuring(name: string, steps: number): Promise<number> {
  const extra = Math.floor(next() * 15);
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ["--import", "tsx", child], { env: env(name, "up") });
    let done = 0;
    let buf = "";
    let armed = false;
    p.stdout.on("data", (b: Buffer) => {
      buf += b.toString();
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const l of lines) if (l.startsWith("done ")) done++;
      if (!armed && done >= steps) {
        armed = true;
        setTimeout(() => p.kill("SIGKILL"), extra);
      }
    });
    p.on("exit", () => resolve(done));
  });
}

function residue(name: string): string[] {
  const etc = existsSync("/etc/netns") ? readdirSync("/etc/netns").filter((d) => d.startsWith(name)) : [];
  return [...netnsWithPrefix(name), ...etc, ...labRecords(name)];
}

afterAll(() => {
  const left = removeNetnsWithPrefix(prefix);
  rmSync(stateDir, { recursive: true, force: true });
  expect(left).toEqual([]);
});

describe.runIf(requireRoot("random crash test"))(`SIGKILL at random points of a ${ENDPOINTS}-endpoint up (default executor; seed ${seed})`, () => {
  // About 9 steps per endpoint pair: draw kill points across the whole run.
  const points = Array.from({ length: 6 }, () => 1 + Math.floor(next() * ENDPOINTS * 7));
  points.forEach((k, i) => {
    const then = i % 2 === 0 ? "down" : "up";
    it(`killed after ${k} steps (+ a few ms): a new process's ${then} ${then === "down" ? "leaves nothing" : "converges exactly, then down leaves nothing"}`, async () => {
      const name = `${prefix}${i}`;
      const killedAt = await killDuring(name, k);
      const state = readOwnership(stateDir, name);
      console.log(`seed ${seed}: killed after ${killedAt} steps (asked ${k}); journal complete: ${state.complete}`);
      if (then === "up") {
        const r = runChild(name, "up");
        expect(r.code, r.out).toBe(0);
        const v = runChild(name, "verify");
        const report = JSON.parse(v.out.trim().split("\n").pop() as string) as { clean: boolean };
        expect(report.clean, v.out).toBe(true);
      }
      const d = runChild(name, "down");
      expect(d.code, d.out).toBe(0);
      expect(residue(name)).toEqual([]);
      expect(existsSync(join(stateDir, `${name}.journal`))).toBe(false);
    }, 120_000);
  });
});
