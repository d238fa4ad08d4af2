/**
 * The qemu command line of a kernel-lab guest (pure).
 * @module
 */

/** Inputs of {@link qemuArgs} (see `QemuExecutorOptions` for their meaning). */
export interface QemuArgsInput {
  /** Kernel image. */
  readonly kernel: string;
  /** Initramfs. */
  readonly initrd: string;
  /** Accelerator. */
  readonly accel: "tcg" | "kvm";
  /** Guest memory in MiB. */
  readonly memoryMb: number;
  /** Agent transport. */
  readonly channel: "serial" | "virtio";
  /** Unix socket path of the agent chardev. */
  readonly socket: string;
  /** Where qemu writes its pid. */
  readonly pidfile: string;
  /** Console (ttyS0) log file. */
  readonly consoleLog: string;
  /** Firmware, `null` for qemu's default. */
  readonly bios: string | null;
  /** Extra kernel command line words. */
  readonly append: string;
  /** Extra qemu arguments. */
  readonly extra: readonly string[];
}

/**
 * The qemu argv (without the binary) for a boot: no NIC and no default devices (nothing can leave
 * the machine), the console on ttyS0 into a file, the agent port on a Unix socket.
 *
 * @example
 * ```ts
 * qemuArgs({ ...input, channel: "virtio" }).includes("virtserialport,chardev=agent,name=underlay.agent"); // true
 * ```
 */
export function qemuArgs(o: QemuArgsInput): string[] {
  const agentDev = o.channel === "serial" ? "/dev/ttyS1" : "/dev/vport0p1";
  // norandmaps: fixed guest addresses let TCG reuse its translations across execs (ip: 40 → 14 ms).
  const cmdline = `console=ttyS0 quiet panic=-1 norandmaps underlay.agent=${agentDev}${o.append === "" ? "" : ` ${o.append}`}`;
  return [
    ...["-nodefaults", "-no-user-config", "-display", "none", "-monitor", "none", "-nic", "none"],
    ...["-machine", "pc", "-accel", o.accel, "-m", String(o.memoryMb), "-smp", "1", "-no-reboot"],
    ...(o.bios === null ? [] : ["-bios", o.bios]),
    ...["-kernel", o.kernel, "-initrd", o.initrd, "-append", cmdline],
    ...["-serial", `file:${o.consoleLog}`, "-pidfile", o.pidfile],
    ...["-chardev", `socket,id=agent,path=${o.socket},server=on,wait=on`],
    ...(o.channel === "serial"
      ? ["-serial", "chardev:agent"]
      : ["-device", "virtio-serial-pci", "-device", "virtserialport,chardev=agent,name=underlay.agent"]),
    ...o.extra,
  ];
}
