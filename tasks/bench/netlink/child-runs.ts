/**
 * The benchmark's rows that run in processes of their own: underlay through the netlink executor
 * under Bun and Deno, underlay through the iproute2 executor under Bun (the "today"), and
 * the raw-netlink floor (`floor.c`, when gcc is there). Each reports times inside its process.
 *
 * @example
 * ```ts
 * const r = childRun("netlink (bun)", 100, sandboxPrefix(), floorBin);
 * ```
 * @module
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { floorRun } from "./floor.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The methods run as processes of their own. */
export const CHILD_METHODS = ["netlink (bun)", "netlink (deno)", "iproute2 (bun)", "floor"] as const;
/** One of {@link CHILD_METHODS}. */
export type ChildMethod = (typeof CHILD_METHODS)[number];

/** One lab's up and down in a child run. */
export interface ChildLab {
  readonly upMs: number;
  readonly downMs: number;
  /** CPU time of the whole process during `up` (the floor: its working thread's on-CPU time). */
  readonly upCpuMs: number;
}

/** What a child run measured. */
export interface ChildResult {
  /** The labs, in order: the first is the process's first (it pays the one-time costs). */
  readonly labs: readonly ChildLab[];
  /** Peak resident memory of the process (not reported by the floor). */
  readonly peakRssMB: number | null;
}

/**
 * Runs one method for `n` endpoints: `labs` labs one after another in one process (the floor:
 * `labs` runs of its own; it has nothing to warm up). `floorBin`: the compiled floor.
 *
 * @example
 * ```ts
 * const [cold, warm] = childRun("netlink (deno)", 500, "ub1a2b3c", null, 2).labs;
 * ```
 */
export function childRun(method: ChildMethod, n: number, prefix: string, floorBin: string | null, labs = 1): ChildResult {
  if (method === "floor") {
    if (floorBin === null) throw new Error("the floor is not built");
    const runs = Array.from({ length: labs }, () => floorRun(floorBin, n, false));
    return { labs: runs.map((r) => ({ upMs: r.upMs, downMs: r.downMs, upCpuMs: r.upCpuMs })), peakRssMB: null };
  }
  const [runtime, executor] = method === "netlink (bun)" ? ["bun", "netlink"] : method === "netlink (deno)" ? ["deno", "netlink"] : ["bun", "iproute2"];
  const script = join(root, "tasks/bench/netlink/underlay-child.ts");
  const argv = runtime === "bun" ? [join(root, "node_modules/.bin/bun"), script] : [join(root, "node_modules/.bin/deno"), "run", "-A", script];
  const r = spawnSync(argv[0] as string, [...argv.slice(1), executor as string, String(n), prefix, String(labs)], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${method} n=${n} failed (${r.status}): ${r.stderr}${r.stdout}`);
  const j = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as { runs: ChildLab[]; peakRssMB: number };
  return { labs: j.runs.map((x) => ({ upMs: x.upMs, downMs: x.downMs, upCpuMs: x.upCpuMs })), peakRssMB: j.peakRssMB };
}
