/**
 * The `underlay/interop` entry (its source; the built package is proven from a fresh consumer in
 * test/package/): free of I/O on import, and the same translation under Bun, Deno and Node.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const entry = JSON.stringify(join(root, "sdk/interop/index.ts"));
const script = `const { fromDocker, toCni } = await import(${entry});
const l = fromDocker("docker network create -d macvlan --subnet=172.16.86.0/24 -o parent=eth0 pub_net\\ndocker run --net=pub_net alpine", { lab: "rt" });
process.stdout.write(JSON.stringify(toCni(l, "c1")));`;

describe("underlay/interop", () => {
  it("imports without spawning a process or opening a file besides module sources", () => {
    const trap = `await import(${entry}); process.stdout.write(JSON.stringify(globalThis.__underlayImportTrap));`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--import", join(root, "test/support/import-trap.mjs"), "--input-type=module", "-e", trap], { cwd: root, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it("translates byte-identically under Node, Bun and Deno", () => {
    const outs = [
      spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8" }),
      spawnSync(join(root, "node_modules/.bin/bun"), ["-e", script], { cwd: root, encoding: "utf8" }),
      spawnSync(join(root, "node_modules/.bin/deno"), ["eval", "--ext=ts", script], { cwd: root, encoding: "utf8" }),
    ];
    for (const r of outs) expect(r.status, `${r.stderr}`).toBe(0);
    expect(JSON.parse(outs[0]?.stdout ?? "")).toMatchObject({ cniVersion: "1.0.0", name: "pub_net" });
    expect(outs[1]?.stdout).toBe(outs[0]?.stdout);
    expect(outs[2]?.stdout).toBe(outs[0]?.stdout);
  });
});
