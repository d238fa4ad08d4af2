/**
 * Options and results of the runner's public operations.
 * @module
 */
import type { StoppedProcess } from "../executor/netns-processes.ts";
import type { Executor } from "../executor/types.ts";
import type { LiveLab } from "../live/types.ts";
import type { Plan } from "../plan/plan.ts";
import type { EndpointInfo } from "../plan/types.ts";
import type { OpOutcome } from "./apply.ts";
import type { EventListener } from "./events.ts";
import type { Probe } from "./reachability.ts";

/** Options shared by every runner operation. */
export interface RunOptions {
  /** Executor (default: the netlink executor where it can run, else the local iproute2 one — see `chooseExecutor`). */
  readonly executor?: Executor;
  /** Where journals and locks live (default `$UNDERLAY_STATE_DIR` or `/run/underlay`). */
  readonly stateDir?: string;
  /** Progress events. */
  readonly onEvent?: EventListener;
  /** Namespaces worked on in parallel (default 2, the core count of our machines). */
  readonly concurrency?: number;
}

/** Options of `up`. */
export interface UpOptions extends RunOptions {
  /** Compute and report the changes without making them. */
  readonly dryRun?: boolean;
  /** Aborting rolls back what this run changed. */
  readonly signal?: AbortSignal;
  /** Roll back by itself unless `result.confirm()` is called within this time (`"60s"`, `"2m"`, or ms). */
  readonly confirmWithin?: string | number;
  /** Read every endpoint namespace even when the journal says the last run completed. */
  readonly deep?: boolean;
  /** Roll back on SIGINT/SIGTERM, then re-raise the signal (default `true`). */
  readonly handleSignals?: boolean;
  /** Write `/etc/netns/<ns>/hosts` files (default `true`). */
  readonly hostsFiles?: boolean;
  /**
   * The lab outlives this process (default `false`): no owner is recorded, so another process may
   * bring it up or down and `underlay gc` never removes it — only `down` does. Without it the
   * calling process owns the lab: `up` and `down` from another live process are refused
   * (`IN_USE`), and once this process is gone without tearing it down, `gc`/`reap` remove it.
   * `underlay up` (the CLI) always brings labs up this way.
   */
  readonly persist?: boolean;
}

/** Options of `verify`. */
export interface VerifyOptions extends RunOptions {
  /** Throw `UnderlayError("DRIFT")` when the kernel differs from the plan (default `true`). */
  readonly throwOnDrift?: boolean;
}

/** Options of `down`. */
export interface DownOptions extends RunOptions {
  /** Report what would be removed without removing it. */
  readonly dryRun?: boolean;
  /**
   * Tear down even a lab that another live process owns (default `false`: `IN_USE`), and even
   * when that destroys links outside the lab — a veth someone connected to an endpoint dies with
   * it, and so does its other end (default: refused with `PREFLIGHT`, nothing changed).
   */
  readonly force?: boolean;
  /** Milliseconds a process left in the lab's namespaces gets between SIGTERM and SIGKILL (default 1000). */
  readonly graceMs?: number;
}

/** Options of `check`. */
export interface CheckOptions extends RunOptions {
  /** Pings in flight at most (default 8). */
  readonly parallel?: number;
  /** Per-ping timeout in seconds (default 1). */
  readonly timeout?: number;
}

/**
 * Result of `up`: the lab that is up — its endpoints, programs run in them, ports forwarded to
 * the caller ({@link LiveLab}) — and its teardown. `await using` tears the lab down at scope exit.
 */
export interface UpResult extends AsyncDisposable, LiveLab {
  /** Lab name. */
  readonly lab: string;
  /** Number of steps that changed something (0 = already up). */
  readonly changed: number;
  /** Every plan step with its outcome and time. */
  readonly ops: readonly OpOutcome[];
  /** Endpoints with interfaces, addresses and routes. */
  readonly endpoints: readonly EndpointInfo[];
  /** The plan that was applied. */
  readonly plan: Plan;
  /** Whether this was a dry run. */
  readonly dryRun: boolean;
  /** Wall time in ms. */
  readonly ms: number;
  /** Confirms a `confirmWithin` change (cancels the automatic rollback). */
  confirm(): void;
  /** Resolves `true` if the change was rolled back by the dead-man timer, `false` once confirmed. */
  readonly settled: Promise<boolean>;
  /** Tears the lab down: closes its forwards, stops the processes left in its namespaces, removes what it created. */
  down(options?: DownOptions): Promise<DownResult>;
}

/** Result of `down`. */
export interface DownResult {
  /** Lab name. */
  readonly lab: string;
  /** Steps undone (namespace deletions count once; what they contained goes with them). */
  readonly removed: number;
  /** Ids of the steps undone one by one (steps inside deleted namespaces go with them and are only counted). */
  readonly ids: readonly string[];
  /** Processes that were still running in the lab's namespaces and were stopped (local executor). */
  readonly stopped: readonly StoppedProcess[];
  /** Wall time in ms. */
  readonly ms: number;
}

/** One difference found by `verify`. */
export interface DriftItem {
  /** Plan op id, or the name of an extra object. */
  readonly id: string;
  /** What the plan says. */
  readonly summary: string;
  /** What is wrong. */
  readonly reason: string;
}

/** Result of `verify`. */
export interface VerifyReport {
  /** Lab name. */
  readonly lab: string;
  /** No differences. */
  readonly clean: boolean;
  /** Facts checked. */
  readonly checked: number;
  /** Planned objects that are missing. */
  readonly missing: readonly DriftItem[];
  /** Planned objects that exist but differ. */
  readonly different: readonly DriftItem[];
  /** Owned objects the plan does not have. */
  readonly extra: readonly DriftItem[];
}

/** A probe with what was seen. */
export interface ProbeResult extends Probe {
  /** Whether the ping succeeded. */
  readonly seen: boolean;
}

/** Result of `check`. */
export interface CheckReport {
  /** Lab name. */
  readonly lab: string;
  /** Every expectation met. */
  readonly ok: boolean;
  /** All probes. */
  readonly probes: readonly ProbeResult[];
  /** The matrix as a text table (rows: from, columns: to; `✓` reachable, `·` unreachable, `!` unexpected). */
  readonly table: string;
}

/** Result of `status`. */
export interface StatusReport {
  /** Lab name. */
  readonly lab: string;
  /** Whether every planned step is in place. */
  readonly up: boolean;
  /** Steps in place. */
  readonly inPlace: number;
  /** Steps missing (would run on `up`). */
  readonly missing: readonly string[];
  /** Steps the journal says this lab owns. */
  readonly owned: number;
  /** Whether the last run completed. */
  readonly complete: boolean;
  /** Objects found in place that underlay does not own (pre-existing VLAN links…). */
  readonly foundInPlace: readonly string[];
  /** Planner notes (fallbacks, ignored gateways). */
  readonly notes: readonly string[];
}
