/**
 * The container-side facts of one interface, read from the kernel inside a network namespace
 * (`nsenter --net=<path> ip -json …`): link kind and mode, MTU, MAC, global addresses, the
 * default route of each family and the other routes through the interface. Shared by the Docker
 * conformance task and the CNI round-trip test, so underlay, Docker and the CNI plugins are
 * read the same way.
 * @module
 */
import { execFile } from "node:child_process";

/** What a container sees of one interface. */
export interface InterfaceFacts {
  /** Link kind (`macvlan`, `ipvlan`). */
  readonly kind: string;
  /** Link mode (`bridge`, `passthru`, `l2`…), or `null`. */
  readonly mode: string | null;
  /** MTU. */
  readonly mtu: number;
  /** MAC address. */
  readonly mac: string;
  /** Global addresses with prefix, IPv4 first, in the kernel's order (link-local left out). */
  readonly addresses: readonly string[];
  /** IPv4 default route: `via <gw>`, `dev` (through the device) or `none`. */
  readonly default4: string;
  /** IPv6 default route, the same way. */
  readonly default6: string;
  /** Other routes of the main table through the interface, `dst` sorted (link-local and multicast left out). */
  readonly routes: readonly string[];
}

/** Runs `ip -json <args>` somewhere (a namespace here, a qemu guest…) and returns its stdout. */
export type IpJsonRunner = (args: readonly string[]) => Promise<string>;

/**
 * `ip -json` inside the namespace at `nsPath`, through `nsenter`.
 *
 * @example
 * ```ts
 * await nsenterIp("/run/netns/mvb-c1")(["addr", "show", "dev", "eth0"]);
 * ```
 */
export function nsenterIp(nsPath: string): IpJsonRunner {
  return (args) =>
    new Promise((resolve, reject) => {
      execFile("nsenter", [`--net=${nsPath}`, "--", "ip", "-json", ...args], { encoding: "utf8", env: { ...process.env, LC_ALL: "C" } }, (err, stdout, stderr) => {
        if (err !== null) reject(new Error(`ip -json ${args.join(" ")} in ${nsPath}: ${stderr.trim() || err.message}`));
        else resolve(stdout);
      });
    });
}

interface RouteJson {
  readonly dst: string;
  readonly gateway?: string;
  readonly dev?: string;
  readonly type?: string;
}

function defaultOf(routes: readonly RouteJson[]): string {
  const d = routes.find((r) => r.dst === "default" && (r.type === undefined || r.type === "unicast"));
  if (d === undefined) return "none";
  return d.gateway === undefined ? "dev" : `via ${d.gateway}`;
}

/**
 * Reads the facts of `ifname` in the namespace at `nsPath` (`/run/netns/<name>` or `/proc/<pid>/ns/net`),
 * or through any `ip -json` runner.
 *
 * @example
 * ```ts
 * const f = await readFacts("/run/netns/mvb-c1"); // { kind: "macvlan", mode: "bridge", addresses: ["172.16.86.10/24"], default4: "via 172.16.86.1", … }
 * ```
 */
export async function readFacts(where: string | IpJsonRunner, ifname = "eth0"): Promise<InterfaceFacts> {
  const ip = typeof where === "string" ? nsenterIp(where) : where;
  const json = async (args: readonly string[]): Promise<unknown[]> => {
    const out = (await ip(args)).trim();
    return out === "" ? [] : (JSON.parse(out) as unknown[]);
  };
  const [links, addrs, r4, r6] = await Promise.all([
    json(["-details", "link", "show", "dev", ifname]),
    json(["addr", "show", "dev", ifname]),
    json(["-4", "route", "show", "table", "main", "dev", ifname]),
    json(["-6", "route", "show", "table", "main", "dev", ifname]),
  ]);
  const link = links[0] as { mtu: number; address: string; linkinfo?: { info_kind?: string; info_data?: { mode?: string } } };
  const infos = ((addrs[0] as { addr_info?: { local: string; prefixlen: number; scope: string; family: string }[] } | undefined)?.addr_info ?? []).filter((a) => a.scope === "global");
  const addresses = [...infos.filter((a) => a.family === "inet"), ...infos.filter((a) => a.family === "inet6")].map((a) => `${a.local}/${a.prefixlen}`);
  // `dev X` filters leave the device out of each route; the routes here are all through ifname.
  const v4 = r4 as RouteJson[];
  const v6 = (r6 as RouteJson[]).filter((r) => !r.dst.startsWith("fe80:") && !r.dst.startsWith("ff00:") && r.type !== "multicast");
  const routes = [...v4, ...v6]
    .filter((r) => r.dst !== "default")
    .map((r) => (r.gateway === undefined ? r.dst : `${r.dst} via ${r.gateway}`))
    .sort();
  return {
    kind: link.linkinfo?.info_kind ?? "unknown",
    mode: link.linkinfo?.info_data?.mode ?? null,
    mtu: link.mtu,
    mac: link.address,
    addresses,
    default4: defaultOf(v4),
    default6: defaultOf(v6),
    routes,
  };
}
