/**
 * An executor from a program runner: steps are carried out as iproute2 commands through `run`
 * (and `runMany`, where the runner fans batches out). The local, qemu and recording executors are
 * built this way; so is any wrapper a test or a tool puts around a runner.
 * @module
 */
import type { CommandRunner, Executor } from "../types.ts";
import { applyWithIproute2 } from "./apply.ts";

/**
 * Makes an {@link Executor} whose `apply` renders steps to iproute2 commands and runs them with
 * `runner.run` / `runner.runMany`. Extra properties of `runner` are kept.
 *
 * @example
 * ```ts
 * const local = localExecutor();
 * const slow = iproute2Executor({ name: "slow", run: async (c) => { const r = await local.run(c); await sleep(50); return r; } });
 * await demo.up({ executor: slow });
 * ```
 */
export function iproute2Executor<R extends CommandRunner & { readonly name: string }>(runner: R): R & Executor {
  const executor: R & Executor = { ...runner, apply: (batches, options) => applyWithIproute2(executor, batches, options) };
  return executor;
}
