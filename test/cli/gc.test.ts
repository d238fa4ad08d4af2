/**
 * `underlay gc` on the real kernel: a leftover made by hand — a namespace holding a bridge whose
 * ifalias is `underlay:<lab>`, plus a hosts file written for that lab — is listed (`--dry-run`,
 * `--json`), refused without `--yes` when nobody can be asked, and removed with `--yes`. A lab
 * whose journal names no owner, and a namespace holding a link that is not underlay's, are left
 * alone. (Which labs gc removes by their owner — gone, alive, persistent — is proven in
 * test/integration/runner/ownership.test.ts.) Every gc here is limited to this test's own labs
 * with `--lab`: other tests' labs live on this machine at the same time.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireRoot, uniqueName } from "../support/netns.ts";
import { cli, residue, scrub, tempDir } from "./cli-support.ts";

const ip = (...args: string[]) => execFileSync("ip", args, { encoding: "utf8" });

describe.runIf(requireRoot("CLI gc"))("underlay gc", () => {
  const u = uniqueName("ug");
  const kept = uniqueName("ug");
  const dir = tempDir("ul-cli-gc-");
  const state = join(dir, "state");
  const run = (...args: string[]) => cli(args, { stateDir: state });

  beforeAll(() => {
    // The orphan: namespace <u>-x with a marked bridge; hosts file of <u>-y (namespace gone).
    ip("netns", "add", `${u}-x`);
    ip("-n", `${u}-x`, "link", "add", "ulgc0", "type", "bridge");
    ip("-n", `${u}-x`, "link", "set", "ulgc0", "alias", `underlay:${u}`);
    mkdirSync(`/etc/netns/${u}-y`, { recursive: true });
    writeFileSync(`/etc/netns/${u}-y/hosts`, `127.0.0.1\tlocalhost\n# underlay lab ${u}\n`);
    // A shared namespace <u>-s: one marked link (removed alone) and one foreign link (kept, so the namespace stays).
    ip("netns", "add", `${u}-s`);
    ip("-n", `${u}-s`, "link", "add", "ulgc1", "type", "bridge");
    ip("-n", `${u}-s`, "link", "set", "ulgc1", "alias", `underlay:${u}`);
    ip("-n", `${u}-s`, "link", "add", "mine0", "type", "bridge");
    // A lab with a journal: left alone.
    ip("netns", "add", `${kept}-x`);
    ip("-n", `${kept}-x`, "link", "add", "ulgc2", "type", "bridge");
    ip("-n", `${kept}-x`, "link", "set", "ulgc2", "alias", `underlay:${kept}`);
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, `${kept}.journal`), "");
  });

  afterAll(() => {
    const left = residue(u, state);
    for (const p of [u, kept]) scrub(p, state);
    rmSync(dir, { recursive: true, force: true });
    expect(left).toEqual([]);
    expect(residue(kept, state)).toEqual([]);
  });

  it("lists the leftovers with --dry-run (text and --json)", async () => {
    const r = await run("gc", "--lab", u, "--dry-run");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")).toEqual([
      "Labs to remove (1):",
      `  ${u}: nothing names it but its marks (no record, no journal)`,
      `    namespace ${u}-x`,
      `    link ulgc1 (bridge) in ${u}-s`,
      `    file /etc/netns/${u}-y/hosts`,
      "",
    ]);
    const j = await run("gc", "--lab", u, "--dry-run", "--json");
    const lines = j.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0], j.stdout + j.stderr).toMatchObject({ type: "leftovers", remove: [{ lab: u, stateDir: null, namespaces: [`${u}-x`], links: [{ netns: `${u}-s`, name: "ulgc1", kind: "bridge" }], hostsFiles: [`/etc/netns/${u}-y/hosts`] }], kept: [] });
    expect(lines.at(-1)).toMatchObject({ type: "result", ok: true, dryRun: true });
  });

  it("leaves a lab whose journal names no owner alone, and says why", async () => {
    const r = await run("gc", "--lab", kept, "--dry-run");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("No leftovers");
    expect(r.stdout).toContain(`  ${kept}: its journal under ${state} names no owning process: \`underlay down\` removes it`);
  });

  it("refuses to remove without --yes when nobody can be asked (exit 2)", async () => {
    const r = await run("gc", "--lab", u);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("remove the 1 lab listed above — pass --yes to confirm");
    expect(ip("netns", "list")).toContain(`${u}-x`);
  });

  it("removes them with --yes: the orphan namespace whole, the marked link alone, the hosts file", async () => {
    const r = await run("gc", "--lab", u, "--yes");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Removed 1 lab (${u}): 1 namespace, 1 marked link, 1 file`);
    const list = ip("netns", "list");
    expect(list).not.toContain(`${u}-x`);
    expect(existsSync(`/etc/netns/${u}-y`)).toBe(false);
    const shared = ip("-n", `${u}-s`, "-o", "link", "show");
    expect(shared).not.toContain("ulgc1");
    expect(shared).toContain("mine0");
    expect(list).toContain(`${kept}-x`);
    ip("netns", "del", `${u}-s`);
    const again = await run("gc", "--lab", u, "--dry-run");
    expect(again.stdout).toContain("No leftovers");
  });
});
