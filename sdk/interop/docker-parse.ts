/**
 * `docker network create` / `docker run` / `docker network connect` lines → a
 * {@link DockerScript}, with Docker's own rules: gateways, ranges and aux addresses go to the
 * subnet that contains them (the Docker CLI pairs them by containment, whatever their order), a
 * `docker run` reads flags up to its image, `-o` takes the next word even when it is a flag.
 * Every problem of the whole script is reported at once, each with its line.
 * @module
 */
import { invalidSpec, type Issue } from "../errors.ts";
import { ipTextInCidr, cidrTextsOverlap } from "../lib/address.ts";
import { lexShell } from "./docker-lex.ts";
import { NETWORK_CONNECT_FLAGS, NETWORK_CREATE_FLAGS, parseFlags, RUN_FLAGS, type ParsedFlags } from "./docker-flags.ts";
import type { DockerAttachment, DockerContainer, DockerNetwork, DockerScript, DockerSubnet, SkippedLine } from "./docker-script.ts";

/** Docker commands that only read or run things inside containers: they change no network. */
const READ_ONLY = new Set(["exec", "inspect", "ps", "logs", "attach", "images", "pull", "version", "info", "top", "stats", "port", "network ls", "network inspect", "container ls", "container inspect"]);
/** Driver options underlay translates. */
const OPTS = new Set(["parent", "macvlan_mode", "ipvlan_mode", "ipvlan_flag"]);
/** Network names Docker reserves for its own drivers. */
const BUILTIN_NETWORKS = new Set(["bridge", "host", "none", "default"]);

interface Draft {
  name: string | null;
  mac?: string;
  attachments: DockerAttachment[];
  where: string;
}

/**
 * Parses a Docker script. Throws one `UnderlayError("INVALID_SPEC")` listing every problem
 * (unsupported flags and commands, missing values, unknown networks…) with its line.
 *
 * @example
 * ```ts
 * const script = parseDocker(`
 *   docker network create -d macvlan --subnet=172.16.86.0/24 --gateway=172.16.86.1 -o parent=eth0 pub_net
 *   docker run --net=pub_net --ip=172.16.86.10 -itd alpine /bin/sh
 * `);
 * script.containers[0]?.name; // "c1"
 * ```
 */
export function parseDocker(text: string): DockerScript {
  const { script, issues } = readDocker(text);
  if (issues.length > 0) throw invalidSpec(issues, "Docker script");
  return script;
}

/**
 * Like {@link parseDocker}, but returns the problems beside what could be read (for reporting
 * them together with the lab's own, all at once).
 *
 * @example
 * ```ts
 * const { script, issues } = readDocker("docker run -p 80:80 --net=n alpine");
 * issues.length; // 2: the unsupported -p, the missing network n
 * ```
 */
export function readDocker(text: string): { script: DockerScript; issues: Issue[] } {
  const lexed = lexShell(text);
  const issues: Issue[] = [...lexed.issues];
  const networks: DockerNetwork[] = [];
  const drafts: Draft[] = [];
  const skipped: SkippedLine[] = [];
  for (const cmd of lexed.commands) {
    const words = cmd.words[0] === "sudo" ? cmd.words.slice(1) : cmd.words;
    const where = `line ${cmd.line}`;
    if (words[0] !== "docker") {
      skipped.push({ where, text: words.join(" ") });
      continue;
    }
    const [a = "", b = ""] = words.slice(1);
    const sub = a === "network" || a === "container" ? `${a} ${b}` : a;
    const rest = words.slice(sub.includes(" ") ? 3 : 2);
    if (sub === "network create") {
      const n = networkCreate(rest, where, issues);
      if (n === null) continue;
      if (networks.some((x) => x.name === n.name)) issues.push({ path: where, message: `network "${n.name}" is created twice — Docker refuses it ("network with name ${n.name} already exists"); remove one` });
      else networks.push(n);
    } else if (sub === "run" || sub === "container run") {
      const d = run(rest, where, networks, issues);
      if (d !== null) drafts.push(d);
    } else if (sub === "network connect") {
      connect(rest, where, networks, drafts, issues);
    } else if (READ_ONLY.has(sub) || READ_ONLY.has(a)) {
      skipped.push({ where, text: words.join(" ") });
    } else {
      issues.push({ path: where, message: `expected docker network create, docker network connect or docker run but received "docker ${sub}" — underlay translates those three (read-only commands such as docker exec are skipped); remove the line` });
    }
  }
  const containers = nameContainers(drafts, issues);
  return { script: { networks, containers, skipped }, issues };
}

