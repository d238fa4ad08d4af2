/**
 * A lab → the `docker network create` / `docker run` / `docker network connect` lines that
 * build the same networks and containers on a Docker Engine. `fromDocker(toDocker(l))` plans
 * byte-identically to `l` (given the same lab name and host). What Docker cannot express (an MTU,
 * a host-access shim, an IPv6-only network, a custom namespace name, gateway policy `none`) is
 * refused with one `INVALID_SPEC` naming each.
 * @module
 */
import { invalidSpec, type Issue } from "../errors.ts";
import type { Plannable } from "../runner/context.ts";
import { endpointNetns, MAX_NAME_BYTES, shortHash } from "../spec/names.ts";
import type { NetworkSpec } from "../spec/types.ts";
import { labNetworks } from "../spec/validate.ts";

/** Options of {@link toDocker}. */
export interface ToDockerOptions {
  /** Image of every container (default `alpine`). */
  readonly image?: string;
  /** Command of every container (default `/bin/sh`, started with `-itd` as the documents do). */
  readonly command?: readonly string[];
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

function quote(word: string): string {
  return SAFE.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function flag(name: string, value: string): string {
  return name.startsWith("--") ? `${name}=${quote(value)}` : `${name} ${quote(value)}`;
}

/** The namespace `fromDocker` gives a container (see docker-lab.ts); a lab whose endpoint uses another cannot be written as Docker lines. */
function importedNetns(labName: string, name: string): string {
  const plain = endpointNetns(labName, name);
  if (new TextEncoder().encode(plain).length <= MAX_NAME_BYTES) return plain;
  return `${labName}-${shortHash(name).slice(0, Math.max(1, Math.min(8, MAX_NAME_BYTES - labName.length - 1)))}`;
}

function networkLines(n: NetworkSpec, resolvedGateways: ReadonlyMap<string, string | null>, issues: Issue[]): string[] {
  const at = `networks.${n.name}`;
  if (n.mtu !== undefined) issues.push({ path: `${at}.mtu`, message: `Docker's ${n.driver} driver takes no MTU option but the network sets ${n.mtu} — remove .mtu() to export it` });
  if (n.hostAccess !== undefined) issues.push({ path: `${at}.hostAccess`, message: "Docker has no host-access shim — remove .hostAccess() to export it (and add the shim by hand)" });
  if (n.ipv4 === false) issues.push({ path: `${at}.ipv4`, message: "Docker always gives a network an IPv4 pool but this one is IPv6-only (.ipv4(false)) — remove it to export" });
  // An --internal network imported from Docker Engine: its gateway is reserved as "docker_gateway", with no route.
  const engineInternal = n.gatewayPolicy === "none" && n.parent !== undefined && n.subnets.some((s) => !Array.isArray(s.exclude) && s.exclude !== undefined && "docker_gateway" in s.exclude);
  if (n.gatewayPolicy === "none" && !engineInternal) issues.push({ path: `${at}.gatewayPolicy`, message: "Docker always sets a gateway but the policy is none — use first or last, or give each subnet a gateway" });
  const routed = n.driver === "ipvlan" && (n.ipvlanMode === "l3" || n.ipvlanMode === "l3s");
  const words = ["docker", "network", "create", "-d", n.driver];
  const subnetWords: string[] = [];
  let auxN = 0;
  for (const s of n.subnets) {
    subnetWords.push(flag("--subnet", s.cidr));
    const entries = Array.isArray(s.exclude) ? s.exclude.map((ip) => [`aux${++auxN}`, ip] as const) : Object.entries(s.exclude ?? {});
    const internalGateway = engineInternal ? entries.find(([k]) => k === "docker_gateway")?.[1] : undefined;
    // The gateway the plan resolved, written out: Docker Engine would otherwise pick its own (the --ip-range's first
    // address). L3 networks route through the device and Docker ignores their gateway: only a "last" one is written.
    const resolved = !routed || n.gatewayPolicy === "last" ? resolvedGateways.get(s.cidr) : undefined;
    const gw = s.gateway ?? internalGateway ?? resolved ?? undefined;
    if (gw !== undefined && gw !== null) subnetWords.push(flag("--gateway", gw));
    if (s.ipRange !== undefined) subnetWords.push(flag("--ip-range", s.ipRange));
    for (const [k, ip] of entries) if (!(engineInternal && k === "docker_gateway")) subnetWords.push(flag("--aux-address", `${k}=${ip}`));
  }
  const lines = [words.join(" ")];
  if (subnetWords.length > 0) lines.push(subnetWords.join(" "));
  const more: string[] = [];
  if (n.subnets.some((s) => s.cidr.includes(":"))) more.push("--ipv6");
  if (n.internal || engineInternal) more.push("--internal");
  if (n.parent !== undefined) more.push(flag("-o", `parent=${n.parent}`));
  if (n.macvlanMode !== undefined) more.push(flag("-o", `macvlan_mode=${n.macvlanMode}`));
  if (n.ipvlanMode !== undefined) more.push(flag("-o", `ipvlan_mode=${n.ipvlanMode}`));
  if (n.ipvlanFlag !== undefined) more.push(flag("-o", `ipvlan_flag=${n.ipvlanFlag}`));
  more.push(quote(n.name));
  lines.push(more.join(" "));
  return [lines.join(" \\\n    ")];
}

/** Docker Engine's MAC for an IPv4 address (see docker-lab.ts). */
function engineMac(cidr: string | undefined): string | null {
  if (cidr === undefined) return null;
  return ["02", "42", ...(cidr.split("/")[0] ?? "").split(".").map((x) => Number(x).toString(16).padStart(2, "0"))].join(":");
}

function ipFlags(ips: readonly string[], where: string, issues: Issue[]): string[] {
  const v4 = ips.filter((ip) => !ip.includes(":"));
  const v6 = ips.filter((ip) => ip.includes(":"));
  if (v4.length > 1 || v6.length > 1) issues.push({ path: where, message: `Docker takes one --ip and one --ip6 per network but received ${ips.join(", ")} — keep one per family` });
  return [...v4.slice(0, 1).map((ip) => flag("--ip", ip)), ...v6.slice(0, 1).map((ip) => flag("--ip6", ip))];
}

/**
 * The Docker commands that build the lab's networks and start one container per endpoint.
 * Throws `INVALID_SPEC` (validated by planning the lab first) listing what Docker cannot express.
 *
 * @example
 * ```ts
 * toDocker(lab("mvb").endpoint("c1", pub_net, { ip: "172.16.86.10" }));
 * // docker network create -d macvlan \
 * //     --subnet=172.16.86.0/24 --gateway=172.16.86.1 \
 * //     -o parent=eth0 pub_net
 * // docker run -itd --name=c1 --net=pub_net --ip=172.16.86.10 alpine /bin/sh
 * ```
 */
export function toDocker(source: Plannable, options: ToDockerOptions = {}): string {
  const plan = source.plan();
  const spec = source.spec();
  const issues: Issue[] = [];
  const gateways = new Map(plan.networks.map((n) => [n.name, new Map(n.subnets.map((s) => [s.cidr, s.gateway]))]));
  const { networks } = labNetworks(spec);
  const out = [`# underlay lab ${spec.name}: ${networks.length} network(s), ${spec.endpoints.length} container(s)`];
  for (const n of networks) out.push(...networkLines(n, gateways.get(n.name) ?? new Map(), issues));
  const image = [options.image ?? "alpine", ...(options.command ?? ["/bin/sh"])].map(quote).join(" ");
  for (const ep of spec.endpoints) {
    const at = `endpoints.${ep.name}`;
    if (ep.netns !== undefined && ep.netns !== importedNetns(spec.name, ep.name)) {
      issues.push({ path: `${at}.netns`, message: `Docker names no namespaces but this endpoint sets ${ep.netns} — remove { netns } to export` });
    }
    const [first, ...rest] = ep.attachments;
    if (first === undefined) continue;
    // A MAC that is Docker Engine's own derivation (02:42 + the IPv4 address) is left to Docker.
    const v4 = (i: number): string | undefined => plan.endpoints.find((e) => e.name === ep.name)?.interfaces[i]?.addresses.find((a) => !a.includes(":"));
    const own = (mac: string | undefined, i: number): boolean => mac === undefined || mac.toLowerCase() === engineMac(v4(i));
    const mac = own(first.mac, 0) ? [] : [flag("--mac-address", first.mac as string)];
    out.push(["docker", "run", "-itd", flag("--name", ep.name), flag("--net", first.network.name), ...ipFlags(first.ips, at, issues), ...mac, image].join(" "));
    for (const [k, a] of rest.entries()) {
      if (!own(a.mac, k + 1)) issues.push({ path: `${at}.${a.network.name}.mac`, message: "docker network connect takes no MAC — set the MAC on the endpoint's first network only" });
      out.push(["docker", "network", "connect", ...ipFlags(a.ips, at, issues), quote(a.network.name), quote(ep.name)].join(" "));
    }
  }
  if (issues.length > 0) throw invalidSpec(issues, `export of lab "${spec.name}" to Docker`);
  return `${out.join("\n")}\n`;
}
