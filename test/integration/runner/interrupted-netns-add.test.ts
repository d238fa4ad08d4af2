/**
 * A process killed inside `netns add` — after it created the namespace's mount-point file in
 * `/run/netns`, before it bind-mounted the namespace there — leaves a file that is listed as a
 * namespace but is none (`ip -n NAME …` says "Invalid argument"). The random-crash test hit it.
 * The lab's journal holds the intent to create that namespace, so the next `up` removes the file
 * and creates the namespace (verify is clean), and `down` — with or without that `up` — leaves
 * nothing. On the default executor here; the `iproute2` test project runs it on iproute2.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { lab, net } from "../../../sdk/index.ts";
import { rejection } from "../../support/errors.ts";
import { chooseExecutor, planFor } from "../../../sdk/runner/context.ts";
import { openJournal } from "../../../sdk/runner/journal.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const prefix = uniqueName("ui");
const stateDir = mkdtempSync(join(tmpdir(), "underlay-interrupted-add-"));

afterAll(() => {
  const left = removeNetnsWithPrefix(prefix);
  rmSync(stateDir, { recursive: true, force: true });
  expect(left, "left behind").toEqual([]);
});

/** A sandboxed lab of two endpoints, and the crash: its first phase intended, the host made, endpoint `a`'s file left unmounted. */
async function crashedInsideNetnsAdd(name: string) {
  const pub = net.macvlan("pub").parent("eth0").subnet("10.76.0.0/24");
  const l = lab(name, { host: `${name}-h`, sandbox: true }).endpoint("a", pub).endpoint("b", pub);
  const executor = await chooseExecutor();
  const plan = (await planFor(l, executor)).toJSON();
  const adds = plan.ops.filter((o) => o.kind === "netns-add");
  expect(adds.map((o) => o.id)).toEqual([`netns:${name}-h`, `netns:${name}-a`, `netns:${name}-b`]);
  const journal = openJournal(stateDir, name);
  journal.write({ t: "begin", at: new Date().toISOString(), pid: 1, planHash: "crashed", owner: null });
  journal.intend(adds);
  journal.close();
  expect(spawnSync("ip", ["netns", "add", `${name}-h`]).status).toBe(0);
  writeFileSync(`/run/netns/${name}-a`, ""); // the mount-point file, never mounted
  const listed = spawnSync("ip", ["-n", `${name}-a`, "link"], { encoding: "utf8" });
  expect(listed.stderr).toMatch(/Invalid argument/);
  return { l, executor };
}

describe.runIf(requireRoot("an interrupted netns add"))("a namespace file left by a process killed inside `netns add`", () => {
  it("the next up removes it and creates the namespace; verify is clean; down leaves nothing", async () => {
    const name = `${prefix}u`;
    const { l, executor } = await crashedInsideNetnsAdd(name);
    const r = await l.up({ executor, stateDir, handleSignals: false });
    expect(r.changed).toBeGreaterThan(0);
    expect((await l.verify({ executor })).clean).toBe(true);
    const inside = spawnSync("ip", ["-n", `${name}-a`, "-br", "addr", "show", "eth0"], { encoding: "utf8" });
    expect(inside.stdout).toMatch(/10\.76\.0\.\d+\/24/);
    await r.down();
    expect(netnsWithPrefix(name)).toEqual([]);
    expect(existsSync(join(stateDir, `${name}.journal`))).toBe(false);
  });

  it("down after the crash removes the file with the rest", async () => {
    const name = `${prefix}d`;
    const { l, executor } = await crashedInsideNetnsAdd(name);
    const d = await l.down({ executor, stateDir });
    expect(d.ids).toEqual(expect.arrayContaining([`netns:${name}-a`, `netns:${name}-h`]));
    expect(netnsWithPrefix(name)).toEqual([]);
    expect(existsSync(join(stateDir, `${name}.journal`))).toBe(false);
  });

  it("such a file the lab did not make is not touched: up refuses, naming it and how to remove it", async () => {
    const name = `${prefix}f`;
    mkdirSync("/run/netns", { recursive: true });
    writeFileSync(`/run/netns/${name}-a`, "");
    const pub = net.macvlan("pub").parent("eth0").subnet("10.76.0.0/24");
    const e = await rejection(lab(name, { host: `${name}-h`, sandbox: true }).endpoint("a", pub).up({ stateDir, handleSignals: false }));
    expect(e.code).toBe("PREFLIGHT");
    expect(e.message).toContain(`namespace ${name}-a is listed but is a file, not a namespace (left by an interrupted \`ip netns add\`?), and is not this lab's — remove it (\`ip netns del ${name}-a\`)`);
    expect(netnsWithPrefix(name)).toEqual([`${name}-a`]);
    expect(spawnSync("ip", ["netns", "del", `${name}-a`]).status).toBe(0);
  });
});