function flagIssues(p: ParsedFlags, where: string, command: string, issues: Issue[]): void {
  if (p.unsupported.length > 0 || p.unknown.length > 0) {
    const list = [...p.unsupported, ...p.unknown];
    issues.push({
      path: where,
      message: `${command}: unsupported flag${list.length === 1 ? "" : "s"} ${list.join(", ")} — underlay translates only the network flags (see README › Interop); remove ${list.length === 1 ? "it" : "them"}`,
    });
  }
  for (const m of p.missing) {
    issues.push({
      path: where,
      message:
        m.next === null
          ? `${command}: ${m.flag} expected a value but the command ended — add it`
          : `${command}: ${m.flag} expected a value but received the flag ${JSON.stringify(m.next)} — Docker takes that as the value and then fails; remove the stray ${m.flag} or give its value`,
    });
  }
}

function last(p: ParsedFlags, key: string): string | undefined {
  const v = p.values.get(key);
  return v === undefined ? undefined : v[v.length - 1];
}

function isTrue(p: ParsedFlags, key: string): boolean {
  return last(p, key) === "true";
}

function networkCreate(words: readonly string[], where: string, issues: Issue[]): DockerNetwork | null {
  const p = parseFlags(words, NETWORK_CREATE_FLAGS, { interspersed: true });
  const cmd = "docker network create";
  flagIssues(p, where, cmd, issues);
  if (p.positionals.length !== 1) {
    issues.push({ path: where, message: `${cmd}: expected exactly one network name but received ${p.positionals.length === 0 ? "none" : p.positionals.map((x) => JSON.stringify(x)).join(", ")} — Docker refuses it too ("requires exactly 1 argument")` });
    return null;
  }
  const name = p.positionals[0] as string;
  const driver = last(p, "driver") ?? "bridge";
  if (driver !== "macvlan" && driver !== "ipvlan") {
    issues.push({ path: where, message: `${cmd} ${name}: expected the driver macvlan or ipvlan (-d macvlan) but received ${JSON.stringify(driver)}${last(p, "driver") === undefined ? " (Docker's default)" : ""} — underlay builds macvlan and ipvlan networks only` });
    return null;
  }
  const opts = new Map<string, string>();
  for (const o of p.values.get("opt") ?? []) {
    const eq = o.indexOf("=");
    const key = eq < 0 ? o : o.slice(0, eq);
    if (!OPTS.has(key)) {
      issues.push({ path: where, message: `${cmd} ${name}: expected a driver option parent=, macvlan_mode=, ipvlan_mode= or ipvlan_flag= but received -o ${JSON.stringify(o)} — remove it` });
      continue;
    }
    const wrongDriver = (key === "macvlan_mode" && driver !== "macvlan") || (key.startsWith("ipvlan_") && driver !== "ipvlan");
    if (wrongDriver) {
      issues.push({ path: where, message: `${cmd} ${name}: -o ${key}= applies to the ${key.split("_")[0]} driver but this network is ${driver} — Docker ignores it silently; remove it or change -d` });
      continue;
    }
    opts.set(key, eq < 0 ? "" : o.slice(eq + 1));
  }
  const subnets = pairSubnets(p, where, `${cmd} ${name}`, issues);
  const parent = opts.get("parent");
  return {
    name,
    driver,
    subnets,
    ipv6: isTrue(p, "ipv6"),
    internal: isTrue(p, "internal"),
    ...(parent === undefined || parent === "" ? {} : { parent }),
    ...(opts.has("macvlan_mode") ? { macvlanMode: opts.get("macvlan_mode") as string } : {}),
    ...(opts.has("ipvlan_mode") ? { ipvlanMode: opts.get("ipvlan_mode") as string } : {}),
    ...(opts.has("ipvlan_flag") ? { ipvlanFlag: opts.get("ipvlan_flag") as string } : {}),
    where,
  };
}

