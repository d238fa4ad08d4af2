/**
 * The link messages: `RTM_NEWLINK` to create (with `IFLA_LINKINFO` → kind and kind data, and
 * `IFLA_NET_NS_FD` to create in place in another namespace) and to change (`ip link set`),
 * `RTM_DELLINK`, and `RTM_GETLINK` by name or as a dump. Pure: the caller resolves names to
 * ifindexes and namespaces to file descriptors first.
 *
 * @example
 * ```ts
 * encodeLinkAdd(w, 1, { op: "linkAdd", name: "eth0", kind: "macvlan", parent: 3, mode: "bridge" }, { parentIndex: 3 });
 * ```
 * @module
 */
import { AF, IFF_UP, IFLA, IFLA_INFO, IPVLAN, MACVLAN, NLM_F, RTEXT_FILTER, RTM, VETH_INFO_PEER, VLAN } from "./constants.ts";
import { parseMac } from "./addresses.ts";
import { beginMessage, beginNest, endMessage, endNest, putBytes, putString, putStringRaw, putU16, putU16be, putU32, type MessageWriter } from "./encode.ts";
import { putIfaddrmsg, putIfinfomsg, putRtmsg } from "./encode-headers.ts";
import type { LinkAdd, LinkAttrsSpec, LinkDel, LinkSet } from "./requests.ts";

/** Values the caller resolved before encoding a link request. */
export interface LinkResolved {
  /** Ifindex of the parent (`IFLA_LINK`) in the request's namespace. */
  readonly parentIndex?: number;
  /** File descriptor of the target namespace (`IFLA_NET_NS_FD`). */
  readonly targetFd?: number;
  /** File descriptor of the veth peer's namespace. */
  readonly peerFd?: number;
}

const REQ_ACK = NLM_F.REQUEST | NLM_F.ACK;

function upFlags(r: LinkAttrsSpec): { flags: number; change: number } {
  if (r.up === undefined) return { flags: 0, change: 0 };
  return { flags: r.up ? IFF_UP : 0, change: IFF_UP };
}

function putAttrs(w: MessageWriter, r: LinkAttrsSpec, withAlias: boolean): void {
  if (r.mac !== undefined) {
    const mac = parseMac(r.mac);
    if (mac !== null) putBytes(w, IFLA.ADDRESS, mac);
  }
  if (r.mtu !== undefined) putU32(w, IFLA.MTU, r.mtu);
  if (withAlias && r.alias !== undefined) putStringRaw(w, IFLA.IFALIAS, r.alias);
}

/**
 * `ip link add`: `RTM_NEWLINK` with `NLM_F_CREATE|NLM_F_EXCL|NLM_F_ACK`. The alias is not part of
 * it (the kernel ignores `IFLA_IFALIAS` when creating; the handle sets it with a second request).
 *
 * @example
 * ```ts
 * encodeLinkAdd(w, 7, { op: "linkAdd", name: "p0", kind: "bridge" }, {});
 * ```
 */
export function encodeLinkAdd(w: MessageWriter, seq: number, r: LinkAdd, res: LinkResolved): void {
  const m = beginMessage(w, RTM.NEWLINK, REQ_ACK | NLM_F.CREATE | NLM_F.EXCL, seq);
  putIfinfomsg(w, { family: AF.UNSPEC, index: r.index ?? 0, ...upFlags(r) });
  // iproute2's order: options as parsed (netns, address, mtu), then IFLA_LINK, IFLA_IFNAME, IFLA_LINKINFO.
  if (res.targetFd !== undefined) putU32(w, IFLA.NET_NS_FD, res.targetFd);
  putAttrs(w, r, false);
  if (res.parentIndex !== undefined) putU32(w, IFLA.LINK, res.parentIndex);
  putString(w, IFLA.IFNAME, r.name);
  const info = beginNest(w, IFLA.LINKINFO);
  putStringRaw(w, IFLA_INFO.KIND, r.kind);
  switch (r.kind) {
    case "macvlan": {
      if (r.mode !== undefined) {
        const data = beginNest(w, IFLA_INFO.DATA);
        putU32(w, MACVLAN.ATTR_MODE, MACVLAN.MODE[r.mode]);
        endNest(w, data);
      }
      break;
    }
    case "ipvlan": {
      const data = beginNest(w, IFLA_INFO.DATA);
      if (r.mode !== undefined) putU16(w, IPVLAN.ATTR_MODE, IPVLAN.MODE[r.mode]);
      putU16(w, IPVLAN.ATTR_FLAGS, IPVLAN.FLAG[r.flag ?? "bridge"]);
      endNest(w, data);
      break;
    }
    case "vlan": {
      const data = beginNest(w, IFLA_INFO.DATA);
      if (r.protocol !== undefined) putU16be(w, VLAN.ATTR_PROTOCOL, VLAN.PROTOCOL[r.protocol]);
      putU16(w, VLAN.ATTR_ID, r.id);
      endNest(w, data);
      break;
    }
    case "veth": {
      const data = beginNest(w, IFLA_INFO.DATA);
      const peer = beginNest(w, VETH_INFO_PEER);
      putIfinfomsg(w, { family: AF.UNSPEC });
      putString(w, IFLA.IFNAME, r.peer);
      if (res.peerFd !== undefined) putU32(w, IFLA.NET_NS_FD, res.peerFd);
      endNest(w, peer);
      endNest(w, data);
      break;
    }
    case "dummy":
    case "bridge":
      break;
  }
  endNest(w, info);
  endMessage(w, m);
}

