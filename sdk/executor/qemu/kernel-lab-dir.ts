/**
 * Where the kernel lab keeps its assets (Debian's kernel, the initramfs, console logs).
 * @module
 */
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The kernel lab's cache directory: `${XDG_CACHE_HOME:-$HOME/.cache}/underlay/kernel-lab`.
 * `tasks/kernel-lab` prepares `kernel` and `initrd.img` there; `qemuExecutor()` boots them.
 *
 * @example
 * ```ts
 * kernelLabDir({ XDG_CACHE_HOME: "/var/cache/me" }); // "/var/cache/me/underlay/kernel-lab"
 * ```
 */
export function kernelLabDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== "" ? env.XDG_CACHE_HOME : join(env.HOME ?? homedir(), ".cache");
  return join(base, "underlay", "kernel-lab");
}
