/**
 * The one error type of underlay. Every failure the SDK reports is an {@link UnderlayError}
 * with a stable {@link UnderlayErrorCode}, a message that says what to do next, and — where it
 * applies — the list of validation issues, the failing step, and the original cause.
 *
 * @example
 * ```ts
 * try { lab("x").endpoint("a", net.macvlan("n").subnet("10.0.0.5/24")).plan(); }
 * catch (e) { if (e instanceof UnderlayError && e.code === "INVALID_SPEC") console.log(e.issues); }
 * ```
 * @module
 */

/** Stable machine-readable error codes. */
export type UnderlayErrorCode =
  | "INVALID_SPEC" // the lab/network definition is wrong (see `issues`)
  | "POOL_EXHAUSTED" // IPAM has no free address left
  | "PREFLIGHT" // the machine cannot run this plan (root, iproute2, kernel, parents…)
  | "UNSUPPORTED_KERNEL" // a link kind is missing from this kernel
  | "STEP_FAILED" // an op failed during apply (rollback outcome attached)
  | "ROLLBACK_FAILED" // an op failed and rollback could not undo everything
  | "ABORTED" // apply interrupted by signal/AbortSignal (rolled back)
  | "LOCKED" // another process holds the lab lock
  | "IN_USE" // the lab is owned by another live process
  | "DRIFT" // verify found differences between the kernel and the plan
  | "EXEC" // an executor could not run a command at all
  | "TIMEOUT" // a program in an endpoint did not finish, or did not get ready, in time
  | "LEASE" // the lease store could not be read/written
  | "ROUTE" // route helper input is inconsistent
  | "USAGE"; // CLI / API misuse

/** One problem found while validating a definition; `path` names the field, e.g. `networks.pub.subnets[0].gateway`. */
export interface Issue {
  /** Dotted path of the offending field. */
  readonly path: string;
  /** What is wrong, naming the value received, and what to do. */
  readonly message: string;
}

/** Details about a failed plan step. */
export interface StepFailure {
  /** Op id from the plan. */
  readonly id: string;
  /** 1-based position of the op among the steps that ran. */
  readonly index: number;
  /** Number of steps that ran. */
  readonly total: number;
  /** The op's kind (`link-add`, `addr-add`, …). */
  readonly kind: string;
  /** The op's summary. */
  readonly summary: string;
  /** The step as an iproute2 command (what it does, for people; the executor may not have run a program). */
  readonly argv: readonly string[];
  /** Namespace the step ran in (`null` = the caller's). */
  readonly netns: string | null;
  /** What the kernel or the tool answered, in iproute2's words. */
  readonly stderr: string;
}

/** Options for {@link UnderlayError}. */
export interface UnderlayErrorOptions {
  /** Validation issues (for `INVALID_SPEC`). */
  readonly issues?: readonly Issue[];
  /** The step that failed (for `STEP_FAILED` and friends). */
  readonly step?: StepFailure;
  /** Whether rollback completed (`true`), failed (`false`), or was not attempted (`undefined`). */
  readonly rolledBack?: boolean;
  /** Any structured details (drift report, leftovers, …). */
  readonly details?: unknown;
  /** The original error. */
  readonly cause?: unknown;
}

/**
 * Typed error with a `code`; the message says what happened and what to do next.
 *
 * @example
 * ```ts
 * throw new UnderlayError("PREFLIGHT", "parent eth9 does not exist — create it or pick another with .parent()");
 * ```
 */
export class UnderlayError extends Error {
  /** Stable code, see {@link UnderlayErrorCode}. */
  readonly code: UnderlayErrorCode;
  /** Validation issues, all of them at once. */
  readonly issues: readonly Issue[];
  /** The failing step, if a step failed. */
  readonly step: StepFailure | undefined;
  /** Rollback outcome, if a rollback ran. */
  readonly rolledBack: boolean | undefined;
  /** Structured details (e.g. a drift report). */
  readonly details: unknown;

  constructor(code: UnderlayErrorCode, message: string, options: UnderlayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "UnderlayError";
    this.code = code;
    this.issues = options.issues ?? [];
    this.step = options.step;
    this.rolledBack = options.rolledBack;
    this.details = options.details;
  }

  /** A plain-object view for `--json` output and logs. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      issues: this.issues,
      step: this.step,
      rolledBack: this.rolledBack,
      details: this.details,
    };
  }
}

/**
 * Builds an `INVALID_SPEC` error listing every issue, one per line.
 *
 * @example
 * ```ts
 * throw invalidSpec([{ path: "networks.pub.mtu", message: "expected 68–65535 but received 9" }]);
 * ```
 */
export function invalidSpec(issues: readonly Issue[], what = "definition"): UnderlayError {
  const lines = issues.map((i) => `  - ${i.path}: ${i.message}`).join("\n");
  const n = issues.length;
  return new UnderlayError(
    "INVALID_SPEC",
    `Invalid ${what}: ${n} problem${n === 1 ? "" : "s"} found — fix ${n === 1 ? "it" : "them"} and try again:\n${lines}`,
    { issues },
  );
}

/** Normalises any thrown value into an `Error`. */
export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