/**
 * `ip link set`: `RTM_NEWLINK` without `NLM_F_CREATE`. The device is named by `index` when given
 * (needed for a rename: `IFLA_IFNAME` then carries the new name), otherwise by `IFLA_IFNAME`.
 *
 * @example
 * ```ts
 * encodeLinkSet(w, 8, { op: "linkSet", dev: "eth0", up: true, alias: "underlay:demo" }, undefined);
 * ```
 */
export function encodeLinkSet(w: MessageWriter, seq: number, r: LinkSet, index: number | undefined): void {
  const m = beginMessage(w, RTM.NEWLINK, REQ_ACK, seq);
  putIfinfomsg(w, { family: AF.UNSPEC, index: index ?? 0, ...upFlags(r) });
  if (r.newName !== undefined) putString(w, IFLA.IFNAME, r.newName);
  else if (index === undefined && typeof r.dev === "string") putString(w, IFLA.IFNAME, r.dev);
  putAttrs(w, r, true);
  endMessage(w, m);
}

/**
 * `ip link del`: `RTM_DELLINK` by ifindex or by name.
 *
 * @example
 * ```ts
 * encodeLinkDel(w, 9, { op: "linkDel", dev: "eth0" });
 * ```
 */
export function encodeLinkDel(w: MessageWriter, seq: number, r: LinkDel): void {
  const m = beginMessage(w, RTM.DELLINK, REQ_ACK, seq);
  putIfinfomsg(w, { family: AF.UNSPEC, index: typeof r.dev === "number" ? r.dev : 0 });
  if (typeof r.dev === "string") putString(w, IFLA.IFNAME, r.dev);
  endMessage(w, m);
}

/**
 * `RTM_GETLINK` for one device by name (the answer is one `RTM_NEWLINK`, then the ACK).
 *
 * @example
 * ```ts
 * encodeGetLink(w, 10, "eth0");
 * ```
 */
export function encodeGetLink(w: MessageWriter, seq: number, name: string): void {
  const m = beginMessage(w, RTM.GETLINK, REQ_ACK, seq);
  putIfinfomsg(w, { family: AF.UNSPEC });
  putString(w, IFLA.IFNAME, name);
  putU32(w, IFLA.EXT_MASK, RTEXT_FILTER.SKIP_STATS);
  endMessage(w, m);
}

/**
 * A dump request: `RTM_GETLINK` (with `IFLA_EXT_MASK` skipping statistics), `RTM_GETADDR` or
 * `RTM_GETROUTE` for `family`, with `NLM_F_DUMP`.
 *
 * @example
 * ```ts
 * encodeDump(w, 11, RTM.GETROUTE, AF.INET6);
 * ```
 */
export function encodeDump(w: MessageWriter, seq: number, type: number, family: number): void {
  const m = beginMessage(w, type, NLM_F.REQUEST | NLM_F.DUMP, seq);
  if (type === RTM.GETLINK) {
    putIfinfomsg(w, { family });
    putU32(w, IFLA.EXT_MASK, RTEXT_FILTER.VF | RTEXT_FILTER.SKIP_STATS);
  } else if (type === RTM.GETADDR) {
    putIfaddrmsg(w, { family, prefixlen: 0, index: 0 });
  } else {
    putRtmsg(w, { family });
  }
  endMessage(w, m);
}
