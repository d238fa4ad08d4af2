/**
 * A {@link DockerScript} → a lab: each network becomes `net.macvlan`/`net.ipvlan` with its parent,
 * mode, subnets (gateway, `ipRange`, aux addresses as exclusions) and `--internal`; each container
 * becomes an endpoint in start order, attached with its `--ip`/`--ip6`. The lab is planned once
 * here, so a problem the planner finds is reported with the line that caused it.
 * @module
 */
import { UnderlayError, invalidSpec, type Issue } from "../errors.ts";
import { lab, type LabBuilder } from "../builder/lab.ts";
import { net, type NetworkBuilder } from "../builder/network.ts";
import { endpointNetns, MAX_NAME_BYTES, shortHash } from "../spec/names.ts";
import type { IpvlanFlag, IpvlanMode, MacvlanMode } from "../spec/types.ts";
import type { DockerNetwork, DockerScript } from "./docker-script.ts";

/** Options of {@link fromDocker} and {@link scriptToLab}. */
export interface DockerImportOptions {
  /** Lab name (default `docker`): namespaces are `<lab>-<container>`. */
  readonly lab?: string;
  /** Build the lab in a sandbox host namespace (default `false`). */
  readonly sandbox?: boolean;
  /** Host namespace (default: the caller's; `<lab>-h` in a sandbox). */
  readonly host?: string;
  /**
   * When an IPv6 `--subnet` takes effect: `"flag"` (default, what Docker Engine 20.10 does: only
   * on a network created with `--ipv6`; without it the IPv6 subnets, gateways and `--ip6`
   * addresses are left out and {@link DockerImport.notes} says so) or `"subnet"` (what the
   * documents show: an IPv6 subnet alone makes the network dual-stack).
   */
  readonly ipv6?: "flag" | "subnet";
}

/** A translated script: the lab, the parsed script and the notes on what was left out. */
export interface DockerImport {
  /** The lab (already planned once without error). */
  readonly lab: LabBuilder;
  /** The parsed script. */
  readonly script: DockerScript;
  /** What was left out and why (skipped commands, networks no container uses, IPv6 without `--ipv6`). */
  readonly notes: readonly string[];
}

function v6(text: string): boolean {
  return text.includes(":");
}

function networkBuilder(n: DockerNetwork, ipv6: boolean): NetworkBuilder {
  let b: NetworkBuilder = n.driver === "macvlan" ? net.macvlan(n.name) : net.ipvlan(n.name);
  if (n.parent !== undefined) b = b.parent(n.parent);
  if (n.macvlanMode !== undefined) b = b.mode(n.macvlanMode as MacvlanMode);
  if (n.ipvlanMode !== undefined) b = b.mode(n.ipvlanMode as IpvlanMode);
  if (n.ipvlanFlag !== undefined) b = b.flag(n.ipvlanFlag as IpvlanFlag);
  for (const s of n.subnets) {
    if (v6(s.cidr) && !ipv6) continue;
    const exclude = Object.keys(s.aux).length > 0 ? { exclude: s.aux } : {};
    b = b.subnet(s.cidr, { ...(s.gateway === undefined ? {} : { gateway: s.gateway }), ...(s.ipRange === undefined ? {} : { ipRange: s.ipRange }), ...exclude });
  }
  if (n.internal) b = b.internal();
  return b;
}

/** The namespace of a container: `<lab>-<name>`, or `<lab>-<hash of name>` when that exceeds 15 bytes. */
function netnsFor(labName: string, name: string): string | undefined {
  const plain = endpointNetns(labName, name);
  if (new TextEncoder().encode(plain).length <= MAX_NAME_BYTES) return undefined;
  const room = Math.max(1, Math.min(8, MAX_NAME_BYTES - labName.length - 1));
  return `${labName}-${shortHash(name).slice(0, room)}`;
}

/**
 * Turns a parsed script into a lab and plans it once; planner problems come back as one
 * `INVALID_SPEC` whose paths start with the line of the network or container concerned.
 *
 * @example
 * ```ts
 * const { lab, notes } = scriptToLab(parseDocker(text), { lab: "mvb", sandbox: true, host: "ex-mvb" });
 * ```
 */
export function scriptToLab(script: DockerScript, options: DockerImportOptions = {}): DockerImport {
  const labName = options.lab ?? "docker";
  const sandbox = options.sandbox ?? false;
  const host = options.host ?? (sandbox ? `${labName}-h` : undefined);
  const mode = options.ipv6 ?? "flag";
  const notes: string[] = script.skipped.map((s) => `${s.where}: skipped \`${s.text}\` (changes no network)`);
  const issues: Issue[] = [];
  const builders = new Map<string, NetworkBuilder>();
  const ipv6Of = new Map<string, boolean>();
  for (const n of script.networks) {
    const hasV6 = n.subnets.some((s) => v6(s.cidr));
    const on = n.ipv6 || (mode === "subnet" && hasV6);
    ipv6Of.set(n.name, on);
    if (hasV6 && !on) {
      notes.push(`${n.where}: network ${n.name} has IPv6 subnets but no --ipv6; Docker Engine ignores them, and so does this import (pass ipv6: "subnet" to follow the documents instead)`);
    }
    if (n.ipv6 && !hasV6) {
      issues.push({ path: n.where, message: `network ${n.name}: --ipv6 expected an IPv6 --subnet (underlay has no default IPv6 pool) but received none — add --subnet=<prefix>/64` });
    }
    builders.set(n.name, networkBuilder(n, on));
  }
  let l = lab(labName, { ...(host === undefined ? {} : { host }), sandbox });
  const used = new Set<string>();
  for (const c of script.containers) {
    const netns = netnsFor(labName, c.name);
    for (const [i, a] of c.attachments.entries()) {
      used.add(a.network);
      const ips: string[] = [];
      if (a.ip !== undefined) ips.push(a.ip);
      if (a.ip6 !== undefined) {
        if (ipv6Of.get(a.network) === true) ips.push(a.ip6);
        else notes.push(`${a.where}: --ip6=${a.ip6} left out: network ${a.network} has no IPv6 (no --ipv6)`);
      }
      l = l.endpoint(c.name, builders.get(a.network) as NetworkBuilder, {
        ip: ips,
        ...(c.mac === undefined || i > 0 ? {} : { mac: c.mac }),
        ...(netns === undefined ? {} : { netns }),
      });
    }
  }
  for (const n of script.networks) if (!used.has(n.name)) notes.push(`${n.where}: network ${n.name} is not in the lab: no container joins it (a lab holds the networks its endpoints use)`);
  if (issues.length > 0) throw invalidSpec(issues, "Docker script");
  try {
    l.plan();
  } catch (e) {
    if (!(e instanceof UnderlayError) || e.code !== "INVALID_SPEC") throw e;
    throw invalidSpec(e.issues.map((i) => ({ path: `${whereOf(script, i.path)}${i.path}`, message: i.message })), "Docker script");
  }
  return { lab: l, script, notes };
}

function whereOf(script: DockerScript, path: string): string {
  const [kind, name] = path.split(".");
  const where =
    kind === "networks" ? script.networks.find((n) => n.name === name)?.where : kind === "endpoints" ? script.containers.find((c) => c.name === name)?.where : undefined;
  return where === undefined ? "" : `${where}: `;
}
