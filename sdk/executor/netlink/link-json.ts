/**
 * One `RTM_NEWLINK` message as `ip -json -details link show` prints it (iproute2's
 * `print_linkinfo`), restricted to the fields underlay's reader uses and their close neighbours:
 * `ifindex`, `link`/`link_index`, `ifname`, `flags`, `mtu`, `master`, `operstate`, `link_type`,
 * `address`, `link_netnsid`, `linkinfo.info_kind`, `linkinfo.info_data` (macvlan/macvtap,
 * ipvlan/ipvtap and vlan, as their `print_opt` prints them) and `ifalias`.
 *
 * @example
 * ```ts
 * const raw = linkMessage(bytes, m);
 * const json = linkJson(raw, new Map([[raw.ifindex, raw]])); // { ifindex: 2, ifname: "eth0", … }
 * ```
 * @module
 */
import { IFF, IFF_RUNNING, IFF_UP, IFLA, IFLA_INFO, SIZE, VLAN } from "./constants.ts";
import { attrs, nested, str, u16, u16be, u32, type AttrView, type MessageView } from "./decode.ts";
import { formatMac } from "./addresses.ts";
import { HOST_LE } from "./encode.ts";

/** A link message decoded (before names of other links are known). */
export interface LinkMessage {
  readonly ifindex: number;
  readonly ifname: string;
  readonly flags: number;
  readonly type: number;
  /** `IFLA_LINK`, when present. */
  readonly iflink?: number;
  readonly netnsid?: number;
  readonly mtu?: number;
  readonly master?: number;
  readonly operstate?: number;
  readonly address?: string;
  readonly kind?: string;
  readonly infoData?: Record<string, unknown>;
  readonly alias?: string;
}

const OPERSTATES = ["UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"];
const LINK_TYPES: Readonly<Record<number, string>> = { 1: "ether", 772: "loopback", 768: "ipip", 776: "sit", 778: "gre", 823: "ip6gre", 65534: "none", 65535: "void" };
const MACVLAN_MODES: Readonly<Record<number, string>> = { 1: "private", 2: "vepa", 4: "bridge", 8: "passthru", 16: "source" };
const IPVLAN_MODES: Readonly<Record<number, string>> = { 0: "l2", 1: "l3", 2: "l3s" };
const VLAN_PROTOCOLS: Readonly<Record<number, string>> = { [VLAN.PROTOCOL["802.1Q"]]: "802.1Q", [VLAN.PROTOCOL["802.1ad"]]: "802.1ad" };

/**
 * Decodes an `RTM_NEWLINK` message.
 *
 * @example
 * ```ts
 * linkMessage(bytes, m).ifname; // "eth0"
 * ```
 */
export function linkMessage(bytes: Uint8Array, m: MessageView): LinkMessage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = m.offset + SIZE.NLMSGHDR;
  const a = attrs(bytes, h + SIZE.IFINFOMSG, m.offset + m.length);
  const ifindex = view.getInt32(h + 4, HOST_LE);
  const out: { -readonly [K in keyof LinkMessage]: LinkMessage[K] } = {
    ifindex,
    ifname: a.has(IFLA.IFNAME) ? str(bytes, a.get(IFLA.IFNAME) as AttrView) : `if${ifindex}`,
    flags: view.getUint32(h + 8, HOST_LE),
    type: view.getUint16(h + 2, HOST_LE),
  };
  const get = (t: number): AttrView | undefined => a.get(t);
  const link = get(IFLA.LINK);
  if (link !== undefined) out.iflink = u32(bytes, link);
  const nsid = get(IFLA.LINK_NETNSID);
  if (nsid !== undefined) out.netnsid = view.getInt32(nsid.offset, HOST_LE);
  const mtu = get(IFLA.MTU);
  if (mtu !== undefined) out.mtu = u32(bytes, mtu);
  const master = get(IFLA.MASTER);
  if (master !== undefined) out.master = u32(bytes, master);
  const oper = get(IFLA.OPERSTATE);
  if (oper !== undefined) out.operstate = bytes[oper.offset] as number;
  const addr = get(IFLA.ADDRESS);
  if (addr !== undefined) out.address = formatMac(bytes.subarray(addr.offset, addr.offset + addr.length));
  const alias = get(IFLA.IFALIAS);
  if (alias !== undefined) out.alias = str(bytes, alias);
  const info = get(IFLA.LINKINFO);
  if (info !== undefined) {
    const li = nested(bytes, info);
    const kind = li.get(IFLA_INFO.KIND);
    if (kind !== undefined) {
      out.kind = str(bytes, kind);
      const data = li.get(IFLA_INFO.DATA);
      const d = infoData(out.kind, bytes, data === undefined ? undefined : nested(bytes, data));
      if (d !== undefined) out.infoData = d;
    }
  }
  return out;
}