/** The Docker CLI's pairing (cli/command/network/create.go): each gateway/range/aux goes to the subnet containing it. */
function pairSubnets(p: ParsedFlags, where: string, cmd: string, issues: Issue[]): DockerSubnet[] {
  const cidrs = p.values.get("subnet") ?? [];
  const gateways = p.values.get("gateway") ?? [];
  const ranges = p.values.get("ip-range") ?? [];
  if (cidrs.length < gateways.length || cidrs.length < ranges.length) {
    issues.push({ path: where, message: `${cmd}: every --gateway and --ip-range needs a --subnet but received ${cidrs.length} subnet(s), ${gateways.length} gateway(s), ${ranges.length} range(s) — add the subnets` });
    return [];
  }
  const subnets = cidrs.map((cidr) => ({ cidr, gateway: undefined as string | undefined, ipRange: undefined as string | undefined, aux: {} as Record<string, string> }));
  cidrs.forEach((a, i) => {
    for (const b of cidrs.slice(0, i)) if (cidrTextsOverlap(a, b)) issues.push({ path: where, message: `${cmd}: --subnet ${a} overlaps --subnet ${b} — Docker refuses overlapping subnets in one network` });
  });
  const place = (what: string, value: string, address: string, set: (s: (typeof subnets)[number]) => string | null): void => {
    const matches = subnets.filter((s) => ipTextInCidr(address, s.cidr));
    if (matches.length === 0) issues.push({ path: where, message: `${cmd}: expected ${what} ${value} inside one of the subnets ${cidrs.join(", ") || "(none given)"} but it is in none — fix the address or add its --subnet` });
    for (const s of matches) {
      const clash = set(s);
      if (clash !== null) issues.push({ path: where, message: `${cmd}: subnet ${s.cidr} received two ${what}s (${clash} and ${value}) — give one per subnet` });
    }
  };
  for (const r of ranges) place("--ip-range", r, r.split("/")[0] ?? r, (s) => (s.ipRange === undefined ? ((s.ipRange = r), null) : s.ipRange));
  for (const g of gateways) place("--gateway", g, g, (s) => (s.gateway === undefined ? ((s.gateway = g), null) : s.gateway));
  for (const a of p.values.get("aux-address") ?? []) {
    const eq = a.indexOf("=");
    if (eq <= 0) {
      issues.push({ path: where, message: `${cmd}: expected --aux-address name=address (e.g. "exclude_host=172.16.86.250") but received ${JSON.stringify(a)} — add a name` });
      continue;
    }
    const key = a.slice(0, eq);
    const ip = a.slice(eq + 1);
    place("--aux-address", a, ip, (s) => ((s.aux[key] = ip), null));
  }
  return subnets.map((s) => ({ cidr: s.cidr, ...(s.gateway === undefined ? {} : { gateway: s.gateway }), ...(s.ipRange === undefined ? {} : { ipRange: s.ipRange }), aux: s.aux }));
}

function attachment(network: string | undefined, p: ParsedFlags, where: string, cmd: string, networks: readonly DockerNetwork[], issues: Issue[]): DockerAttachment | null {
  if (network === undefined) {
    issues.push({ path: where, message: `${cmd}: expected --net=<network> but received none — the container would join Docker's default bridge, which underlay does not build; add --net` });
    return null;
  }
  if (BUILTIN_NETWORKS.has(network) || network.startsWith("container:")) {
    issues.push({ path: where, message: `${cmd}: expected a macvlan or ipvlan network created above but received --net=${network} — underlay builds only those` });
    return null;
  }
  if (!networks.some((n) => n.name === network)) {
    issues.push({ path: where, message: `${cmd}: network "${network}" is not created above (Docker: "network ${network} not found") — add its docker network create line before this one` });
    return null;
  }
  const ip = last(p, "ip");
  const ip6 = last(p, "ip6");
  if (ip !== undefined && ip.includes(":")) issues.push({ path: where, message: `${cmd}: --ip expected an IPv4 address but received ${ip} — use --ip6 for IPv6` });
  if (ip6 !== undefined && !ip6.includes(":")) issues.push({ path: where, message: `${cmd}: --ip6 expected an IPv6 address but received ${ip6} — use --ip for IPv4` });
  return { network, ...(ip === undefined ? {} : { ip }), ...(ip6 === undefined ? {} : { ip6 }), where };
}

