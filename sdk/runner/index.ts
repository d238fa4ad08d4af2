/**
 * The runner's verbs on a lab (`up`, `down`, `verify`, `check`, `status`) and the object the
 * builders delegate to.
 * @module
 */
import { check } from "./check.ts";
import { down } from "./down.ts";
import { status } from "./status.ts";
import { up } from "./up.ts";
import { verify } from "./verify.ts";

export { check, down, status, up, verify };
export { defaultStateDir, parseDuration, type Plannable } from "./context.ts";
export type { CheckOptions, CheckReport, DownOptions, DownResult, RunOptions, StatusReport, UpOptions, UpResult, VerifyOptions, VerifyReport } from "./options.ts";

/**
 * The runner as one object (what the lab builder delegates to).
 *
 * @example
 * ```ts
 * await runner.up(demo); await runner.down(demo);
 * ```
 */
export const runner: {
  readonly up: typeof up;
  readonly down: typeof down;
  readonly verify: typeof verify;
  readonly check: typeof check;
  readonly status: typeof status;
} = Object.freeze({ up, down, verify, check, status });
