/**
 * The executor interface: the only way underlay changes or reads the kernel. The runner hands
 * it typed steps in batches (one namespace each) and never knows how they are carried out —
 * by iproute2 processes (local, qemu guest), recorded (dry runs), or by in-process netlink.
 * @module
 */
import type { Step } from "../plan/ops/types.ts";

/** A program to run: argv (argv[0] is the program), the namespace to run it in, optional stdin. */
export interface Command {
  /** Namespace to enter before running (`null` = the caller's namespace). */
  readonly netns: string | null;
  /** Program and arguments; never a shell string. */
  readonly argv: readonly string[];
  /** Data written to the program's standard input. */
  readonly input?: string;
  /** Environment variables added to the executor's own (local executor; others refuse them). */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory of the program (local executor; others refuse it). */
  readonly cwd?: string;
  /**
   * Stop the program after this many milliseconds: SIGTERM, then SIGKILL a second later. The
   * result then has `timedOut: true` and the output read so far (local executor; others refuse it).
   */
  readonly timeoutMs?: number;
}

/** What a command returned. */
export interface ExecResult {
  /** Exit code (0 = success). */
  readonly code: number;
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
  /** Milliseconds this command took, when an executor can tell it apart from others run with it (`runMany`). */
  readonly ms?: number;
  /** `true` when the program was stopped because it outlived its `timeoutMs`. */
  readonly timedOut?: boolean;
  /**
   * The signal that killed the program (`SIGTERM`, …), when one did: whatever it was doing may
   * or may not have taken effect (a namespace created just before the kill, say).
   */
  readonly signal?: string;
}

/** Steps that run in order in one namespace. */
export interface StepBatch {
  /** The namespace every step of the batch runs in (`null` = the executor's own). */
  readonly netns: string | null;
  /** The steps, in order (each step's own `netns` equals the batch's). */
  readonly steps: readonly Step[];
}

/** A step that failed. */
export interface StepError {
  /** Its 0-based position in the batch. */
  readonly index: number;
  /** What went wrong, in iproute2's words (`RTNETLINK answers: File exists`, `Cannot find device "x"` …). */
  readonly message: string;
}

/** What became of a batch. */
export interface BatchOutcome {
  /**
   * The steps that failed. Without `keepGoing`: at most one, and no step after it ran (those
   * before it succeeded). With `keepGoing`: every failed step; the others succeeded.
   */
  readonly failures: readonly StepError[];
  /**
   * `true` when the executor could not tell exactly which step failed (the failure's index is its
   * best judgement): any step of the batch may have taken effect. Rollback then undoes them all,
   * tolerating "already gone".
   */
  readonly uncertain?: boolean;
  /** Milliseconds this batch took, when the executor can tell it apart from the others. */
  readonly ms?: number;
}

/** Options of {@link Executor.apply}. */
export interface ApplyOptions {
  /** Go on past a failed step (teardown) instead of stopping the batch there (apply). */
  readonly keepGoing: boolean;
  /** Batches worked on at the same time at most. */
  readonly concurrency: number;
}

/**
 * Carries out typed steps and runs programs, optionally inside a network namespace.
 *
 * @example
 * ```ts
 * const [outcome] = await executor.apply([{ netns: null, steps: [netnsAdd("demo-web", 3, false)] }], { keepGoing: false, concurrency: 2 });
 * const r = await executor.run({ netns: "demo-web", argv: ["ping", "-c", "1", "10.0.0.3"] });
 * ```
 */
