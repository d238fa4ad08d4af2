/**
 * `underlay/qemu`: the kernel lab's executor — a Debian kernel booted under qemu, driven through a
 * small agent in the guest — for proving what this machine's kernel cannot (ipvlan, 802.1Q VLANs,
 * dummy parents) with the same runner.
 *
 * @example
 * ```ts
 * import { qemuExecutor } from "underlay/qemu";
 * const vm = await qemuExecutor();
 * try { await demo.up({ executor: vm }); } finally { await vm.close(); }
 * ```
 * @module
 */
export { qemuExecutor } from "./executor.ts";
export { kernelLabDir } from "./kernel-lab-dir.ts";
export type { QemuExecutor, QemuExecutorOptions } from "./options.ts";
