/**
 * A `docker-compose.yml` → a {@link DockerScript}: the top-level `networks:` (driver, driver_opts,
 * enable_ipv6, internal, ipam.config with subnet / gateway / ip_range / aux_addresses) and each
 * service's `networks` (a list, or a map with `ipv4_address` / `ipv6_address`), services in file
 * order. Keys that would change the network but have no translation are reported, each with
 * its line; keys that describe only the container (`image`, `command`, `environment`, …) are
 * not the network's business and are left alone. YAML is read with the `yaml` package.
 * @module
 */
import { isMap, isScalar, LineCounter, parseDocument, type Document } from "yaml";
import { invalidSpec, type Issue } from "../errors.ts";
import type { DockerAttachment, DockerContainer, DockerNetwork, DockerSubnet } from "./docker-script.ts";
import type { DockerScript } from "./docker-script.ts";

const NETWORK_KEYS = new Set(["driver", "driver_opts", "enable_ipv6", "internal", "ipam", "name"]);
const OPTS = new Set(["parent", "macvlan_mode", "ipvlan_mode", "ipvlan_flag"]);
const IPAM_CONFIG_KEYS = new Set(["subnet", "gateway", "ip_range", "aux_addresses"]);
const SERVICE_NET_KEYS = new Set(["ipv4_address", "ipv6_address"]);
/** Service keys that change networking and have no translation. */
const SERVICE_UNSUPPORTED = ["network_mode", "links", "external_links", "ports", "expose", "dns", "dns_search", "extra_hosts", "hostname", "domainname", "sysctls", "scale"];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Whether text looks like a compose file (a YAML mapping with `services:` or `networks:` at the top).
 *
 * @example
 * ```ts
 * looksLikeCompose("services:\n  web:\n    image: alpine\n"); // true
 * looksLikeCompose("docker run --net=pub alpine");          // false
 * ```
 */
export function looksLikeCompose(text: string): boolean {
  return /^(services|networks|version|name):/m.test(text) && !/^\s*(\$\s+)?docker\s/m.test(text);
}

/**
 * Parses a compose file. Throws one `UnderlayError("INVALID_SPEC")` listing every problem with
 * its line (`line 12: services.web.networks.pub.aliases: …`).
 *
 * @example
 * ```ts
 * const script = parseCompose(`
 * networks:
 *   pub_net:
 *     driver: macvlan
 *     driver_opts: { parent: eth0 }
 *     ipam: { config: [{ subnet: 172.16.86.0/24, gateway: 172.16.86.1 }] }
 * services:
 *   web: { image: alpine, networks: { pub_net: { ipv4_address: 172.16.86.10 } } }
 * `);
 * script.containers[0]?.attachments[0]?.ip; // "172.16.86.10"
 * ```
 */
export function parseCompose(text: string): DockerScript {
  const { script, issues } = readCompose(text);
  if (issues.length > 0) throw invalidSpec(issues, "compose file");
  return script;
}

/**
 * Like {@link parseCompose}, but returns the problems beside what could be read.
 *
 * @example
 * ```ts
 * const { issues } = readCompose("services:\n  web:\n    image: alpine\n");
 * issues[0]?.message; // "expected networks: but received none — …"
 * ```
 */
export function readCompose(text: string): { script: DockerScript; issues: Issue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const issues: Issue[] = doc.errors.map((e) => ({ path: `line ${e.linePos?.[0].line ?? "?"}`, message: `expected valid YAML but ${e.message.split("\n")[0]} — fix the file` }));
  if (issues.length > 0) throw invalidSpec(issues, "compose file");
  const at = (...path: string[]): string => `line ${lineOf(doc, lines, path)}: ${path.join(".")}`;
  const root: unknown = doc.toJS();
  if (!isObj(root)) throw invalidSpec([{ path: "line 1", message: "expected a YAML mapping with services: and networks: but received something else — is this a compose file?" }], "compose file");
  const networks: DockerNetwork[] = [];
  const nets = isObj(root.networks) ? root.networks : {};
  for (const [name, raw] of Object.entries(nets)) {
    const n = composeNetwork(name, isObj(raw) ? raw : {}, at, issues);
    if (n !== null) networks.push(n);
  }
  const containers: DockerContainer[] = [];
  const services = isObj(root.services) ? root.services : {};
  for (const [service, raw] of Object.entries(services)) {
    const s = isObj(raw) ? raw : {};
    for (const key of SERVICE_UNSUPPORTED) {
      if (key in s) issues.push({ path: at("services", service, key), message: `expected no ${key} but received one — underlay translates only networks/ipv4_address/ipv6_address/mac_address; remove it` });
    }
    const name = typeof s.container_name === "string" ? s.container_name : service;
    const attachments: DockerAttachment[] = [];
    const list = s.networks;
    if (list === undefined) {
      issues.push({ path: at("services", service), message: `expected networks: but received none — the service would join compose's default bridge network, which underlay does not build; attach it to a macvlan/ipvlan network` });
    }
    const entries: [string, unknown][] = Array.isArray(list) ? list.map((x) => [String(x), null]) : isObj(list) ? Object.entries(list) : [];
    for (const [network, cfg] of entries) {
      const where = at("services", service, "networks", network);
      if (!networks.some((n) => n.name === network)) {
        issues.push({ path: where, message: `expected a network declared under the top-level networks: but "${network}" is not — declare it there` });
        continue;
      }
      const c = isObj(cfg) ? cfg : {};
      for (const k of Object.keys(c)) if (!SERVICE_NET_KEYS.has(k)) issues.push({ path: `${where}.${k}`, message: `expected ipv4_address or ipv6_address but received ${k} — underlay does not translate it; remove it` });
      attachments.push({
        network,
        ...(typeof c.ipv4_address === "string" ? { ip: c.ipv4_address } : {}),
        ...(typeof c.ipv6_address === "string" ? { ip6: c.ipv6_address } : {}),
        where,
      });
    }
    containers.push({ name, named: true, ...(typeof s.mac_address === "string" ? { mac: s.mac_address } : {}), attachments, where: at("services", service) });
  }
  return { script: { networks, containers, skipped: [] }, issues };
}

