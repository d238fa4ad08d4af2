/**
 * Qemu executor: boots a small Linux guest (Debian's stock kernel + a busybox initramfs, built by
 * `tasks/kernel-lab`) and runs commands inside it, so ipvlan, 802.1Q VLANs and dummy parents can
 * be proved on a real kernel even where the host kernel lacks them.
 *
 * The guest runs a busybox `sh` agent (`agent-script.ts`) on a virtio-serial port (or, as a slower
 * fallback, the second 16550 serial port), which qemu exposes as a Unix socket; the protocol is in
 * `agent-protocol.ts`, the guest's life (boot, diagnosis, power-off) in `vm.ts`. Steps run as
 * iproute2 commands through the agent, one command at a time. `node:` builtins only.
 * @module
 */
import { UnderlayError } from "../../errors.ts";
import { iproute2Executor } from "../iproute2/executor.ts";
import type { Command, ExecResult } from "../types.ts";
import type { QemuExecutor, QemuExecutorOptions } from "./options.ts";
import { bootVm } from "./vm.ts";

/**
 * Boots a guest and returns an executor that runs commands in it, one at a time (concurrent calls
 * queue). Rejects with `EXEC` when the assets are missing, qemu cannot start, or the guest does
 * not answer in time (with qemu's stderr and the console log's tail in the message).
 *
 * @example
 * ```ts
 * const vm = await qemuExecutor();            // 2–5 s under TCG
 * const r = await vm.run({ netns: null, argv: ["ip", "link", "add", "d0", "type", "dummy"] });
 * await vm.close();
 * ```
 */
export async function qemuExecutor(options: QemuExecutorOptions = {}): Promise<QemuExecutor> {
  const timeoutMs = options.commandTimeoutMs ?? 0;
  const vm = await bootVm(options);
  let chain: Promise<unknown> = Promise.resolve();
  let closed = false;
  const runOne = async (command: Command): Promise<ExecResult> => {
    if (closed) throw new UnderlayError("EXEC", "qemu executor is closed — boot a new one with qemuExecutor()");
    const extra = (["env", "cwd", "timeoutMs"] as const).filter((k) => command[k] !== undefined);
    if (extra.length > 0) {
      throw new UnderlayError("EXEC", `the qemu guest agent runs argv and input only, but received ${extra.join(", ")} for ${command.argv.join(" ")} — run the program through env/sh inside the guest, or use the local executor`);
    }
    options.onCommand?.(command);
    const event = await vm.session.request(command, timeoutMs);
    if (event.type === "not-found") {
      throw new UnderlayError(
        "EXEC",
        `cannot run ${command.argv[0]} in the qemu guest: not found — the guest has busybox applets and iproute2's ip; ` +
          `add the program to tasks/kernel-lab/initramfs.ts`,
      );
    }
    return { code: event.code, stdout: event.stdout, stderr: event.stderr };
  };
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await chain;
    await vm.shutdown();
  };
  return iproute2Executor({
    name: "qemu",
    bootMs: vm.bootMs,
    release: vm.release,
    consoleLog: vm.consoleLog,
    pid: vm.pid,
    run(command: Command): Promise<ExecResult> {
      const result = chain.then(() => runOne(command));
      chain = result.catch(() => undefined);
      return result;
    },
    close,
  });
}
