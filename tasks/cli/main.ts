/**
 * The CLI entry: parses `argv` with `node:util` parseArgs, runs the command, and turns errors
 * into a message and an exit code (see {@link EXIT}). Never prints a raw stack trace unless
 * `--verbose`.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UnderlayError, type UnderlayErrorCode } from "../../sdk/index.ts";
import { chooseExecutor } from "../../sdk/runner/context.ts";
import { defaultStateDir } from "../../sdk/runner/state-dir.ts";
import { COMMANDS, COMMON_OPTIONS, type OptionSpec } from "./commands.ts";
import type { CliContext, Flags } from "./context.ts";
import { EXIT, exitCodeOf } from "./exit-codes.ts";
import { commandHelp, helpText } from "./help.ts";
import { processIo, type Io } from "./io.ts";
import { createDisplay, type DisplayMode } from "./progress.ts";
import { versionDetails, versionLine } from "./version.ts";

function parseConfig(options: Readonly<Record<string, OptionSpec>>): NonNullable<ParseArgsConfig["options"]> {
  const out: NonNullable<ParseArgsConfig["options"]> = {};
  for (const [name, o] of Object.entries(options)) out[name] = o.short === undefined ? { type: o.type } : { type: o.type, short: o.short };
  return out;
}

function parse(command: string, args: readonly string[], options: Readonly<Record<string, OptionSpec>>): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({ args: [...args], options: parseConfig(options), allowPositionals: true, strict: true });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (e) {
    const message = (e as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new UnderlayError("USAGE", `${message} — see \`underlay help ${command}\``, { cause: e });
  }
}

/**
 * Prints an error the way the CLI does: the `UnderlayError` message (which says what to do next),
 * the stack only with `verbose`, a JSON error object with `json`. Returns the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = reportError(e, io, { json: false, verbose: false });
 * ```
 */
export function reportError(e: unknown, io: Io, flags: { readonly json: boolean; readonly verbose: boolean }): number {
  const code = exitCodeOf(e);
  const known = e instanceof UnderlayError;
  const message = e instanceof Error ? e.message : String(e);
  if (flags.json) {
    const body = known ? e.toJSON() : { name: e instanceof Error ? e.name : "Error", code: "UNEXPECTED", message };
    io.out(JSON.stringify({ type: "error", exitCode: code, ...body }));
  }
  const tag: UnderlayErrorCode | "unexpected" = known ? e.code : "unexpected";
  io.err(`error (${tag}): ${message}`);
  if (flags.verbose && e instanceof Error) {
    io.err(e.stack ?? "");
    let cause: unknown = e.cause;
    while (cause instanceof Error) {
      io.err(`caused by: ${cause.stack ?? cause.message}`);
      cause = cause.cause;
    }
  } else if (!known) {
    io.err("This is not an error underlay expected — run again with --verbose for the stack trace, and please report it.");
  }
  return code;
}

/**
 * Runs the CLI with `argv` (without the runtime and script) and resolves with the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(["plan", "tasks/demo-lab.ts"]);
 * ```
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  const loose = { json: argv.includes("--json"), verbose: argv.includes("--verbose") || argv.includes("-v") };
  if (name === undefined) {
    io.err(helpText());
    return EXIT.USAGE;
  }
  if (name === "--version" || name === "-V" || name === "version") {
    io.out(loose.verbose ? versionDetails() : versionLine());
    return EXIT.OK;
  }
  if (name === "--help" || name === "-h") {
    io.out(helpText());
    return EXIT.OK;
  }
  const spec = COMMANDS[name];
  if (spec === undefined) {
    return reportError(new UnderlayError("USAGE", `unknown command ${JSON.stringify(name)} — commands: ${Object.keys(COMMANDS).join(", ")}; see \`underlay help\``), io, loose);
  }
  let flags: Flags | null = null;
  const mode = (f: Flags): DisplayMode => (f.json ? "json" : f.quiet ? "quiet" : io.stdoutTTY ? "tty" : "plain");
  let display: ReturnType<typeof createDisplay> | null = null;
  try {
    const { values, positionals } = parse(name, rest, { ...COMMON_OPTIONS, ...spec.options });
    if (values.help === true) {
      io.out(commandHelp(name));
      return EXIT.OK;
    }
    const str = (k: string): string | undefined => (typeof values[k] === "string" ? (values[k] as string) : undefined);
    flags = {
      json: values.json === true,
      quiet: values.quiet === true,
      verbose: values.verbose === true,
      yes: values.yes === true,
      host: str("host"),
      stateDir: str("state-dir") ?? defaultStateDir(),
    };
    const d = createDisplay({ mode: mode(flags), verbose: flags.verbose, write: io.write, columns: io.columns });
    display = d;
    const ctx: CliContext = { command: name, io, flags, values, positionals, display: d, executor: await chooseExecutor({ onCommand: d.command }) };
    if (flags.verbose && ctx.executor.name === "netlink") d.log("executor: netlink — steps and state reads go to the kernel in-process, no command runs for them; programs (ping) are shown as they run");
    const run = await spec.load();
    return await run(ctx);
  } catch (e) {
    display?.close();
    return reportError(e, io, flags ?? loose);
  } finally {
    display?.close();
  }
}
