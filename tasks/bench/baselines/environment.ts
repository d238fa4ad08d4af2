/**
 * What the numbers were measured on: runtime, cores, kernel and load. Timings of process spawns
 * and kernel work on a small VM move a lot with other load (two busy cores roughly double a CNI
 * ADD), so the CLI prints this next to every table and warns when the machine is busy.
 * @module
 */
import { availableParallelism, loadavg, release } from "node:os";
import process from "node:process";

/**
 * The measuring environment.
 *
 * @example
 * ```ts
 * const env: BenchEnvironment = describeEnvironment();
 * ```
 */
export interface BenchEnvironment {
  /** `node`, `bun` or `deno`. */
  readonly runtime: "node" | "bun" | "deno";
  /** Runtime version. */
  readonly version: string;
  /** Logical CPUs available. */
  readonly cores: number;
  /** Kernel release. */
  readonly kernel: string;
  /** One-minute load average when measured. */
  readonly load1: number;
}

/**
 * Which runtime runs this code; takes the global object as a parameter so it is testable.
 *
 * @example
 * ```ts
 * detectRuntime({ Bun: {} }); // "bun"
 * ```
 */
export function detectRuntime(g: object = globalThis): BenchEnvironment["runtime"] {
  if ("Bun" in g) return "bun";
  if ("Deno" in g) return "deno";
  return "node";
}

/**
 * Describes this machine and runtime right now.
 *
 * @example
 * ```ts
 * console.log(formatEnvironment(describeEnvironment()));
 * ```
 */
export function describeEnvironment(): BenchEnvironment {
  const runtime = detectRuntime();
  const versions = process.versions as Record<string, string | undefined>;
  return {
    runtime,
    version: versions[runtime] ?? process.version,
    cores: availableParallelism(),
    kernel: release(),
    load1: loadavg()[0] ?? 0,
  };
}

/**
 * One line for a report, plus a warning when the one-minute load is above half the cores (the
 * machine is busy and the numbers will be inflated).
 *
 * @example
 * ```ts
 * formatEnvironment({ runtime: "bun", version: "1.4.5", cores: 2, kernel: "6.18", load1: 0.1 });
 * // "bun 1.4.5 · 2 cores · kernel 6.18 · load 0.10"
 * ```
 */
export function formatEnvironment(env: BenchEnvironment): string {
  const line = `${env.runtime} ${env.version} · ${env.cores} cores · kernel ${env.kernel} · load ${env.load1.toFixed(2)}`;
  return env.load1 > env.cores * 0.5
    ? `${line}\nwarning: the machine is busy (load ${env.load1.toFixed(2)} on ${env.cores} cores) — timings will be inflated; measure on an idle machine`
    : line;
}
