/**
 * `gc`'s stale files: a lock whose holder is gone, a discarded journal whose unlinking process
 * died, a half-written journal — found for the labs the gc is narrowed to (`--lab`, `--prefix`)
 * as well as for all, and never another lab's, never a live holder's lock.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeLabs } from "../../../sdk/runner/gc.ts";
import { scanLabs } from "../../../sdk/runner/gc-scan.ts";
import { requireRoot, uniqueName } from "../../support/netns.ts";

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const r = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" });
  return Number(r.stdout.trim());
}

describe.runIf(requireRoot("gc of stale state files"))("gc: stale files in a state directory", () => {
  const dir = mkdtempSync(join(tmpdir(), "underlay-gc-stale-"));
  const mine = uniqueName("gs");
  const other = uniqueName("go");
  const dead = deadPid();
  const holder = (pid: number) => JSON.stringify({ pid, host: hostname(), at: Date.now(), token: "t" });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists and removes exactly the narrowed labs' stale files", async () => {
    writeFileSync(join(dir, `${mine}.lock`), holder(dead));
    writeFileSync(join(dir, `${mine}.journal.${dead}.gone`), "");
    writeFileSync(join(dir, `${mine}.journal.tmp`), "");
    writeFileSync(join(dir, `${mine}x.lock`), holder(process.pid)); // held by a live process: kept
    writeFileSync(join(dir, `${other}.lock`), holder(dead)); // another lab's: not this gc's
    const scan = await scanLabs({ stateDirs: [dir], prefix: mine });
    expect([...scan.staleFiles].sort()).toEqual([`${mine}.journal.${dead}.gone`, `${mine}.journal.tmp`, `${mine}.lock`].map((f) => join(dir, f)));
    expect(scan.remove).toEqual([]);
    await removeLabs(scan);
    expect(readdirSync(dir).sort()).toEqual([`${mine}x.lock`, `${other}.lock`].sort());
    const all = await scanLabs({ stateDirs: [dir], lab: other });
    expect(all.staleFiles).toEqual([join(dir, `${other}.lock`)]);
    await removeLabs(all);
    expect(existsSync(join(dir, `${other}.lock`))).toBe(false);
  });
});
