/**
 * Op constructors: one function per kind of step, each rendering its `argv`, its `undo`, and
 * the fact it establishes. Pure.
 * @module
 */
import { flat } from "../spec/flat.ts";
import { pendingLinkName, shortHash } from "../spec/names.ts";
import type { Command, Fact, Op } from "./types.ts";

type Ns = string | null;



function cmd(netns: Ns, argv: readonly string[], input?: string): Command {
  return input === undefined ? { netns, argv } : { netns, argv, input };
}

/** Creates a named network namespace (runs in the caller's namespace; `ip netns add` must not run under `ip -n`). */
export function netnsAdd(name: string, phase: number, ensure: boolean): Op {
  return {
    id: flat(`netns:${name}`),
    kind: "netns-add",
    phase,
    netns: null,
    argv: ["ip", "netns", "add", name],
    undo: cmd(null, ["ip", "netns", "del", name]),
    ensure,
    scope: null,
    fact: { type: "netns", name },
    summary: flat(`${ensure ? "ensure" : "create"} namespace ${name}`),
  };
}

/** Disables IPv6 router advertisements and autoconf inside an endpoint namespace (no stray SLAAC). */
export function sysctlNoRa(netns: string, phase: number): Op {
  const keys = [
    "net.ipv6.conf.all.accept_ra=0",
    "net.ipv6.conf.default.accept_ra=0",
    "net.ipv6.conf.all.autoconf=0",
    "net.ipv6.conf.default.autoconf=0",
  ];
  return {
    id: flat(`sysctl:${netns}`),
    kind: "sysctl",
    phase,
    netns: netns,
    argv: ["sysctl", "-q", "-w", ...keys],
    undo: null,
    ensure: false,
    scope: netns,
    fact: { type: "sysctl", netns, key: "net.ipv6.conf.default.accept_ra", value: "0" },
    summary: flat(`disable IPv6 RA/autoconf in ${netns}`),
  };
}

/** Creates a parent link owned by the lab (a sandbox stand-in or a dummy parent). */
export function parentAdd(netns: Ns, name: string, kind: string, phase: number, why: string): Op {
  return {
    id: flat(`parent:${name}`),
    kind: "parent-add",
    phase,
    netns: netns,
    argv: ["ip", "link", "add", name, "type", kind],
    undo: cmd(netns, ["ip", "link", "del", name]),
    ensure: false,
    scope: netns,
    fact: { type: "link", netns, name, kind, attrs: {} },
    summary: flat(`create ${kind} ${name} (${why})`),
  };
}

/** Creates a VLAN sub-interface if it is missing; its undo runs only if this step created it. */
export function vlanEnsure(netns: Ns, name: string, base: string, vid: number, phase: number): Op {
  return {
    id: flat(`vlan:${name}`),
    kind: "vlan-ensure",
    phase,
    netns: netns,
    argv: ["ip", "link", "add", "link", base, "name", name, "type", "vlan", "id", String(vid)],
    undo: cmd(netns, ["ip", "link", "del", name]),
    ensure: true,
    scope: null,
    fact: { type: "link", netns, name, kind: "vlan", attrs: { vlanId: vid, parent: base } },
    summary: flat(`ensure VLAN ${vid} sub-interface ${name} on ${base}`),
  };
}

/** Sets the ownership mark (ifalias) on a link. */
export function markLink(netns: Ns, name: string, mark: string, phase: number, scope: Ns, dependsOn?: string): Op {
  const op: Op = {
    id: flat(`mark:${netns ?? "-"}:${name}`),
    kind: "link-set",
    phase,
    netns: netns,
    argv: ["ip", "link", "set", "dev", name, "alias", mark],
    undo: null,
    ensure: false,
    scope,
    fact: { type: "alias", netns, name, alias: mark },
    summary: flat(`mark ${name} as ${mark}`),
  };
  return dependsOn === undefined ? op : { ...op, dependsOn };
}

/** Brings a link up. */
export function linkUp(netns: Ns, name: string, phase: number, scope: Ns, dependsOn?: string): Op {
  const op: Op = {
    id: flat(`up:${netns ?? "-"}:${name}`),
    kind: "link-set",
    phase,
    netns: netns,
    argv: ["ip", "link", "set", "dev", name, "up"],
    undo: scope === null ? cmd(netns, ["ip", "link", "set", "dev", name, "down"]) : null,
    ensure: false,
    scope,
    fact: { type: "link-up", netns, name },
    summary: flat(`bring ${name} up${netns === null ? "" : ` in ${netns}`}`),
  };
  return dependsOn === undefined ? op : { ...op, dependsOn };
}

