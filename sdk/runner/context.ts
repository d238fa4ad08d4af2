/**
 * What every runner verb shares: the lab as the runner sees it, the default executor and state
 * directory, and planning for the executor's kernel.
 * @module
 */
import { UnderlayError } from "../errors.ts";
import { localExecutor, type LocalExecutorOptions } from "../executor/local.ts";
import { netlinkExecutor, netlinkUsable } from "../executor/netlink/executor.ts";
import type { Executor } from "../executor/types.ts";
import type { Plan } from "../plan/plan.ts";
import type { PlanOptions } from "../plan/planner.ts";
import type { PlanData } from "../plan/types.ts";
import type { LabSpec } from "../spec/types.ts";
import { capabilities } from "./capabilities.ts";
import { silent, type EventListener } from "./events.ts";
import type { Ownership } from "./journal.ts";
import { lockLab, type LabLock } from "./lock.ts";
import type { RunOptions } from "./options.ts";
import { defaultStateDir } from "./state-dir.ts";

export { defaultStateDir } from "./state-dir.ts";

/** What `up` and `down` start from: their options' defaults, and the lab's lock (none for a dry run). */
export interface RunStart {
  /** When the run started (`performance.now()`). */
  readonly t0: number;
  readonly executor: Executor;
  readonly stateDir: string;
  readonly emit: EventListener;
  readonly concurrency: number;
  /** The lab's lock, held until released. */
  readonly lock: Pick<LabLock, "release">;
}

/**
 * Resolves a run's options (executor, state directory, listener, concurrency) and takes the lab's lock.
 *
 * @example
 * ```ts
 * const { executor, lock } = await startRun(lab, options);
 * try { … } finally { await lock.release(); }
 * ```
 */
export async function startRun(lab: Plannable, options: RunOptions & { readonly dryRun?: boolean }): Promise<RunStart> {
  const t0 = performance.now();
  const executor = options.executor ?? (await defaultExecutor());
  const stateDir = options.stateDir ?? defaultStateDir();
  const lock = options.dryRun === true ? { release: async () => {} } : await lockLab(stateDir, lab.name);
  return { t0, executor, stateDir, emit: options.onEvent ?? silent, concurrency: options.concurrency ?? 2, lock };
}

/** What the runner needs of a lab: its spec and a way to plan it. */
export interface Plannable {
  /** Lab name. */
  readonly name: string;
  /** The lab definition. */
  spec(): LabSpec;
  /** Compiles the plan. */
  plan(options?: PlanOptions): Plan;
}


/** A listener that ignores everything. */
export const noop = (): void => {};

/** The executors `UNDERLAY_EXECUTOR` names. */
const CHOICES = ["netlink", "iproute2"] as const;

/**
 * The executor for this process: `UNDERLAY_EXECUTOR=netlink|iproute2` forces one (netlink forced
 * where it cannot run is an `EXEC` error that says why); otherwise the netlink executor where it
 * can run (Bun, Deno with `-A`, Node with koffi; as root — probed once), else the local iproute2
 * executor. `local` configures the local executor (the netlink executor runs programs with it).
 *
 * @example
 * ```ts
 * const executor = await chooseExecutor({ onCommand: (c) => console.log(c.argv.join(" ")) });
 * executor.name; // "netlink" or "local"
 * ```
 */
export async function chooseExecutor(local: LocalExecutorOptions = {}, choice: string | undefined = process.env["UNDERLAY_EXECUTOR"]): Promise<Executor> {
  const wanted = choice === undefined || choice === "" ? "auto" : choice;
  if (wanted === "iproute2") return localExecutor(local);
  if (wanted === "netlink") return netlinkExecutor({ local });
  if (wanted !== "auto") {
    throw new UnderlayError("USAGE", `UNDERLAY_EXECUTOR: expected one of ${CHOICES.join(", ")} (or unset for the default) but received ${JSON.stringify(choice)}`);
  }
  return (await netlinkUsable()).usable ? netlinkExecutor({ local }) : localExecutor(local);
}

let shared: Promise<Executor> | null = null;
/** The default executor: one per process (see {@link chooseExecutor}), so the kernel is probed once. */
export function defaultExecutor(): Promise<Executor> {
  shared ??= chooseExecutor();
  shared.catch(() => (shared = null));
  return shared;
}

/**
 * Parses `"60s"`, `"2m"`, `"500ms"` or a number of ms.
 *
 * @example
 * ```ts
 * parseDuration("2m"); // 120000
 * ```
 */
export function parseDuration(value: string | number): number {
  if (typeof value === "number") return value;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(value.trim());
  if (m === null) throw new UnderlayError("USAGE", `invalid duration ${JSON.stringify(value)} — use e.g. "60s", "2m" or a number of milliseconds`);
  const n = Number(m[1]);
  const unit = m[2] ?? "ms";
  return n * (unit === "h" ? 3_600_000 : unit === "m" ? 60_000 : unit === "s" ? 1000 : 1);
}

/** The lab's plan for the kernel behind `executor` (probed once per executor). */
export async function planFor(lab: Plannable, executor: Executor, extra: PlanOptions = {}): Promise<Plan> {
  const caps = await capabilities(executor);
  return lab.plan({ ...extra, dummy: caps.kinds.dummy, nameInTarget: caps.nameInTarget });
}

/** The plan's endpoint namespaces, and those the journal says the lab created. */
export function endpointNamespaces(plan: PlanData, owned: Ownership): string[] {
  const names = new Set(plan.endpoints.map((e) => e.netns));
  for (const e of owned.ops) if (e.op.kind === "netns-add" && e.op.name !== plan.host) names.add(e.op.name);
  return [...names];
}

