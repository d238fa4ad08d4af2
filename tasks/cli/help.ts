/**
 * `underlay help [command]`: the command list, the shared options and the exit codes.
 * @module
 */
import { COMMANDS, COMMON_OPTIONS, type OptionSpec } from "./commands.ts";
import type { CliContext } from "./context.ts";
import { EXIT } from "./exit-codes.ts";
import { UnderlayError } from "../../sdk/index.ts";

/** The exit code table, as printed by help. */
export const EXIT_CODES_TEXT: string = [
  "Exit codes:",
  "  0  ok",
  "  1  failure: a step failed and was rolled back (the message says how it ended), or the machine refused (preflight, lock)",
  "  2  usage or validation error: bad arguments, a lab file that does not load, invalid lab (every field listed),",
  "     or a destructive command on a lab that is not sandboxed without --yes — nothing was touched",
  "  3  drift: `verify` found differences from the plan, or `check` saw reachability differ from the expected matrix",
  "  130/143  interrupted by SIGINT/SIGTERM (what the interrupted run changed was rolled back)",
].join("\n");

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const rows = Object.entries(options).map(([name, o]) => [`${o.short === undefined ? "    " : `-${o.short}, `}--${name}${o.value === undefined ? "" : ` ${o.value}`}`, o.description] as const);
  const w = Math.max(0, ...rows.map((r) => r[0].length));
  return rows.map(([a, b]) => `  ${a.padEnd(w)}  ${b}`);
}

/**
 * The general help text.
 *
 * @example
 * ```ts
 * io.out(helpText());
 * ```
 */
export function helpText(): string {
  const names = Object.keys(COMMANDS);
  const w = Math.max(...names.map((n) => n.length));
  return [
    "underlay — Linux container-style networks (macvlan, ipvlan, VLANs, namespaces) from a lab file",
    "",
    "Usage: underlay <command> [options]      (a lab file is a .ts module whose default export is a lab)",
    "",
    "Commands:",
    ...names.map((n) => `  ${n.padEnd(w)}  ${COMMANDS[n]?.summary ?? ""}`),
    "",
    "Options for every command:",
    ...optionLines(COMMON_OPTIONS),
    "  Also: underlay --version [--verbose]   (--verbose: where the package is and how .ts files are loaded)",
    "",
    EXIT_CODES_TEXT,
    "",
    "`underlay help <command>` shows a command's own options.",
  ].join("\n");
}

/**
 * Help for one command; `USAGE` error for an unknown one.
 *
 * @example
 * ```ts
 * io.out(commandHelp("plan"));
 * ```
 */
export function commandHelp(name: string): string {
  const c = COMMANDS[name];
  if (c === undefined) throw new UnderlayError("USAGE", `unknown command ${JSON.stringify(name)} — commands: ${Object.keys(COMMANDS).join(", ")}`);
  const own = optionLines(c.options);
  return [
    `underlay ${name} — ${c.summary}`,
    "",
    ...c.usage.split("\n").map((u) => `Usage: ${u}`),
    ...(c.details === undefined ? [] : ["", c.details]),
    ...(own.length > 0 ? ["", "Options:", ...own] : []),
    "",
    "Options for every command:",
    ...optionLines(COMMON_OPTIONS),
    "",
    EXIT_CODES_TEXT,
  ].join("\n");
}

/**
 * Runs `underlay help [command]`.
 *
 * @example
 * ```ts
 * await run(ctx);
 * ```
 */
export async function run(ctx: CliContext): Promise<number> {
  const name = ctx.positionals[0];
  ctx.io.out(name === undefined ? helpText() : commandHelp(name));
  return EXIT.OK;
}
