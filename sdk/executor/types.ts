/**
 * The executor interface: the only way underlay runs commands. The runner never knows which
 * executor it has (local iproute2, recording, a qemu guest, …).
 * @module
 */
import type { Command } from "../plan/types.ts";

/** What a command returned. */
export interface ExecResult {
  /** Exit code (0 = success). */
  readonly code: number;
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
  /** Milliseconds this command took, when an executor can tell it apart from others run with it (`runMany`). */
  readonly ms?: number;
}

/**
 * Runs commands, optionally inside a network namespace.
 *
 * @example
 * ```ts
 * const r = await executor.run({ netns: "demo-web", argv: ["ip", "-json", "addr"] });
 * ```
 */
export interface Executor {
  /** Short name for logs (`local`, `recording`, `qemu`). */
  readonly name: string;
  /**
   * Runs one command. Resolves with its exit code and output; rejects only when the command
   * could not be started at all (then with an `UnderlayError` of code `EXEC`).
   */
  run(command: Command): Promise<ExecResult>;
  /**
   * Runs many `ip -batch -` commands (each with its namespace and input) with at most
   * `concurrency` helper processes, returning one result per command in order. Optional: an
   * executor without it gets the commands one `run` at a time. The local executor fans them out
   * through a small shell per lane, which costs far less than one spawn per namespace from a
   * large runtime process.
   */
  runMany?(commands: readonly Command[], concurrency: number): Promise<ExecResult[]>;
  /** Releases resources (a VM, a socket). Optional. */
  close?(): Promise<void>;
}