function composeNetwork(name: string, n: Obj, at: (...path: string[]) => string, issues: Issue[]): DockerNetwork | null {
  const where = at("networks", name);
  for (const k of Object.keys(n)) if (!NETWORK_KEYS.has(k)) issues.push({ path: at("networks", name, k), message: `expected driver, driver_opts, enable_ipv6, internal or ipam but received ${k} — underlay does not translate it; remove it` });
  const driver = n.driver ?? "bridge";
  if (driver !== "macvlan" && driver !== "ipvlan") {
    issues.push({ path: where, message: `expected driver: macvlan or ipvlan but received ${JSON.stringify(driver)}${n.driver === undefined ? " (compose's default)" : ""} — underlay builds macvlan and ipvlan networks only` });
    return null;
  }
  const opts = isObj(n.driver_opts) ? n.driver_opts : {};
  for (const k of Object.keys(opts)) if (!OPTS.has(k)) issues.push({ path: at("networks", name, "driver_opts", k), message: `expected parent, macvlan_mode, ipvlan_mode or ipvlan_flag but received ${k} — remove it` });
  const ipam = isObj(n.ipam) ? n.ipam : {};
  if (ipam.driver !== undefined && ipam.driver !== "default") issues.push({ path: at("networks", name, "ipam", "driver"), message: `expected the default IPAM driver but received ${JSON.stringify(ipam.driver)} — remove it` });
  const config = Array.isArray(ipam.config) ? ipam.config : [];
  const subnets: DockerSubnet[] = [];
  config.forEach((raw, i) => {
    const c = isObj(raw) ? raw : {};
    for (const k of Object.keys(c)) if (!IPAM_CONFIG_KEYS.has(k)) issues.push({ path: `${where}.ipam.config[${i}].${k}`, message: `expected subnet, gateway, ip_range or aux_addresses but received ${k} — remove it` });
    if (typeof c.subnet !== "string") {
      issues.push({ path: `${where}.ipam.config[${i}]`, message: "expected subnet: <cidr> but received none — add it" });
      return;
    }
    const aux = isObj(c.aux_addresses) ? Object.fromEntries(Object.entries(c.aux_addresses).map(([k, v]) => [k, String(v)])) : {};
    subnets.push({ cidr: c.subnet, ...(typeof c.gateway === "string" ? { gateway: c.gateway } : {}), ...(typeof c.ip_range === "string" ? { ipRange: c.ip_range } : {}), aux });
  });
  const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));
  const parent = str(opts.parent);
  const mm = str(opts.macvlan_mode);
  const im = str(opts.ipvlan_mode);
  const fl = str(opts.ipvlan_flag);
  return {
    name,
    driver,
    subnets,
    ipv6: n.enable_ipv6 === true,
    internal: n.internal === true,
    ...(parent === undefined || parent === "" ? {} : { parent }),
    ...(mm === undefined ? {} : { macvlanMode: mm }),
    ...(im === undefined ? {} : { ipvlanMode: im }),
    ...(fl === undefined ? {} : { ipvlanFlag: fl }),
    where,
  };
}

/** The line of the key at `path` (1-based), or the nearest ancestor's. */
function lineOf(doc: Document, lines: LineCounter, path: readonly string[]): number {
  let node: unknown = doc.contents;
  let line = 1;
  for (const key of path) {
    if (!isMap(node)) break;
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    if (pair === undefined) break;
    const start = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    if (start !== undefined) line = lines.linePos(start).line;
    node = pair.value;
  }
  return line;
}
