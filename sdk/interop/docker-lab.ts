/**
 * A {@link DockerScript} → a lab: each network becomes `net.macvlan`/`net.ipvlan` with its parent,
 * mode, subnets (gateway, `ipRange`, aux addresses as exclusions) and `--internal`; each container
 * becomes an endpoint in start order, attached with its `--ip`/`--ip6`. The lab is planned once
 * here, so a problem the planner finds is reported with the line that caused it.
 * @module
 */
import { UnderlayError, invalidSpec, type Issue } from "../errors.ts";
import { lab, labFromSpec, type LabBuilder } from "../builder/lab.ts";
import { net, type NetworkBuilder } from "../builder/network.ts";
import { endpointNetns, MAX_NAME_BYTES, shortHash } from "../spec/names.ts";
import type { IpvlanFlag, IpvlanMode, MacvlanMode } from "../spec/types.ts";
import { formatIp, parseCidr } from "../lib/address.ts";
import { usableRange } from "../ipam/usable.ts";
import type { Plan } from "../plan/plan.ts";
import type { DockerNetwork, DockerScript, DockerSubnet } from "./docker-script.ts";

/** Options of {@link fromDocker} and {@link scriptToLab}. */
export interface DockerImportOptions {
  /** Lab name (default `docker`): namespaces are `<lab>-<container>`. */
  readonly lab?: string;
  /** Build the lab in a sandbox host namespace (default `false`). */
  readonly sandbox?: boolean;
  /** Host namespace (default: the caller's; `<lab>-h` in a sandbox). */
  readonly host?: string;
  /**
   * Whose behaviour to follow where the documents and the real Docker Engine differ (README ›
   * "Where the documents and the kernel disagree"):
   *
   * - `"engine"` (default) — what Docker Engine 20.10 does, measured by `npm run conformance`: IPv6
   *   subnets take effect only with `--ipv6` (otherwise they and `--ip6` are left out, and
   *   {@link DockerImport.notes} says so); a subnet with `--ip-range` and no `--gateway` gets the
   *   range's first address as its gateway; an `--internal` network with a parent keeps that
   *   parent and its gateway address reserved, without a default route; macvlan MACs are
   *   `02:42` followed by the IPv4 address.
   * - `"documents"` — what the reference documents show (and `examples/` build): an IPv6 subnet
   *   alone makes the network dual-stack, the gateway is the subnet's first usable address,
   *   `--internal` means an isolated dummy parent, and MACs are underlay's own (derived from the
   *   lab, endpoint and network names).
   */
  readonly dialect?: "engine" | "documents";
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

/** Docker Engine's gateway of a subnet without `--gateway`: the first free address of its pool (the ip range when given). */
function engineGateway(s: DockerSubnet): string | undefined {
  const sub = parseCidr(s.cidr);
  if (sub === null) return undefined;
  const first = sub.network + usableRange(sub).first;
  const range = s.ipRange === undefined ? null : parseCidr(s.ipRange);
  const start = range !== null && range.network > first ? range.network : first;
  return formatIp(sub.family, start);
}

function networkBuilder(n: DockerNetwork, ipv6: boolean, engine: boolean): NetworkBuilder {
  let b: NetworkBuilder = n.driver === "macvlan" ? net.macvlan(n.name) : net.ipvlan(n.name);
  if (n.parent !== undefined) b = b.parent(n.parent);
  if (n.macvlanMode !== undefined) b = b.mode(n.macvlanMode as MacvlanMode);
  if (n.ipvlanMode !== undefined) b = b.mode(n.ipvlanMode as IpvlanMode);
  if (n.ipvlanFlag !== undefined) b = b.flag(n.ipvlanFlag as IpvlanFlag);
  // Docker Engine: --internal with a parent uses that parent; the gateway address stays taken but no default route is set.
  const routeless = engine && n.internal && n.parent !== undefined;
  for (const s of n.subnets) {
    if (v6(s.cidr) && !ipv6) continue;
    const gateway = s.gateway ?? (engine && (s.ipRange !== undefined || routeless) ? engineGateway(s) : undefined);
    const aux: Record<string, string> = { ...s.aux };
    if (routeless && gateway !== undefined) aux.docker_gateway = gateway;
    const exclude = Object.keys(aux).length > 0 ? { exclude: aux } : {};
    const gw = routeless || gateway === undefined ? {} : { gateway };
    b = b.subnet(s.cidr, { ...gw, ...(s.ipRange === undefined ? {} : { ipRange: s.ipRange }), ...exclude });
  }
  if (routeless) b = b.gatewayPolicy("none");
  else if (n.internal) b = b.internal();
  return b;
}

/** Docker Engine's MAC of a container interface: 02:42 and the four bytes of its IPv4 address. */
function engineMac(cidr: string): string {
  const bytes = (cidr.split("/")[0] ?? "").split(".").map((x) => Number(x).toString(16).padStart(2, "0"));
  return ["02", "42", ...bytes].join(":");
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
export function scriptToLab(script: DockerScript, options: DockerImportOptions = {}, prior: readonly Issue[] = []): DockerImport {
  const labName = options.lab ?? "docker";
  const sandbox = options.sandbox ?? false;
  const host = options.host ?? (sandbox ? `${labName}-h` : undefined);
  const engine = (options.dialect ?? "engine") === "engine";
  const notes: string[] = script.skipped.map((s) => `${s.where}: skipped \`${s.text}\` (changes no network)`);
  const issues: Issue[] = [...prior];
  const builders = new Map<string, NetworkBuilder>();
  const ipv6Of = new Map<string, boolean>();
  for (const n of script.networks) {
    const hasV6 = n.subnets.some((s) => v6(s.cidr));
    const on = n.ipv6 || (!engine && hasV6);
    ipv6Of.set(n.name, on);
    if (hasV6 && !on) {
      notes.push(`${n.where}: network ${n.name} has IPv6 subnets but no --ipv6; Docker Engine ignores them, and so does this import (dialect "documents" follows the documents instead)`);
    }
    if (n.ipv6 && !hasV6) {
      issues.push({ path: n.where, message: `network ${n.name}: --ipv6 expected an IPv6 --subnet (underlay has no default IPv6 pool) but received none — add --subnet=<prefix>/64` });
    }
    builders.set(n.name, networkBuilder(n, on, engine));
  }
  let l = lab(labName, { ...(host === undefined ? {} : { host }), sandbox });
  const used = new Set<string>();
  // A container whose network could not be read is already reported; it joins nothing here.
  for (const c of script.containers.filter((x) => x.attachments.length > 0)) {
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
  const planned = planOrExplain(l, script, issues);
  return { lab: engine && planned !== null ? withEngineMacs(l, planned) : l, script, notes };
}

/** Plans the lab and throws one INVALID_SPEC with the issues found so far and the planner's, each with its line. */
function planOrExplain(l: LabBuilder, script: DockerScript, issues: readonly Issue[]): Plan | null {
  let plan: Plan | null = null;
  const all = [...issues];
  if (l.spec().endpoints.length > 0) {
    try {
      plan = l.plan();
    } catch (e) {
      if (!(e instanceof UnderlayError) || e.code !== "INVALID_SPEC") throw e;
      all.push(...e.issues.map((i) => ({ path: `${whereOf(script, i.path)}${i.path}`, message: i.message })));
    }
  }
  if (all.length > 0) throw invalidSpec(all, "Docker script");
  return plan;
}

/** The same lab with each macvlan interface's MAC set the way Docker Engine derives it (a MAC given with --mac-address is kept). */
function withEngineMacs(l: LabBuilder, plan: Plan): LabBuilder {
  const spec = l.spec();
  const endpoints = spec.endpoints.map((ep) => {
    const info = plan.endpoints.find((e) => e.name === ep.name);
    return {
      ...ep,
      attachments: ep.attachments.map((a, i) => {
        const v4 = info?.interfaces[i]?.addresses.find((x) => !v6(x));
        const passthru = a.network.macvlanMode === "passthru";
        return a.network.driver !== "macvlan" || passthru || a.mac !== undefined || v4 === undefined ? a : { ...a, mac: engineMac(v4) };
      }),
    };
  });
  return labFromSpec({ ...spec, endpoints });
}

function whereOf(script: DockerScript, path: string): string {
  const [kind, name] = path.split(".");
  const where =
    kind === "networks" ? script.networks.find((n) => n.name === name)?.where : kind === "endpoints" ? script.containers.find((c) => c.name === name)?.where : undefined;
  return where === undefined ? "" : `${where}: `;
}
