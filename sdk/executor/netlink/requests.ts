/**
 * The requests the netlink layer sends, as typed plain objects (one `op` each), and the `ip`
 * command each one is equivalent to (used in error messages and by the runner's hints). A
 * request names devices by name (or ifindex) and namespaces by name; the handle resolves them.
 *
 * @example
 * ```ts
 * const r: NetlinkRequest = { op: "addrAdd", dev: "eth0", cidr: "fd00::2/64", nodad: true };
 * requestArgv(r, "demo-web"); // ["ip", "-n", "demo-web", "addr", "add", "fd00::2/64", "dev", "eth0", "nodad"]
 * ```
 * @module
 */

/** Macvlan modes. */
export type MacvlanMode = "bridge" | "vepa" | "private" | "passthru" | "source";
/** Ipvlan modes. */
export type IpvlanMode = "l2" | "l3" | "l3s";
/** Ipvlan flags. */
export type IpvlanFlag = "bridge" | "private" | "vepa";

/** A device: its name, or its ifindex in the request's namespace. */
export type Device = string | number;

/** What kind of link to create, with its kind-specific fields. */
export type LinkKindSpec =
  | { readonly kind: "macvlan"; readonly parent: Device; readonly mode?: MacvlanMode }
  | { readonly kind: "ipvlan"; readonly parent: Device; readonly mode?: IpvlanMode; readonly flag?: IpvlanFlag }
  | { readonly kind: "vlan"; readonly parent: Device; readonly id: number; readonly protocol?: "802.1Q" | "802.1ad" }
  | { readonly kind: "veth"; readonly peer: string; readonly peerNetns?: string }
  | { readonly kind: "dummy" }
  | { readonly kind: "bridge" };

/** Attributes shared by link creation and `link set`. */
export interface LinkAttrsSpec {
  /** MAC address (`02:f1:00:00:00:01`). */
  readonly mac?: string;
  /** MTU in bytes. */
  readonly mtu?: number;
  /** Interface alias (ifalias). */
  readonly alias?: string;
  /** Administrative state. */
  readonly up?: boolean;
}

/** `ip link add NAME [netns TARGET] [link PARENT] … type KIND …`. */
export type LinkAdd = LinkKindSpec &
  LinkAttrsSpec & {
    readonly op: "linkAdd";
    /** Name of the new link. */
    readonly name: string;
    /** Create it in this named namespace (`IFLA_NET_NS_FD`) rather than the request's. */
    readonly targetNetns?: string;
    /** Ask the kernel for this ifindex (as `ip link add … index N`). */
    readonly index?: number;
  };

/** `ip link set DEV [up|down] [mtu N] [address MAC] [alias A] [name NEW]`. */
export interface LinkSet extends LinkAttrsSpec {
  readonly op: "linkSet";
  /** The device to change. */
  readonly dev: Device;
  /** New name. */
  readonly newName?: string;
}

/** `ip link del DEV`. */
export interface LinkDel {
  readonly op: "linkDel";
  readonly dev: Device;
}

/** `ip addr add|del CIDR dev DEV [nodad]`. */
export interface AddrChange {
  readonly op: "addrAdd" | "addrDel";
  /** The device. */
  readonly dev: Device;
  /** Address with prefix length (`10.0.0.2/24`, `fd00::2/64`). */
  readonly cidr: string;
  /** IPv6: skip duplicate address detection (`IFA_F_NODAD`). */
  readonly nodad?: boolean;
}

/** `ip route add|replace|del DST [via GW] [dev DEV] [table T] [metric M]`. */
export interface RouteChange {
  readonly op: "routeAdd" | "routeReplace" | "routeDel";
  /** `default` or a prefix (`10.1.0.0/16`, `10.1.0.5` for a host route, `fd00::/64`). */
  readonly dst: string;
  /** Family of a `default` route without `via` (otherwise taken from `dst`/`via`). */
  readonly family?: 4 | 6;
  /** Gateway. */
  readonly via?: string;
  /** Output device. */
  readonly dev?: Device;
  /** Routing table id (default main, 254). */
  readonly table?: number;
  /** Metric (`RTA_PRIORITY`). */
  readonly metric?: number;
}

/** Every request the layer sends. */
export type NetlinkRequest = LinkAdd | LinkSet | LinkDel | AddrChange | RouteChange;

function dev(d: Device): string {
  return typeof d === "number" ? `if${d}` : d;
}

/**
 * The `ip` command equivalent to `r` sent in namespace `netns` (`null`: the caller's).
 *
 * @example
 * ```ts
 * requestArgv({ op: "linkDel", dev: "eth0" }, null); // ["ip", "link", "del", "eth0"]
 * ```
 */
export function requestArgv(r: NetlinkRequest, netns: string | null): string[] {
  const ip = netns === null ? ["ip"] : ["ip", "-n", netns];
  switch (r.op) {
    case "linkAdd": {
      const out = [...ip, "link", "add", r.name];
      if (r.targetNetns !== undefined) out.push("netns", r.targetNetns);
      out.push(...attrArgv(r));
      if ("parent" in r) out.push("link", dev(r.parent));
      if (r.index !== undefined) out.push("index", String(r.index));
      out.push("type", r.kind);
      if (r.kind === "macvlan" && r.mode !== undefined) out.push("mode", r.mode);
      if (r.kind === "ipvlan") {
        if (r.mode !== undefined) out.push("mode", r.mode);
        if (r.flag !== undefined) out.push(r.flag);
      }
      if (r.kind === "vlan") {
        if (r.protocol !== undefined) out.push("protocol", r.protocol);
        out.push("id", String(r.id));
      }
      if (r.kind === "veth") {
        out.push("peer", "name", r.peer);
        if (r.peerNetns !== undefined) out.push("netns", r.peerNetns);
      }
      return out;
    }
    case "linkSet":
      return [...ip, "link", "set", "dev", dev(r.dev), ...(r.newName === undefined ? [] : ["name", r.newName]), ...attrArgv(r)];
    case "linkDel":
      return [...ip, "link", "del", dev(r.dev)];
    case "addrAdd":
    case "addrDel":
      return [...ip, "addr", r.op === "addrAdd" ? "add" : "del", r.cidr, "dev", dev(r.dev), ...(r.nodad === true ? ["nodad"] : [])];
    case "routeAdd":
    case "routeReplace":
    case "routeDel": {
      const verb = r.op === "routeAdd" ? "add" : r.op === "routeReplace" ? "replace" : "del";
      const out = [...ip, ...(r.family === 6 && r.dst === "default" ? ["-6"] : []), "route", verb, r.dst];
      if (r.via !== undefined) out.push("via", r.via);
      if (r.table !== undefined) out.push("table", String(r.table));
      if (r.metric !== undefined) out.push("metric", String(r.metric));
      if (r.dev !== undefined) out.push("dev", dev(r.dev));
      return out;
    }
  }
}

function attrArgv(r: LinkAttrsSpec): string[] {
  const out: string[] = [];
  if (r.mac !== undefined) out.push("address", r.mac);
  if (r.mtu !== undefined) out.push("mtu", String(r.mtu));
  if (r.alias !== undefined) out.push("alias", r.alias);
  if (r.up === true) out.push("up");
  if (r.up === false) out.push("down");
  return out;
}
