/**
 * Exit codes of the `underlay` CLI, and the mapping from errors to them.
 * @module
 */
import { UnderlayError } from "../../sdk/index.ts";

/**
 * Exit codes: `0` ok; `1` failure (a step failed and was rolled back, preflight refused, lock
 * held…); `2` usage or validation error (nothing was touched); `3` drift found by `verify`, or
 * `check` saw reachability differ from the expected matrix; `128+n` interrupted by signal n.
 *
 * @example
 * ```ts
 * process.exitCode = EXIT.DRIFT;
 * ```
 */
export const EXIT: { readonly OK: 0; readonly FAILURE: 1; readonly USAGE: 2; readonly DRIFT: 3 } = Object.freeze({ OK: 0, FAILURE: 1, USAGE: 2, DRIFT: 3 });

const SIGNALS: Readonly<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** The signal an `ABORTED` error records in its details, if any. */
export function signalOf(error: unknown): string | null {
  if (!(error instanceof UnderlayError) || error.code !== "ABORTED") return null;
  const d = error.details as { signal?: unknown } | undefined;
  if (typeof d?.signal === "string") return d.signal;
  return /received (SIG[A-Z]+)/.exec(error.message)?.[1] ?? null;
}

/**
 * The exit code for an error.
 *
 * @example
 * ```ts
 * exitCodeOf(new UnderlayError("INVALID_SPEC", "…")); // 2
 * ```
 */
export function exitCodeOf(error: unknown): number {
  if (!(error instanceof UnderlayError)) return EXIT.FAILURE;
  switch (error.code) {
    case "USAGE":
    case "INVALID_SPEC":
    case "POOL_EXHAUSTED":
      return EXIT.USAGE;
    case "DRIFT":
      return EXIT.DRIFT;
    case "ABORTED": {
      const sig = signalOf(error);
      return sig !== null && SIGNALS[sig] !== undefined ? 128 + (SIGNALS[sig] as number) : EXIT.FAILURE;
    }
    default:
      return EXIT.FAILURE;
  }
}
