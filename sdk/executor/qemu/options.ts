/**
 * The qemu executor's public types: its options and what it is.
 * @module
 */
import type { Command, Executor } from "../types.ts";

/**
 * Options of `qemuExecutor()`.
 *
 * @example
 * ```ts
 * const options: QemuExecutorOptions = { channel: "serial", commandTimeoutMs: 30_000 };
 * ```
 */
export interface QemuExecutorOptions {
  /** Kernel image (default `<kernelLabDir()>/kernel`, made by `tasks/kernel-lab prepare`). */
  readonly kernel?: string;
  /** Initramfs (default `<kernelLabDir()>/initrd.img`). */
  readonly initrd?: string;
  /** `tcg` (default; or `UNDERLAY_QEMU_ACCEL`) or `kvm` (only where KVM really works). */
  readonly accel?: "tcg" | "kvm";
  /** Guest memory in MiB (default 512). */
  readonly memoryMb?: number;
  /**
   * Agent transport: a virtio-serial port (`virtio`, default: about 5 ms per command and fast bulk
   * transfer) or a second 16550 serial port (`serial`: about 8 ms, ~300 KB/s out, ~80 KB/s in).
   */
  readonly channel?: "serial" | "virtio";
  /** How long boot may take before it fails (default 120 s; TCG needs 2–5 s). */
  readonly bootTimeoutMs?: number;
  /**
   * Per-command limit, enforced in the guest with SIGKILL (exit code 137); the executor gives up
   * on the guest 10 s after it (default 0 = no limit).
   */
  readonly commandTimeoutMs?: number;
  /** Guest console log file (default `<kernelLabDir()>/logs/console-<pid>-<n>.log`, newest 20 kept). */
  readonly consoleLog?: string;
  /** qemu binary (default `qemu-system-x86_64`). */
  readonly qemu?: string;
  /** Firmware; default qboot (`/usr/share/qemu/qboot.rom`, faster than SeaBIOS) when installed; `null` = qemu's default. */
  readonly bios?: string | null;
  /** Extra kernel command line words. */
  readonly append?: string;
  /** Extra qemu arguments, appended last (e.g. `["-cpu", "max"]`). */
  readonly extraQemuArgs?: readonly string[];
  /** Called with every command before it runs (for `--verbose`). */
  readonly onCommand?: (command: Command) => void;
}

/**
 * An executor backed by a booted qemu guest.
 *
 * @example
 * ```ts
 * const vm: QemuExecutor = await qemuExecutor();
 * console.log(vm.release, vm.bootMs); // "6.1.0-57-amd64" 2400
 * ```
 */
export interface QemuExecutor extends Executor {
  /** Milliseconds from spawning qemu to the agent's first answer. */
  readonly bootMs: number;
  /** The guest's `uname -r`. */
  readonly release: string;
  /** Path of the guest console log (kernel messages, init output). */
  readonly consoleLog: string;
  /** Process id of qemu itself (for diagnostics and leak checks). */
  readonly pid: number;
  /** Powers the guest off and makes sure qemu is gone. Idempotent. */
  close(): Promise<void>;
}