export interface Executor {
  /** Short name for logs (`local`, `recording`, `qemu`, `netlink`). */
  readonly name: string;
  /**
   * Carries out batches of steps (at most `concurrency` batches at a time) and resolves with one
   * outcome per batch, in order. Rejects only when it cannot work at all (`UnderlayError` `EXEC`).
   */
  apply(batches: readonly StepBatch[], options: ApplyOptions): Promise<BatchOutcome[]>;
  /**
   * Runs one program. Resolves with its exit code and output; rejects only when the program
   * could not be started at all (then with an `UnderlayError` of code `EXEC`).
   */
  run(command: Command): Promise<ExecResult>;
  /**
   * Runs many `ip [-options] -batch -` commands (each with its namespace and input) with at most
   * `concurrency` helper processes, returning one result per command in order. Optional: an
   * executor without it gets the commands one `run` at a time. The local executor fans them out
   * through a small shell per lane, which costs far less than one spawn per namespace from a
   * large runtime process.
   */
  runMany?(commands: readonly Command[], concurrency: number): Promise<ExecResult[]>;
  /** Reads the kernel in-process. Optional: without it, state is read with `ip -json` through `run`. */
  readonly reader?: StateReader;
  /** Probes the kernel in-process. Optional: without it, the runner probes with `ip` and `unshare` through `run`. */
  probe?(): Promise<KernelCapabilities>;
  /** Releases resources (a VM, a socket). Optional. */
  close?(): Promise<void>;
}

/**
 * One namespace as a reader returns it: the JSON values `ip -json -details` prints for
 * `link show`, `addr show`, `route show table all root 0.0.0.0/0` and `… root ::/0`, and — when
 * asked for peers — `netns list` as seen from this namespace (names with the ids it gives them).
 */
export interface KernelDump {
  /** `ip -json -details link show`. */
  readonly links: readonly unknown[];
  /** `ip -json -details addr show`. */
  readonly addrs: readonly unknown[];
  /** `ip -json -details route show table all root 0.0.0.0/0`. */
  readonly routes4: readonly unknown[];
  /** `ip -json -details route show table all root ::/0`. */
  readonly routes6: readonly unknown[];
  /** `ip -json netns list` inside this namespace, when {@link DumpOptions.peers} asked for it. */
  readonly netns?: readonly unknown[];
}

/** Options of {@link StateReader.dump}. */
export interface DumpOptions {
  /** Namespaces read at once at most. */
  readonly concurrency: number;
  /** Also name the namespaces this one knows by id (for links whose peer or parent lives elsewhere). */
  readonly peers?: boolean;
  /**
   * Only the links are wanted: a reader may leave `addrs`, `routes4` and `routes6` empty (a hint;
   * the netlink reader skips those dumps, the `ip -json` reader reads its usual batch).
   */
  readonly linksOnly?: boolean;
}

/**
 * Reads the kernel without the `ip` program (an executor that speaks netlink in-process has one).
 * Executors without a reader are read with `ip -json` through `run`; both give the same facts.
 */
export interface StateReader {
  /** The named namespaces (`/run/netns`). */
  namespaces(): Promise<ReadonlySet<string>>;
  /** Each namespace's dump, in order; `null` for one that does not exist (any more). */
  dump(namespaces: readonly (string | null)[], options: DumpOptions): Promise<(KernelDump | null)[]>;
  /** Sysctl values inside a namespace (canonical dotted keys; absent keys left out); `null` when it does not exist. */
  sysctl(netns: string | null, keys: readonly string[]): Promise<Record<string, string> | null>;
  /** File contents in the executor's mount namespace, `null` for a file that does not exist. */
  files(paths: readonly string[]): Promise<Map<string, string | null>>;
}

/** Link kinds underlay may create. */
export type LinkKind = "macvlan" | "ipvlan" | "vlan" | "dummy" | "bridge" | "veth";

/** What the kernel (and the tool) behind an executor can do. */
export interface KernelCapabilities {
  /** What carries the steps out (`iproute2-6.1.0`, `netlink (bun:ffi)`). */
  readonly tool: string;
  /** Which link kinds the kernel can create. */
  readonly kinds: Readonly<Record<LinkKind, boolean>>;
  /**
   * Whether the kernel looks a new link's name up in the namespace it is created in (Linux 6.15
   * and later) rather than in the caller's, so `ip link add eth0 netns X` works even where the
   * caller has an `eth0`.
   */
  readonly nameInTarget: boolean;
}

/** What the iproute2 step runner needs of an executor: running programs. */
export type CommandRunner = Pick<Executor, "run" | "runMany">;