function run(words: readonly string[], where: string, networks: readonly DockerNetwork[], issues: Issue[]): Draft | null {
  const cmd = "docker run";
  const p = parseFlags(words, RUN_FLAGS, { interspersed: false });
  flagIssues(p, where, cmd, issues);
  if (p.positionals.length === 0) issues.push({ path: where, message: `${cmd}: expected an image (e.g. alpine) after the flags but received none — add it` });
  const nets = p.values.get("network") ?? [];
  if (nets.length > 1) {
    issues.push({ path: where, message: `${cmd}: expected one --net but received ${nets.length} (${nets.join(", ")}) — Docker 20.10 refuses more; attach the others with docker network connect` });
  }
  const at = attachment(nets[0], p, where, cmd, networks, issues);
  const name = last(p, "name");
  const mac = last(p, "mac");
  if (mac !== undefined && at !== null && networks.find((n) => n.name === at.network)?.driver !== "macvlan") {
    issues.push({ path: where, message: `${cmd}: --mac-address expected a macvlan network but ${at.network} is ipvlan (its endpoints share the parent's MAC) — remove it` });
  }
  return { name: name ?? null, ...(mac === undefined ? {} : { mac }), attachments: at === null ? [] : [at], where };
}

function connect(words: readonly string[], where: string, networks: readonly DockerNetwork[], drafts: readonly Draft[], issues: Issue[]): void {
  const cmd = "docker network connect";
  const p = parseFlags(words, NETWORK_CONNECT_FLAGS, { interspersed: true });
  flagIssues(p, where, cmd, issues);
  if (p.positionals.length !== 2) {
    issues.push({ path: where, message: `${cmd}: expected a network and a container name but received ${p.positionals.length} word(s) — write docker network connect <network> <container>` });
    return;
  }
  const [network, container] = p.positionals as [string, string];
  const d = drafts.find((x) => x.name === container);
  if (d === undefined) {
    issues.push({ path: where, message: `${cmd}: expected a container started above with --name=${container} but there is none — start it first (an unnamed container cannot be referred to)` });
    return;
  }
  const at = attachment(network, p, where, cmd, networks, issues);
  if (at !== null) d.attachments.push(at);
}

/** Names every container: its `--name`, or `c<k>` (k = its position, 1-based) when it has none. */
function nameContainers(drafts: readonly Draft[], issues: Issue[]): DockerContainer[] {
  const taken = new Map<string, string>();
  const refused = new Set<Draft>();
  for (const d of drafts) {
    if (d.name === null) continue;
    const prev = taken.get(d.name);
    if (prev !== undefined) {
      issues.push({ path: d.where, message: `docker run: the name "${d.name}" is already used by the container of ${prev} — Docker refuses it ("Conflict. The container name … is already in use"); give this one another --name or none` });
      refused.add(d);
    } else taken.set(d.name, d.where);
  }
  return drafts.map((d, i) => {
    // A refused container (reported above) joins nothing, so nothing else is reported about it.
    if (d.name !== null) return { name: d.name, named: true, ...(d.mac === undefined ? {} : { mac: d.mac }), attachments: refused.has(d) ? [] : d.attachments, where: d.where };
    let name = `c${i + 1}`;
    for (let k = 2; taken.has(name); k++) name = `c${i + 1}_${k}`;
    taken.set(name, d.where);
    return { name, named: false, ...(d.mac === undefined ? {} : { mac: d.mac }), attachments: d.attachments, where: d.where };
  });
}

