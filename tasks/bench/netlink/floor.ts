/**
 * The raw-netlink floor (`floor.c` of the shared perf folder: one process, raw rtnetlink, no
 * fork) as a benchmark method: compiled with gcc into a temporary directory (never into the
 * repository) when gcc and the source are there, then run as `floor -t 1 up N` / `down N` in its
 * own sandbox (`host-up` / `host-down`), timed inside its process.
 *
 * @example
 * ```ts
 * const bin = buildFloor(source);
 * if (bin !== null) console.log(floorRun(bin, 100, false).upMs);
 * ```
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One floor run: ms inside its process, and its thread's on-CPU and run-queue time during `up`. */
export interface FloorRun {
  readonly n: number;
  readonly upMs: number;
  readonly downMs: number;
  readonly upCpuMs: number;
  readonly upWaitMs: number;
}

function run(program: string, args: readonly string[]): string {
  const r = spawnSync(program, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${program} ${args.join(" ")} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/**
 * Compiles `source` (floor.c) with gcc; returns the binary, or `null` (and why, through `log`)
 * when the source or gcc is missing.
 *
 * @example
 * ```ts
 * const bin = buildFloor("../shared/perf/floor.c", console.log);
 * ```
 */
export function buildFloor(source: string, log: (line: string) => void = () => {}): string | null {
  if (!existsSync(source)) {
    log(`floor.c not found at ${source} (pass --floor or UNDERLAY_FLOOR_C): running without the floor`);
    return null;
  }
  if (spawnSync("gcc", ["--version"]).status !== 0) {
    log("gcc is not installed: running without the raw-netlink floor");
    return null;
  }
  const bin = join(mkdtempSync(join(tmpdir(), "underlay-floor-")), "floor");
  run("gcc", ["-O2", "-o", bin, source, "-lpthread"]);
  return bin;
}

/**
 * One run of the floor: N endpoints up, then down (pipelined requests with `batched`).
 *
 * @example
 * ```ts
 * floorRun(bin, 100, false); // { n: 100, upMs: 84, downMs: 4, upCpuMs: 60, upWaitMs: 2 }
 * ```
 */
export function floorRun(bin: string, n: number, batched: boolean): FloorRun {
  const prefix = `fl${process.pid % 10000}`;
  const opts = ["-P", prefix, "-t", "1", "-q", ...(batched ? ["-b"] : [])];
  run(bin, ["-P", prefix, "host-up"]);
  try {
    const upOut = run(bin, [...opts, "up", String(n)]);
    const up = /total_ms=([\d.]+)/.exec(upOut);
    const cpu = /on-cpu ms_per_ep=([\d.]+) runqueue-wait ms_per_ep=([\d.]+)/.exec(upOut);
    const down = /total_ms=([\d.]+)/.exec(run(bin, [...opts, "down", String(n)]));
    return { n, upMs: Number(up?.[1]), downMs: Number(down?.[1]), upCpuMs: Number(cpu?.[1]) * n, upWaitMs: Number(cpu?.[2]) * n };
  } finally {
    run(bin, ["-P", prefix, "host-down"]);
  }
}
