/**
 * Confirmation for destructive commands on labs that are not sandboxed: a prompt on a terminal,
 * `--yes` otherwise.
 * @module
 */
import { UnderlayError, type LabSpec } from "../../sdk/index.ts";
import type { Io } from "./io.ts";

/**
 * Asks before `what` changes something outside a sandbox. Returns when confirmed; throws `USAGE`
 * (exit 2) when declined, or when nobody can be asked and `--yes` was not given.
 *
 * @example
 * ```ts
 * await confirmOrYes(io, `underlay up changes …`, flags.yes);
 * ```
 */
export async function confirmOrYes(io: Io, what: string, yes: boolean, hint = ""): Promise<void> {
  if (yes) return;
  if (!io.interactive) throw new UnderlayError("USAGE", `${what} — pass --yes to confirm${hint}`);
  const answer = await io.prompt(`${what}. Continue? [y/N] `);
  if (!/^\s*y(es)?\s*$/i.test(answer)) throw new UnderlayError("USAGE", "cancelled — nothing was changed");
}

/**
 * Confirms `up`/`down` of a lab unless it is sandboxed (its host namespace is its own).
 *
 * @example
 * ```ts
 * await confirmLab(io, lab.spec(), "up", flags.yes);
 * ```
 */
export async function confirmLab(io: Io, spec: LabSpec, command: "up" | "down", yes: boolean): Promise<void> {
  if (spec.sandbox) return;
  const where = spec.host === null ? "this machine's own network namespace" : `namespace ${spec.host}, whose parent interfaces are real`;
  await confirmOrYes(io, `lab ${spec.name} is not sandboxed: \`underlay ${command}\` changes ${where}`, yes, ", or run it in a sandbox namespace with --host <netns>");
}
