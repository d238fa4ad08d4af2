/**
 * Teardown's first step: the processes living in the namespaces a `down` is about to delete are
 * stopped (SIGTERM, then SIGKILL after the grace period), whoever started them — otherwise they
 * would outlive the lab in namespaces that no longer have a name. On this machine only: other
 * executors' processes are not this process's to see.
 * @module
 */
import { localNetnsDir } from "../executor/local.ts";
import { stopNetnsProcesses, type StoppedProcess } from "../executor/netns-processes.ts";
import type { Executor } from "../executor/types.ts";

/**
 * Stops every process in `namespaces` when `executor` runs on this machine; resolves with what
 * it stopped (nothing for other executors).
 *
 * @example
 * ```ts
 * const stopped = await stopLabProcesses(localExecutor(), ["demo-web", "demo-db"], 1000);
 * ```
 */
export async function stopLabProcesses(executor: Executor, namespaces: readonly string[], graceMs = 1000): Promise<readonly StoppedProcess[]> {
  const netnsDir = localNetnsDir(executor);
  if (netnsDir === null || namespaces.length === 0) return [];
  return stopNetnsProcesses(namespaces, { netnsDir, graceMs });
}
