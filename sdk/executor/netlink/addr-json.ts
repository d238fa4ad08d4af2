/**
 * One `RTM_NEWADDR` message as an `addr_info` entry of `ip -json addr show` (iproute2's
 * `print_addrinfo`): `family`, `local`, `address` (a peer, when it differs), `prefixlen`,
 * `broadcast`, `scope`, the flag booleans (`dynamic` when not permanent, `temporary` for an IPv6
 * secondary, `nodad`, `tentative`, …), `label` and the lifetimes.
 *
 * @example
 * ```ts
 * const { index, info } = addrInfo(bytes, m); // index 2, { family: "inet6", local: "fd00::2", prefixlen: 64, scope: "global", nodad: true, … }
 * ```
 * @module
 */
import { AF, IFA, IFA_F, SIZE } from "./constants.ts";
import { attrs, str, u32, type AttrView, type MessageView } from "./decode.ts";
import { formatIp } from "./addresses.ts";
import { HOST_LE } from "./encode.ts";

/** iproute2's table of address flags, in its print order. */
const FLAGS: readonly (readonly [string, number])[] = [
  ["secondary", IFA_F.SECONDARY], ["nodad", IFA_F.NODAD], ["optimistic", IFA_F.OPTIMISTIC],
  ["dadfailed", IFA_F.DADFAILED], ["home", IFA_F.HOMEADDRESS], ["deprecated", IFA_F.DEPRECATED],
  ["tentative", IFA_F.TENTATIVE], ["permanent", IFA_F.PERMANENT], ["mngtmpaddr", IFA_F.MANAGETEMPADDR],
  ["noprefixroute", IFA_F.NOPREFIXROUTE], ["autojoin", IFA_F.MCAUTOJOIN], ["stable-privacy", IFA_F.STABLE_PRIVACY],
];

/**
 * The scope name iproute2 prints (`rtnl_rtscope_n2a`).
 *
 * @example
 * ```ts
 * scopeName(253); // "link"
 * ```
 */
export function scopeName(scope: number): string {
  return scope === 0 ? "global" : scope === 200 ? "site" : scope === 253 ? "link" : scope === 254 ? "host" : scope === 255 ? "nowhere" : String(scope);
}

function ip(bytes: Uint8Array, a: AttrView): string {
  return formatIp(bytes.subarray(a.offset, a.offset + a.length));
}

/**
 * Decodes an address message into the ifindex it belongs to and its `addr_info` entry.
 *
 * @example
 * ```ts
 * addrInfo(bytes, m).info.local; // "10.0.0.2"
 * ```
 */
export function addrInfo(bytes: Uint8Array, m: MessageView): { index: number; info: Record<string, unknown> } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = m.offset + SIZE.NLMSGHDR;
  const family = bytes[h] as number;
  const prefixlen = bytes[h + 1] as number;
  const scope = bytes[h + 3] as number;
  const index = view.getUint32(h + 4, HOST_LE);
  const a = attrs(bytes, h + SIZE.IFADDRMSG, m.offset + m.length);
  const flagsAttr = a.get(IFA.FLAGS);
  let flags = flagsAttr === undefined ? (bytes[h + 2] as number) : u32(bytes, flagsAttr);
  const local = a.get(IFA.LOCAL) ?? a.get(IFA.ADDRESS);
  const address = a.get(IFA.ADDRESS) ?? a.get(IFA.LOCAL);
  const info: Record<string, unknown> = {};
  info["family"] = family === AF.INET ? "inet" : family === AF.INET6 ? "inet6" : undefined;
  if (info["family"] === undefined) {
    delete info["family"];
    info["family_index"] = family;
  }
  if (local !== undefined) {
    info["local"] = ip(bytes, local);
    if (address !== undefined && address.length === local.length && !sameBytes(bytes, address, local)) info["address"] = ip(bytes, address);
    info["prefixlen"] = prefixlen;
    const metric = a.get(IFA.RT_PRIORITY);
    if (metric !== undefined) info["metric"] = u32(bytes, metric);
  }
  const brd = a.get(IFA.BROADCAST);
  if (brd !== undefined) info["broadcast"] = ip(bytes, brd);
  info["scope"] = scopeName(scope);
  for (const [name, bit] of FLAGS) {
    if (bit === IFA_F.PERMANENT) {
      if ((flags & bit) === 0) info["dynamic"] = true;
    } else if ((flags & bit) !== 0) {
      info[bit === IFA_F.SECONDARY && family === AF.INET6 ? "temporary" : name] = true;
    }
    flags &= ~bit;
  }
  if (flags !== 0) info["ifa_flags"] = flags.toString(16).padStart(2, "0");
  const label = a.get(IFA.LABEL);
  if (label !== undefined) info["label"] = str(bytes, label);
  const ci = a.get(IFA.CACHEINFO);
  if (ci !== undefined && ci.length >= 8) {
    info["valid_life_time"] = view.getUint32(ci.offset + 4, HOST_LE);
    info["preferred_life_time"] = view.getUint32(ci.offset, HOST_LE);
  }
  return { index, info };
}

function sameBytes(bytes: Uint8Array, x: AttrView, y: AttrView): boolean {
  for (let i = 0; i < x.length; i++) if (bytes[x.offset + i] !== bytes[y.offset + i]) return false;
  return true;
}
