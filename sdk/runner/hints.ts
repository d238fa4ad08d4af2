/**
 * Turns iproute2's terse answers into diagnoses that say what to do next.
 * @module
 */
import type { Op } from "../plan/ops/types.ts";

const KERNEL_OPTION: Readonly<Record<string, string>> = {
  ipvlan: "CONFIG_IPVLAN",
  macvlan: "CONFIG_MACVLAN",
  vlan: "CONFIG_VLAN_8021Q",
  dummy: "CONFIG_DUMMY",
  bridge: "CONFIG_BRIDGE",
  veth: "CONFIG_VETH",
};

/** The kernel option behind a link kind (e.g. `ipvlan` → `CONFIG_IPVLAN`). */
export function kernelOption(kind: string): string {
  return KERNEL_OPTION[kind] ?? `the ${kind} driver`;
}

/** The link kind a step creates, or `null`. */
function createdKind(step: Op): string | null {
  switch (step.kind) {
    case "link-add":
    case "shim-add":
      return step.link.driver;
    case "parent-add":
      return step.linkKind;
    case "vlan-ensure":
      return "vlan";
    default:
      return null;
  }
}

/**
 * A hint for a failed step, or `""`.
 *
 * @example
 * ```ts
 * hintFor(linkAddOp, "Error: Unknown device type.");
 * // " — this kernel lacks CONFIG_IPVLAN; see README › Kernel support (the kernel lab proves it on a Debian kernel)"
 * ```
 */
export function hintFor(step: Op, stderr: string): string {
  const kind = createdKind(step);
  const mtu = (step.kind === "link-add" || step.kind === "shim-add") && step.link.mtu !== null;
  if (/Unknown device type|Operation not supported|not supported/i.test(stderr) && kind !== null) {
    return ` — this kernel lacks ${kernelOption(kind)}; see README › Kernel support (the kernel lab proves it on a Debian kernel)`;
  }
  if (/Device or resource busy/i.test(stderr)) {
    return " — the parent already carries links of the other driver (macvlan and ipvlan cannot share a parent); use a VLAN sub-interface or another parent";
  }
  if (/File exists/i.test(stderr)) {
    return " — the object already exists; if it is not underlay's, rename yours, otherwise run `underlay down` first";
  }
  if (/Cannot find device|does not exist/i.test(stderr)) {
    return " — the device is missing; create the parent interface first, or use sandbox mode";
  }
  if (/Invalid argument/i.test(stderr) && mtu) {
    return " — the MTU is probably above the parent's; lower it with .mtu() or raise the parent's";
  }
  if (/Operation not permitted|Permission denied/i.test(stderr)) {
    return " — run as root (CAP_NET_ADMIN and CAP_SYS_ADMIN are needed)";
  }
  return "";
}

/** Whether an undo failed only because the object is already gone (fine during teardown). */
export function alreadyGone(stderr: string): boolean {
  return /Cannot find device|does not exist|No such file or directory|No such process|Cannot assign requested address|ESRCH|not found/i.test(stderr);
}
