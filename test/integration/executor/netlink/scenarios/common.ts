/** Helpers shared by the driver's scenarios. */
import { netlinkFailureOf } from "../../../../../sdk/executor/netlink/failure.ts";
import type { Netlink } from "../../../../../sdk/executor/netlink/netlink.ts";
import { UnderlayError } from "../../../../../sdk/errors.ts";

/** A scenario: gets the handle and its arguments, returns what it observed (JSON). */
export type Scenario = (nl: Netlink, args: readonly string[]) => Record<string, unknown> | Promise<Record<string, unknown>>;

/** What a failing call threw, in the shape the tests compare with `ip`. */
export interface Caught {
  readonly code: string;
  readonly message: string;
  readonly stderr?: string;
  readonly errno?: number;
  readonly errnoName?: string;
  readonly argv?: readonly string[];
}

/** Runs `fn`, which must throw an UnderlayError; returns what it threw (or `{ code: "none" }`). */
export function caught(fn: () => void): Caught {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof UnderlayError)) throw e;
    const f = netlinkFailureOf(e);
    return { code: e.code, message: e.message, ...(f === undefined ? {} : { stderr: f.stderr, errno: f.errno, errnoName: f.errnoName, argv: f.argv }) };
  }
  return { code: "none", message: "" };
}

/** Deletes every namespace named `<prefix>-…` with the library; returns the names it deleted. */
export function removeAll(nl: Netlink, prefix: string): string[] {
  const mine = nl.netnsList().filter((n) => n.startsWith(`${prefix}-`));
  for (const n of mine) nl.netnsDel(n);
  return mine;
}
