/**
 * A kernel-lab guest's life: check its assets, start qemu under the watchdog, connect to the agent,
 * wait for READY, diagnose a failed boot from qemu's stderr and the console log, power off.
 * @module
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UnderlayError } from "../../errors.ts";
import { pidAlive } from "../../lib/file-lock.ts";
import { agentSession, type AgentSession } from "./agent-session.ts";
import { consoleDiagnosis, nextConsoleLog, tail } from "./console-log.ts";
import { kernelLabDir } from "./kernel-lab-dir.ts";
import type { QemuExecutorOptions } from "./options.ts";
import { qemuArgs } from "./qemu-args.ts";
import { connectAgent, spawnQemu, waitFor } from "./qemu-process.ts";

const QBOOT = "/usr/share/qemu/qboot.rom";

/**
 * A booted guest whose agent has said READY.
 *
 * @example
 * ```ts
 * const vm: QemuVm = await bootVm({});
 * await vm.shutdown();
 * ```
 */
export interface QemuVm {
  /** The conversation with the guest's agent. */
  readonly session: AgentSession;
  /** Milliseconds from spawning qemu to the agent's first answer. */
  readonly bootMs: number;
  /** The guest's `uname -r`. */
  readonly release: string;
  /** Path of the guest console log. */
  readonly consoleLog: string;
  /** Process id of qemu itself. */
  readonly pid: number;
  /** Asks the guest to power off, then makes sure qemu is gone (SIGKILL if need be). */
  shutdown(): Promise<void>;
}

/**
 * Boots a guest from `options` (see `QemuExecutorOptions`; the command options are not read here).
 * Rejects with `EXEC` when the assets are missing, qemu cannot start, or the guest does not answer
 * in time — with qemu's stderr and the console log's tail in the message — and leaves no qemu behind.
 *
 * @example
 * ```ts
 * const vm = await bootVm({ channel: "serial" });
 * console.log(vm.release, vm.bootMs);
 * await vm.shutdown();
 * ```
 */
export async function bootVm(options: QemuExecutorOptions): Promise<QemuVm> {
  const dir = kernelLabDir();
  const kernel = options.kernel ?? join(dir, "kernel");
  const initrd = options.initrd ?? join(dir, "initrd.img");
  for (const [what, path] of [["kernel", kernel], ["initrd", initrd]] as const) {
    if (!existsSync(path)) {
      throw new UnderlayError(
        "EXEC",
        `qemu executor: ${what} ${path} does not exist — run \`bun tasks/kernel-lab/index.ts prepare\` or pass options.${what}`,
      );
    }
  }
  const accel = options.accel ?? (process.env.UNDERLAY_QEMU_ACCEL === "kvm" ? "kvm" : "tcg");
  const bootTimeoutMs = options.bootTimeoutMs ?? 120_000;
  const log = options.consoleLog ?? nextConsoleLog(dir);
  const sockDir = mkdtempSync(join(tmpdir(), "underlay-qemu-"));
  const socket = join(sockDir, "agent.sock");
  const pidfile = join(sockDir, "qemu.pid");
  const args = qemuArgs({
    kernel, initrd, accel, socket, pidfile, consoleLog: log,
    memoryMb: options.memoryMb ?? 512,
    channel: options.channel ?? "virtio",
    bios: options.bios === undefined ? (existsSync(QBOOT) ? QBOOT : null) : options.bios,
    append: options.append ?? "",
    extra: options.extraQemuArgs ?? [],
  });

  const started = performance.now();
  const proc = spawnQemu(options.qemu ?? "qemu-system-x86_64", args, sockDir);
  let sock: Socket | null = null;
  let pid = 0;
  const removeSockDir = () => rmSync(sockDir, { recursive: true, force: true });
  process.once("exit", removeSockDir);
  const hardKill = (): void => {
    sock?.destroy();
    proc.child.stdin?.destroy(); // the watchdog kills qemu
    if (!proc.exited()) proc.child.kill("SIGKILL");
    if (pid > 0 && pidAlive(pid)) process.kill(pid, "SIGKILL");
    removeSockDir();
    process.removeListener("exit", removeSockDir);
  };
  const failure = (what: string, cause?: unknown): UnderlayError => {
    hardKill();
    let consoleText = "";
    try {
      consoleText = readFileSync(log, "utf8");
    } catch {
      /* no console output at all */
    }
    const notable = consoleDiagnosis(consoleText);
    const kvmHint = accel === "kvm" ? "; try UNDERLAY_QEMU_ACCEL=tcg (KVM hangs on some machines)" : "";
    const stderr = proc.stderr().split("\n").filter((l) => !l.includes("QEMU waiting for connection")).join("\n").trim();
    return new UnderlayError(
      "EXEC",
      `qemu guest ${what}${notable.length > 0 ? `: ${notable.join(" / ")}` : ""} — check the console log ${log}${kvmHint}, ` +
        `and that ${kernel} and ${initrd} come from \`bun tasks/kernel-lab/index.ts prepare\`.\n` +
        `qemu stderr:\n${stderr || "(empty)"}\nconsole log tail:\n${tail(consoleText) || "(empty)"}`,
      { cause },
    );
  };

  const connected = await connectAgent(socket, proc);
  if (connected instanceof Error) throw failure(`did not start or made no agent socket (${connected.message})`, connected);
  if (proc.exited()) throw failure("exited before its agent socket was ready");
  sock = connected;
  const session = agentSession(connected, log);
  const boot: { ready: { release: string } | Error | null } = { ready: null };
  void session.ready.then((r) => (boot.ready = r));
  await waitFor(() => boot.ready !== null || proc.exited(), bootTimeoutMs, 20);
  const ready = boot.ready;
  if (ready === null) {
    throw failure(proc.exited() ? "exited before its agent answered" : `did not boot within ${Math.round(bootTimeoutMs / 1000)} s (${accel})`);
  }
  if (ready instanceof Error) throw failure("stopped before its agent answered", ready);
  const bootMs = Math.round(performance.now() - started);
  pid = Number(readFileSync(pidfile, "utf8").trim());

  const shutdown = async (): Promise<void> => {
    if (!proc.exited()) {
      await session.quit(3000);
      await waitFor(() => proc.exited(), 5000, 20);
    }
    hardKill();
    await waitFor(() => proc.exited() && !pidAlive(pid), 5000, 20);
  };
  return { session, bootMs, release: ready.release, consoleLog: log, pid, shutdown };
}
