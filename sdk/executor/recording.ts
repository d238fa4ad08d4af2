/**
 * Recording executor: records every command (steps as their iproute2 commands, batched as the
 * local executor batches them) and answers from a scripted responder (default: success with empty
 * output). For dry runs and for tests of the runner's own logic; never a replacement for the
 * real-kernel tests.
 * @module
 */
import { iproute2Executor } from "./iproute2/executor.ts";
import type { Command, ExecResult, Executor } from "./types.ts";

/** A recording executor: an executor plus the log of what it was asked to run. */
export interface RecordingExecutor extends Executor {
  /** Every command received, in order. */
  readonly commands: readonly Command[];
}

/**
 * Creates a recording executor.
 *
 * @example
 * ```ts
 * const rec = recordingExecutor();
 * await demo.up({ executor: rec, dryRun: true });
 * console.log(rec.commands.map((c) => c.argv.join(" ")));
 * ```
 */
export function recordingExecutor(
  respond: (command: Command) => ExecResult | Promise<ExecResult> = () => ({ code: 0, stdout: "", stderr: "" }),
): RecordingExecutor {
  const commands: Command[] = [];
  return iproute2Executor<Omit<RecordingExecutor, "apply">>({
    name: "recording",
    commands,
    async run(command: Command): Promise<ExecResult> {
      commands.push(command);
      return respond(command);
    },
  });
}