function infoData(kind: string, bytes: Uint8Array, d: Map<number, AttrView> | undefined): Record<string, unknown> | undefined {
  if (kind === "macvlan" || kind === "macvtap") {
    const out: Record<string, unknown> = {};
    const mode = d?.get(1);
    if (mode === undefined || mode.length < 4) return out;
    out["mode"] = MACVLAN_MODES[u32(bytes, mode)] ?? "unknown";
    const flags = d?.get(2);
    const f = flags !== undefined && flags.length >= 2 ? u16(bytes, flags) : 0;
    if ((f & 1) !== 0) out["nopromisc"] = true;
    if ((f & 2) !== 0) out["nodst"] = true;
    const bc = d?.get(7);
    if (bc !== undefined && bc.length >= 4) out["bcqueuelen"] = u32(bytes, bc);
    const used = d?.get(8);
    if (used !== undefined && used.length >= 4) out["usedbcqueuelen"] = u32(bytes, used);
    return out;
  }
  if (kind === "ipvlan" || kind === "ipvtap") {
    const out: Record<string, unknown> = {};
    const mode = d?.get(1);
    if (mode !== undefined && mode.length === 2) out["mode"] = IPVLAN_MODES[u16(bytes, mode)] ?? "unknown";
    const flags = d?.get(2);
    if (flags !== undefined && flags.length === 2) {
      const f = u16(bytes, flags);
      out[(f & 1) !== 0 ? "private" : (f & 2) !== 0 ? "vepa" : "bridge"] = true;
    }
    return out;
  }
  if (kind === "vlan") {
    const out: Record<string, unknown> = {};
    const id = d?.get(VLAN.ATTR_ID);
    const proto = d?.get(VLAN.ATTR_PROTOCOL);
    if (id === undefined || id.length < 2 || (proto !== undefined && proto.length < 2)) return out;
    const p = proto === undefined ? undefined : u16be(bytes, proto);
    out["protocol"] = p === undefined ? "802.1q" : (VLAN_PROTOCOLS[p] ?? `[${p.toString(16).padStart(4, "0")}]`);
    out["id"] = u16(bytes, id);
    return out;
  }
  return undefined;
}

/**
 * The `flags` array iproute2 prints for `ifi_flags` (`print_link_flags`), with `M-DOWN` when the
 * lower device in the same namespace is down.
 *
 * @example
 * ```ts
 * linkFlags(0x1043, false); // ["BROADCAST", "MULTICAST", "UP"] (RUNNING is folded into NO-CARRIER)
 * ```
 */
export function linkFlags(flags: number, lowerDown: boolean): string[] {
  const out: string[] = [];
  if ((flags & IFF_UP) !== 0 && (flags & IFF_RUNNING) === 0) out.push("NO-CARRIER");
  let rest = flags & ~IFF_RUNNING;
  for (const [name, bit] of IFF) {
    if ((rest & bit) !== 0) {
      rest &= ~bit;
      out.push(name);
    }
  }
  if (rest !== 0) out.push(rest.toString(16));
  if (lowerDown) out.push("M-DOWN");
  return out;
}

/**
 * The JSON object of one link, given every link of the same dump by ifindex (to name `link` and `master`).
 *
 * @example
 * ```ts
 * linkJson(raw, byIndex).linkinfo; // { info_kind: "macvlan", info_data: { mode: "bridge" } }
 * ```
 */
export function linkJson(l: LinkMessage, byIndex: ReadonlyMap<number, LinkMessage>): Record<string, unknown> {
  const out: Record<string, unknown> = { ifindex: l.ifindex };
  let lowerDown = false;
  if (l.iflink !== undefined) {
    if (l.iflink === 0) out["link"] = null;
    else if (l.netnsid !== undefined) out["link_index"] = l.iflink;
    else {
      const lower = byIndex.get(l.iflink);
      out["link"] = lower?.ifname ?? `if${l.iflink}`;
      lowerDown = lower !== undefined && (lower.flags & IFF_UP) === 0;
    }
  }
  out["ifname"] = l.ifname;
  out["flags"] = linkFlags(l.flags, lowerDown);
  if (l.mtu !== undefined) out["mtu"] = l.mtu;
  if (l.master !== undefined) out["master"] = byIndex.get(l.master)?.ifname ?? `if${l.master}`;
  if (l.operstate !== undefined) out["operstate"] = OPERSTATES[l.operstate] ?? String(l.operstate);
  out["link_type"] = LINK_TYPES[l.type] ?? `[${l.type}]`;
  if (l.address !== undefined) out["address"] = l.address;
  if (l.netnsid !== undefined) out["link_netnsid"] = l.netnsid;
  if (l.kind !== undefined) out["linkinfo"] = l.infoData === undefined ? { info_kind: l.kind } : { info_kind: l.kind, info_data: l.infoData };
  if (l.alias !== undefined) out["ifalias"] = l.alias;
  return out;
}
