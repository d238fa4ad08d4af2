/**
 * What every command receives: parsed flags and positionals, the terminal, a progress display and
 * an executor (which echoes commands with `--verbose`).
 * @module
 */
import { UnderlayError, type Executor } from "../../sdk/index.ts";
import type { Display } from "./progress.ts";
import type { Io } from "./io.ts";

/** Flags shared by the commands. */
export interface Flags {
  /** `--json`: machine-readable output (NDJSON progress, then a result object). */
  readonly json: boolean;
  /** `--quiet`: no progress lines. */
  readonly quiet: boolean;
  /** `--verbose`: every command run, and stack traces on errors. */
  readonly verbose: boolean;
  /** `--yes`: confirm destructive changes without asking. */
  readonly yes: boolean;
  /** `--host <netns>`: run the lab sandboxed inside this namespace. */
  readonly host: string | undefined;
  /** `--state-dir` or `$UNDERLAY_STATE_DIR` or `/run/underlay`. */
  readonly stateDir: string;
}

/** The context of one command invocation. */
export interface CliContext {
  /** Command name (`plan`, `up`, …). */
  readonly command: string;
  /** Terminal I/O. */
  readonly io: Io;
  /** Shared flags. */
  readonly flags: Flags;
  /** Every parsed option by name (command-specific ones included). */
  readonly values: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
  /** Positional arguments after the command name. */
  readonly positionals: readonly string[];
  /** The progress display. */
  readonly display: Display;
  /** The executor to run commands with. */
  readonly executor: Executor;
}

/**
 * The positional argument at `index`, or a `USAGE` error naming it.
 *
 * @example
 * ```ts
 * const file = positional(ctx, 0, "<lab.ts>");
 * ```
 */
export function positional(ctx: CliContext, index: number, name: string): string {
  const v = ctx.positionals[index];
  if (v === undefined || v === "") throw new UnderlayError("USAGE", `\`underlay ${ctx.command}\` needs ${name} — see \`underlay help ${ctx.command}\``);
  return v;
}

/**
 * A string option, or `undefined`.
 *
 * @example
 * ```ts
 * const out = stringOption(ctx, "svg");
 * ```
 */
export function stringOption(ctx: CliContext, name: string): string | undefined {
  const v = ctx.values[name];
  return typeof v === "string" ? v : undefined;
}

/**
 * A boolean option (absent → `false`).
 *
 * @example
 * ```ts
 * if (booleanOption(ctx, "dry-run")) …
 * ```
 */
export function booleanOption(ctx: CliContext, name: string): boolean {
  return ctx.values[name] === true;
}

/**
 * A positive integer option, or `fallback`; `USAGE` error when it is not one.
 *
 * @example
 * ```ts
 * const parallel = intOption(ctx, "parallel", 8);
 * ```
 */
export function intOption(ctx: CliContext, name: string, fallback: number): number {
  const v = stringOption(ctx, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UnderlayError("USAGE", `--${name} expects a positive whole number but received ${JSON.stringify(v)}`);
  return n;
}
