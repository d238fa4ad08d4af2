/**
 * Command-line arguments of every example (parsing only, no I/O). Shared by `_run.ts`.
 * @module
 */
import { parseArgs } from "node:util";
import { UnderlayError } from "../sdk/index.ts";

/**
 * What an example was asked to do.
 *
 * @example
 * ```ts
 * const args: ExampleArgs = { mode: "plan", parent: null, yes: false, keep: false, lab: null };
 * ```
 */
export interface ExampleArgs {
  /** `run` (default: up → check → verify → down), `plan` (JSON only), `down` (remove a kept lab), `help`. */
  readonly mode: "run" | "plan" | "down" | "help";
  /** A real interface to use instead of the sandbox stand-in `eth0` (`null` = sandbox). */
  readonly parent: string | null;
  /** Consent to change this machine's network (needed with `--parent`). */
  readonly yes: boolean;
  /** Leave the lab up after the run. */
  readonly keep: boolean;
  /** Run under another lab name (tests use unique names). */
  readonly lab: string | null;
}

/**
 * The usage text, for `--help` and usage errors.
 *
 * @example
 * ```ts
 * console.log(usage("macvlan-bridge"));
 * ```
 */
export function usage(file: string): string {
  return [
    `usage: bun examples/${file}.ts [options]`,
    `       deno run -A examples/${file}.ts [options]`,
    `       node --import tsx examples/${file}.ts [options]`,
    "",
    "  (no option)      build the lab in a sandbox (host namespace ex-<lab> with a stand-in eth0),",
    "                   print the plan, bring it up, ping every endpoint, verify, tear down",
    "  --plan           print the plan as JSON and exit (no root needed, nothing is touched)",
    "  --keep           leave the lab up; remove it later with --down",
    "  --down           remove a lab left up with --keep",
    "  --parent <if>    use the real interface <if> in place of eth0 (no sandbox; needs --yes)",
    "  --yes            agree to change this machine's network (with --parent)",
    "  --lab <name>     run under another lab name (namespaces <name>-<endpoint>, host ex-<name>)",
    "  --help           this text",
  ].join("\n");
}

/**
 * Parses an example's arguments. Throws `UnderlayError("USAGE")` naming the bad option.
 *
 * @example
 * ```ts
 * parseExampleArgs(["--parent", "ens3", "--yes"]); // { mode: "run", parent: "ens3", yes: true, keep: false, lab: null }
 * ```
 */
export function parseExampleArgs(argv: readonly string[]): ExampleArgs {
  let values: { plan?: boolean; keep?: boolean; down?: boolean; parent?: string; yes?: boolean; lab?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        plan: { type: "boolean" },
        keep: { type: "boolean" },
        down: { type: "boolean" },
        parent: { type: "string" },
        yes: { type: "boolean", short: "y" },
        lab: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new UnderlayError("USAGE", `${e instanceof Error ? e.message : String(e)} — see --help`, { cause: e });
  }
  const picked = (["plan", "down", "keep"] as const).filter((k) => values[k] === true);
  if (picked.length > 1) {
    throw new UnderlayError("USAGE", `--${picked.join(" and --")} cannot be combined — pick one`);
  }
  if (values.parent === "") throw new UnderlayError("USAGE", "--parent needs an interface name, e.g. --parent ens3");
  if (values.lab === "") throw new UnderlayError("USAGE", "--lab needs a name, e.g. --lab demo1");
  const mode = values.help ? "help" : values.plan ? "plan" : values.down ? "down" : "run";
  return { mode, parent: values.parent ?? null, yes: values.yes ?? false, keep: values.keep ?? false, lab: values.lab ?? null };
}