/** What an endpoint link looks like. */
export interface SlaveLink {
  /** Namespace the link lives in. */
  readonly target: string;
  /** Interface name inside it (`eth0`…). */
  readonly name: string;
  /** Parent link in the host namespace. */
  readonly parent: string;
  /** `macvlan` or `ipvlan`. */
  readonly driver: "macvlan" | "ipvlan";
  /** Mode (`bridge`, `l2`, …). */
  readonly mode: string;
  /** Ipvlan flag, or null. */
  readonly flag: string | null;
  /** MAC (macvlan only). */
  readonly mac: string | null;
  /** MTU or null. */
  readonly mtu: number | null;
}

/** `ip link add <name> netns <target> link <parent> [address] [mtu] type <driver> mode <mode> [flag]` argv tail. */
export function slaveArgv(link: SlaveLink, inPlace: boolean): string[] {
  const argv = ["ip", "link", "add", link.name];
  if (inPlace) argv.push("netns", link.target);
  argv.push("link", link.parent);
  if (link.mac !== null) argv.push("address", link.mac);
  if (link.mtu !== null) argv.push("mtu", String(link.mtu));
  argv.push("type", link.driver, "mode", link.mode);
  if (link.flag !== null) argv.push(link.flag);
  return argv;
}

/** Attributes a slave link must show when read back. */
export function slaveAttrs(link: SlaveLink): Record<string, string | number> {
  const attrs: Record<string, string | number> = { mode: link.mode };
  if (link.flag !== null) attrs.flag = link.flag;
  if (link.mac !== null) attrs.mac = link.mac;
  if (link.mtu !== null) attrs.mtu = link.mtu;
  return attrs;
}

/**
 * Both steps of an endpoint link: created directly inside its namespace (run in the host
 * namespace with `netns <target>`; never moved afterwards — moving costs ~16 ms per link,
 * creating in place ~0.3 ms), then named and marked inside the target in one line (the first of
 * the namespace's batch). Both steps share one fact: both run, or neither.
 *
 * Kernels before 6.15 look a new link's name up in the *caller's* namespace, so creating `eth0`
 * in place fails ("File exists") wherever the host has an `eth0` (found by the kernel lab on
 * Debian's 6.1): there (`nameInTarget` false) the link is created under a temporary name and the
 * second step renames it. Where the kernel looks in the target (`nameInTarget` true), the link
 * gets its final name at once and the second step only marks it — a rename costs the kernel a
 * sysfs rename, about 0.4 ms of CPU per endpoint.
 */
export function linkSteps(
  host: Ns,
  link: SlaveLink,
  phase: { readonly add: number; readonly rename: number } | number,
  mark: string,
  nameInTarget = false,
): [Op, Op] {
  const created = nameInTarget ? link.name : pendingLinkName(link.target, link.name);
  const fact: Fact = { type: "link", netns: link.target, name: link.name, kind: link.driver, attrs: { ...slaveAttrs(link), alias: mark } };
  const add: Op = {
    id: flat(`link:${link.target}:${link.name}`),
    kind: "link-add",
    phase: typeof phase === "number" ? phase : phase.add,
    netns: host,
    argv: slaveArgv({ ...link, name: created }, true),
    // Undone before the second step ran (a failed step right after it); afterwards that step's
    // undo removes the link and this one finds nothing ("already gone" is fine when undoing).
    undo: { netns: link.target, argv: ["ip", "link", "del", created] },
    ensure: false,
    scope: link.target,
    fact,
    summary: flat(`create ${link.driver} ${link.name} in ${link.target} on ${link.parent} (${link.mode}${link.flag === null ? "" : ` ${link.flag}`})`),
  };
  const second: Op = nameInTarget
    ? {
        id: flat(`mark:${link.target}:${link.name}`),
        kind: "link-set",
        phase: typeof phase === "number" ? phase : phase.rename,
        netns: link.target,
        argv: ["ip", "link", "set", "dev", link.name, "alias", mark],
        undo: { netns: link.target, argv: ["ip", "link", "del", link.name] },
        ensure: false,
        scope: link.target,
        fact,
        summary: flat(`mark ${link.name} in ${link.target} as ${mark}`),
      }
    : {
        id: flat(`rename:${link.target}:${link.name}`),
        kind: "link-set",
        phase: typeof phase === "number" ? phase : phase.rename,
        netns: link.target,
        argv: ["ip", "link", "set", "dev", created, "name", link.name, "alias", mark],
        undo: { netns: link.target, argv: ["ip", "link", "del", link.name] },
        ensure: false,
        scope: link.target,
        fact,
        summary: flat(`name ${link.name} in ${link.target} (created as ${created}) and mark it ${mark}`),
      };
  return [add, second];
}

