/**
 * `up` and `down` of a sandboxed lab (macvlan dual-stack with host access, an internal network,
 * hosts files) through the netlink executor start no process, under Bun, Deno and Node (koffi):
 * the child runs under `strace -f` tracing every `execve`, `fork`, `vfork`, `clone` and `clone3`,
 * and between its two marker directories (made right before `up`, right after `down`) there is
 * no `execve` and no clone that is not a thread. Bun and Deno start no process at all, from the
 * runtime's own start on: the trace holds exactly one `execve`, the runtime's. The control: the
 * same child with `UNDERLAY_EXECUTOR=iproute2` is seen spawning `ip`.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDebianPackages } from "../../../../tasks/setup/debian-packages.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../../../support/netns.ts";
import { root } from "./support.ts";

const prefix = uniqueName("ns");
const dir = mkdtempSync(join(tmpdir(), "underlay-no-spawn-"));
let k = 0;

type Runtime = "bun" | "deno" | "node";
const launch: Readonly<Record<Runtime, readonly string[]>> = {
  bun: [join(root, "node_modules/.bin/bun")],
  deno: [join(root, "node_modules/.bin/deno"), "run", "-A"],
  node: [process.execPath, "--import", "tsx"],
};

/** What the trace of one child run shows. */
interface Traced {
  /** The child's JSON line. */
  readonly result: { executor: string; up: number; down: number };
  /** `execve`s of the whole run (program paths). */
  readonly execs: string[];
  /** Process-starting calls (an `execve`, or a fork/clone without `CLONE_THREAD`) between the markers. */
  readonly inWindow: string[];
}

function traced(runtime: Runtime, executor: "netlink" | "iproute2"): Traced {
  const name = `${prefix}${k++}`;
  const marks = join(dir, name);
  mkdirSync(marks);
  const out = join(marks, "trace");
  const [program, ...args] = launch[runtime];
  const r = spawnSync("strace", ["-f", "-qq", "-e", "trace=execve,execveat,fork,vfork,clone,clone3,mkdir,mkdirat", "-o", out, program as string, ...args, join(root, "test/support/no-spawn-child.mts"), name, join(dir, "state"), marks], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, UNDERLAY_EXECUTOR: executor, NO_COLOR: "1" },
  });
  expect(r.status, `${runtime}: ${r.stderr}${r.stdout}`).toBe(0);
  const lines = readFileSync(out, "utf8").split("\n");
  const start = lines.findIndex((l) => l.includes(`"${marks}/start"`));
  const end = lines.findIndex((l) => l.includes(`"${marks}/end"`));
  expect(start, "start marker traced").toBeGreaterThan(-1);
  expect(end, "end marker traced").toBeGreaterThan(start);
  const spawning = (l: string): boolean => /\bexecve(at)?\(|\b(v?fork)\(/.test(l) || (/\bclone3?\(/.test(l) && !l.includes("CLONE_THREAD"));
  return {
    result: JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as Traced["result"],
    execs: lines.filter((l) => /\bexecve(at)?\(/.test(l)).map((l) => /execve(?:at)?\("([^"]*)"/.exec(l)?.[1] ?? l),
    inWindow: lines.slice(start + 1, end).filter(spawning),
  };
}

describe.runIf(requireRoot("no process spawned by up and down"))("up and down through the netlink executor spawn no process", () => {
  beforeAll(() => {
    ensureDebianPackages({ strace: "strace" });
  });
  afterAll(() => {
    const left = removeNetnsWithPrefix(prefix);
    rmSync(dir, { recursive: true, force: true });
    expect(left, "left behind").toEqual([]);
  });

  it.each(["bun", "deno", "node"] as const)("under %s: no execve and no fork between the start of up and the end of down", (runtime) => {
    const t = traced(runtime, "netlink");
    expect(t.result).toEqual({ executor: "netlink", up: 46, down: 46 });
    expect(t.inWindow).toEqual([]);
    // Bun and Deno run TypeScript themselves: the runtime's own execve is the only one of the whole run.
    if (runtime !== "node") expect(t.execs).toHaveLength(1);
    expect(netnsWithPrefix(prefix)).toEqual([]);
  });

  it("the trace sees spawns: the same child with UNDERLAY_EXECUTOR=iproute2 runs ip", () => {
    const t = traced("bun", "iproute2");
    expect(t.result).toEqual({ executor: "local", up: 46, down: 46 });
    expect(t.inWindow.length).toBeGreaterThan(0);
    expect(t.execs.some((p) => p.endsWith("/ip"))).toBe(true);
  });
});
