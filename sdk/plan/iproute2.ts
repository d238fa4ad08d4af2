/**
 * The one place a step becomes an iproute2 command: its argv (and standard input), in the
 * namespace it runs in. The local and qemu executors run these; the shell export writes them;
 * progress output shows them. Pure.
 * @module
 */
import { netnsDir } from "./ops/hosts.ts";
import type { Netns, SlaveLink, Step } from "./ops/types.ts";

/** A command as iproute2 (or another tool) runs it. */
export interface IpCommand {
  /** Namespace to run it in (`null` = the caller's). */
  readonly netns: Netns;
  /** Program and arguments; never a shell string. */
  readonly argv: readonly string[];
  /** Data for the program's standard input. */
  readonly input?: string;
}

/** The constant script that writes one hosts file per directory; values only ever arrive as arguments. */
export const HOSTS_WRITE_SCRIPT =
  'umask 022; c=$(cat); for d in "$@"; do mkdir -p -- "$d" && printf "%s\\n" "$c" > "$d/hosts"; done';
/** The constant script that removes those hosts files (and their directory when it is left empty). */
export const HOSTS_REMOVE_SCRIPT = 'for d in "$@"; do rm -f -- "$d/hosts"; rmdir -- "$d" 2>/dev/null || true; done';

function slaveArgv(dev: string, target: string | null, link: SlaveLink): string[] {
  const argv = ["ip", "link", "add", dev];
  if (target !== null) argv.push("netns", target);
  argv.push("link", link.parent);
  if (link.mac !== null) argv.push("address", link.mac);
  if (link.mtu !== null) argv.push("mtu", String(link.mtu));
  argv.push("type", link.driver, "mode", link.mode);
  if (link.flag !== null) argv.push(link.flag);
  return argv;
}

function routeTail(family: 4 | 6, dst: string, dev: string, via: string | null): string[] {
  // `ip -batch` lines take no options such as -6, so an IPv6 default route is written `::/0`,
  // which tells iproute2 the family by itself.
  const target = family === 6 && dst === "default" ? "::/0" : dst;
  return via === null ? [target, "dev", dev] : [target, "via", via, "dev", dev];
}

function argvOf(step: Step): { argv: string[]; input?: string } {
  switch (step.kind) {
    case "netns-add":
      return { argv: ["ip", "netns", "add", step.name] };
    case "sysctl":
      return { argv: ["sysctl", "-q", "-w", ...step.settings.map((s) => `${s.key}=${s.value}`)] };
    case "parent-add":
      return { argv: ["ip", "link", "add", step.dev, "type", step.linkKind] };
    case "vlan-ensure":
      return { argv: ["ip", "link", "add", "link", step.base, "name", step.dev, "type", "vlan", "id", String(step.vid)] };
    case "link-add":
      return { argv: slaveArgv(step.dev, step.target, step.link) };
    case "shim-add":
      return { argv: slaveArgv(step.dev, null, step.link) };
    case "link-mark":
      return { argv: step.from === null ? ["ip", "link", "set", "dev", step.dev, "alias", step.alias] : ["ip", "link", "set", "dev", step.from, "name", step.dev, "alias", step.alias] };
    case "link-up":
      return { argv: ["ip", "link", "set", "dev", step.dev, "up"] };
    case "addr-add":
      return { argv: ["ip", "addr", "add", step.cidr, "dev", step.dev, ...(step.cidr.includes(":") ? ["nodad"] : [])] };
    case "route-add":
      // `replace` is idempotent: re-running after the kernel dropped (or kept) a route is safe.
      return { argv: ["ip", "route", "replace", ...routeTail(step.family, step.dst, step.dev, step.via)] };
    case "hosts-file":
      return { argv: ["sh", "-c", HOSTS_WRITE_SCRIPT, "underlay-hosts", ...step.namespaces.map(netnsDir)], input: step.content };
    case "netns-del":
      return { argv: ["ip", "netns", "del", step.name] };
    case "link-del":
      return { argv: ["ip", "link", "del", step.dev] };
    case "link-down":
      return { argv: ["ip", "link", "set", "dev", step.dev, "down"] };
    case "addr-del":
      return { argv: ["ip", "addr", "del", step.cidr, "dev", step.dev] };
    case "route-del":
      return { argv: ["ip", "route", "del", ...routeTail(step.family, step.dst, step.dev, step.via)] };
    case "hosts-remove":
      return { argv: ["sh", "-c", HOSTS_REMOVE_SCRIPT, "underlay-hosts", ...step.namespaces.map(netnsDir)] };
  }
}

/**
 * The iproute2 command of a step (an op or an undo).
 *
 * @example
 * ```ts
 * iproute2({ kind: "netns-del", netns: null, name: "demo-web" }); // { netns: null, argv: ["ip", "netns", "del", "demo-web"] }
 * iproute2(plan.ops[0]).argv.join(" ");                             // "ip netns add demo-host"
 * ```
 */
export function iproute2(step: Step): IpCommand {
  const { argv, input } = argvOf(step);
  return input === undefined ? { netns: step.netns, argv } : { netns: step.netns, argv, input };
}