/** Creates a host-access shim link in the host namespace. */
export function shimAdd(host: Ns, link: SlaveLink, phase: number): Op {
  return {
    id: flat(`shim:${link.name}`),
    kind: "shim-add",
    phase,
    netns: host,
    argv: slaveArgv(link, false),
    undo: cmd(host, ["ip", "link", "del", link.name]),
    ensure: false,
    scope: null,
    fact: { type: "link", netns: host, name: link.name, kind: link.driver, attrs: slaveAttrs(link) },
    summary: flat(`create host-access shim ${link.name} (${link.driver} ${link.mode}) on ${link.parent}`),
  };
}

/** Adds an address; IPv6 addresses get `nodad` (no duplicate-address-detection delay). */
export function addrAdd(netns: Ns, dev: string, cidr: string, phase: number, scope: Ns): Op {
  const v6 = cidr.includes(":");
  const argv = ["ip", "addr", "add", cidr, "dev", dev];
  if (v6) argv.push("nodad");
  return {
    id: flat(`addr:${netns ?? "-"}:${dev}:${cidr}`),
    kind: "addr-add",
    phase,
    netns: netns,
    argv: argv,
    undo: scope === null ? cmd(netns, ["ip", "addr", "del", cidr, "dev", dev]) : cmd(netns, ["ip", "addr", "del", cidr, "dev", dev]),
    ensure: false,
    scope,
    fact: { type: "addr", netns, dev, cidr },
    summary: flat(`add ${cidr} to ${dev}${netns === null ? "" : ` in ${netns}`}`),
  };
}

/** Adds a route (`default via <gw>`, `default dev <dev>`, or `<dst> dev <dev>`). */
export function routeAdd(netns: Ns, family: 4 | 6, dst: string, dev: string, via: string | null, phase: number, scope: Ns): Op {
  // `ip -batch` lines take no options such as -6, so an IPv6 default route is written `::/0`,
  // which tells iproute2 the family by itself.
  const target = family === 6 && dst === "default" ? "::/0" : dst;
  const tail = via === null ? [target, "dev", dev] : [target, "via", via, "dev", dev];
  const fam: string[] = [];
  const fact: Fact =
    via === null
      ? { type: "route", netns, family, dst, dev }
      : { type: "route", netns, family, dst, dev, via };
  return {
    id: flat(`route:${netns ?? "-"}:${dev}:${family}:${dst}`),
    kind: "route-add",
    phase,
    // `replace` is idempotent: re-running after the kernel dropped (or kept) a route is safe.
    netns: netns,
    argv: ["ip", ...fam, "route", "replace", ...tail],
    undo: cmd(netns, ["ip", ...fam, "route", "del", ...tail]),
    ensure: false,
    scope,
    fact,
    summary: flat(`route ${family === 6 ? "-6 " : ""}${dst}${via === null ? "" : ` via ${via}`} dev ${dev}${netns === null ? "" : ` in ${netns}`}`),
  };
}

/** The constant script that writes one hosts file per directory; values only ever arrive as arguments. */
export const HOSTS_WRITE_SCRIPT =
  'umask 022; c=$(cat); for d in "$@"; do mkdir -p -- "$d" && printf "%s\\n" "$c" > "$d/hosts"; done';
/** The constant script that removes those hosts files (and their directory when it is left empty). */
export const HOSTS_REMOVE_SCRIPT =
  'for d in "$@"; do rm -f -- "$d/hosts"; rmdir -- "$d" 2>/dev/null || true; done';

/** Writes `/etc/netns/<ns>/hosts` for every endpoint namespace in one process, so `ping web` works under `ip netns exec`. */
export function hostsFiles(namespaces: readonly string[], content: string, phase: number): Op {
  const dirs = namespaces.map((ns) => `/etc/netns/${ns}`);
  return {
    // The id names the set of namespaces: when endpoints come and go, the old step is undone
    // (removing every file it wrote) and the new one writes the new set.
    id: flat(`hosts:${shortHash(dirs.join("\n"))}`),
    kind: "hosts-file",
    phase,
    netns: null,
    argv: ["sh", "-c", HOSTS_WRITE_SCRIPT, "underlay-hosts", ...dirs],
    input: content,
    undo: cmd(null, ["sh", "-c", HOSTS_REMOVE_SCRIPT, "underlay-hosts", ...dirs]),
    ensure: false,
    scope: null,
    fact: { type: "files", paths: dirs.map((d) => `${d}/hosts`), content: `${content}\n` },
    summary: flat(`write hosts files for ${namespaces.length} endpoint${namespaces.length === 1 ? "" : "s"}`),
  };
}
