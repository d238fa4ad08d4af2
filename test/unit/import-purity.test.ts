/**
 * Importing `sdk/index.ts` does no I/O and spawns nothing: a child process imports it with every
 * spawn function and the file-system calls trapped, and reports what happened.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

describe("importing the SDK", () => {
  it("spawns no process and opens no file besides module sources", () => {
    const script = `await import(${JSON.stringify(join(root, "sdk/index.ts"))}); process.stdout.write(JSON.stringify(globalThis.__underlayImportTrap));`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--import", join(root, "test/support/import-trap.mjs"), "--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it("the trap itself works: it sees a spawn and a file read", () => {
    const script = `const cp = await import("node:child_process"); cp.spawnSync("true"); (await import("node:fs")).readFileSync("/etc/hostname"); process.stdout.write(JSON.stringify(globalThis.__underlayImportTrap));`;
    const r = spawnSync(process.execPath, ["--import", join(root, "test/support/import-trap.mjs"), "--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    expect(JSON.parse(r.stdout)).toEqual(expect.arrayContaining(["spawnSync true", "readFileSync /etc/hostname"]));
  });
});
