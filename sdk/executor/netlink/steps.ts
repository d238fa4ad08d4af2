/**
 * The one place a typed step becomes what the netlink executor does: an rtnetlink request sent in
 * the step's namespace, or an action done in-process (a namespace created or deleted, sysctls
 * written through the namespace's `/proc/sys`, hosts files written with `node:fs`). Each case
 * means exactly what the step's iproute2 command (`plan/iproute2.ts`) means. Pure.
 *
 * @example
 * ```ts
 * netlinkAction({ kind: "link-up", netns: "demo-web", dev: "eth0", … });
 * // { type: "request", request: { op: "linkSet", dev: "eth0", up: true } }
 * ```
 * @module
 */
import { netnsDir } from "../../plan/ops/hosts.ts";
import type { SlaveLink, Step } from "../../plan/ops/types.ts";
import type { IpvlanFlag, IpvlanMode, LinkAdd, MacvlanMode, NetlinkRequest } from "./requests.ts";

/** What the executor does for one step. */
export type NetlinkAction =
  | { readonly type: "request"; readonly request: NetlinkRequest }
  | { readonly type: "netns-add"; readonly name: string }
  | { readonly type: "netns-del"; readonly name: string }
  | { readonly type: "sysctl"; readonly settings: readonly { readonly key: string; readonly value: string }[] }
  | { readonly type: "hosts-write"; readonly dirs: readonly string[]; readonly content: string }
  | { readonly type: "hosts-remove"; readonly dirs: readonly string[] };

function slave(name: string, target: string | null, link: SlaveLink): LinkAdd {
  const common = {
    op: "linkAdd" as const,
    name,
    ...(target === null ? {} : { targetNetns: target }),
    ...(link.mac === null ? {} : { mac: link.mac }),
    ...(link.mtu === null ? {} : { mtu: link.mtu }),
  };
  if (link.driver === "macvlan") return { ...common, kind: "macvlan", parent: link.parent, mode: link.mode as MacvlanMode };
  return { ...common, kind: "ipvlan", parent: link.parent, mode: link.mode as IpvlanMode, ...(link.flag === null ? {} : { flag: link.flag as IpvlanFlag }) };
}

function request(request: NetlinkRequest): NetlinkAction {
  return { type: "request", request };
}

/**
 * What the netlink executor does for `step` (an op or an undo), sent in `step.netns`.
 *
 * @example
 * ```ts
 * netlinkAction({ kind: "addr-del", netns: "demo-web", dev: "eth0", cidr: "fd00::2/64" });
 * // { type: "request", request: { op: "addrDel", dev: "eth0", cidr: "fd00::2/64" } }
 * ```
 */
export function netlinkAction(step: Step): NetlinkAction {
  switch (step.kind) {
    case "netns-add":
      return { type: "netns-add", name: step.name };
    case "netns-del":
      return { type: "netns-del", name: step.name };
    case "sysctl":
      return { type: "sysctl", settings: step.settings };
    case "parent-add":
      return request({ op: "linkAdd", name: step.dev, kind: step.linkKind });
    case "vlan-ensure":
      return request({ op: "linkAdd", name: step.dev, kind: "vlan", parent: step.base, id: step.vid });
    case "link-add":
      return request(slave(step.dev, step.target, step.link));
    case "shim-add":
      return request(slave(step.dev, null, step.link));
    case "link-mark":
      // One request, as `ip link set dev FROM name DEV alias A` sends it: the kernel renames, then sets the alias.
      return request(step.from === null ? { op: "linkSet", dev: step.dev, alias: step.alias } : { op: "linkSet", dev: step.from, newName: step.dev, alias: step.alias });
    case "link-up":
      return request({ op: "linkSet", dev: step.dev, up: true });
    case "link-down":
      return request({ op: "linkSet", dev: step.dev, up: false });
    case "link-del":
      return request({ op: "linkDel", dev: step.dev });
    case "addr-add":
      return request({ op: "addrAdd", dev: step.dev, cidr: step.cidr, ...(step.cidr.includes(":") ? { nodad: true } : {}) });
    case "addr-del":
      return request({ op: "addrDel", dev: step.dev, cidr: step.cidr });
    case "route-add":
      // `ip route replace`: idempotent, as the iproute2 rendering.
      return request({ op: "routeReplace", dst: step.dst, family: step.family, dev: step.dev, ...(step.via === null ? {} : { via: step.via }) });
    case "route-del":
      return request({ op: "routeDel", dst: step.dst, family: step.family, dev: step.dev, ...(step.via === null ? {} : { via: step.via }) });
    case "hosts-file":
      return { type: "hosts-write", dirs: step.namespaces.map(netnsDir), content: step.content };
    case "hosts-remove":
      return { type: "hosts-remove", dirs: step.namespaces.map(netnsDir) };
  }
}

/**
 * The device names a request needs as ifindexes before it is encoded (the kernel takes a name
 * itself only for `link set`/`link del` of the device the request changes).
 *
 * @example
 * ```ts
 * namesToResolve({ op: "addrAdd", dev: "eth0", cidr: "10.0.0.2/24" }); // ["eth0"]
 * ```
 */
export function namesToResolve(r: NetlinkRequest): string[] {
  switch (r.op) {
    case "linkAdd":
      return "parent" in r && typeof r.parent === "string" ? [r.parent] : [];
    case "linkSet":
      return r.newName !== undefined && typeof r.dev === "string" ? [r.dev] : [];
    case "linkDel":
      return [];
    default:
      return typeof r.dev === "string" ? [r.dev] : [];
  }
}

/**
 * `r` with its device names replaced by ifindexes from `index` (names not in it are kept).
 *
 * @example
 * ```ts
 * withIndexes({ op: "addrAdd", dev: "eth0", cidr: "10.0.0.2/24" }, new Map([["eth0", 2]])); // dev: 2
 * ```
 */
export function withIndexes(r: NetlinkRequest, index: ReadonlyMap<string, number>): NetlinkRequest {
  const of = (d: string | number): string | number => (typeof d === "string" ? (index.get(d) ?? d) : d);
  switch (r.op) {
    case "linkAdd":
      return "parent" in r ? ({ ...r, parent: of(r.parent) } as NetlinkRequest) : r;
    case "linkSet":
      return r.newName !== undefined ? { ...r, dev: of(r.dev) } : r;
    case "linkDel":
      return r;
    default:
      return r.dev === undefined ? r : { ...r, dev: of(r.dev) };
  }
}
