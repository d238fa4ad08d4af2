/**
 * The rtnetlink numbers this layer speaks, from the Linux UAPI headers (`linux/netlink.h`,
 * `linux/rtnetlink.h`, `linux/if_link.h`, `linux/if_addr.h`, `linux/veth.h`). Plain frozen
 * objects, no enums, so the source stays erasable.
 *
 * @example
 * ```ts
 * NLM_F.REQUEST | NLM_F.ACK | NLM_F.CREATE | NLM_F.EXCL; // flags of `ip link add`
 * ```
 * @module
 */

/**
 * Netlink message types of the netlink core and of rtnetlink.
 *
 * @example
 * ```ts
 * NLMSG.ERROR; // 2: an ACK (error 0) or a refusal
 * ```
 */
export const NLMSG = { NOOP: 1, ERROR: 2, DONE: 3, OVERRUN: 4 } as const;

/**
 * rtnetlink message types.
 *
 * @example
 * ```ts
 * RTM.NEWLINK; // 16: `ip link add` and `ip link set`
 * ```
 */
export const RTM = {
  NEWLINK: 16, DELLINK: 17, GETLINK: 18,
  NEWADDR: 20, DELADDR: 21, GETADDR: 22,
  NEWROUTE: 24, DELROUTE: 25, GETROUTE: 26,
} as const;

/**
 * `nlmsg_flags`: request flags, and the flags of answers (`MULTI`, `CAPPED`, `ACK_TLVS`).
 *
 * @example
 * ```ts
 * NLM_F.REQUEST | NLM_F.DUMP; // a dump request
 * ```
 */
export const NLM_F = {
  REQUEST: 0x1, MULTI: 0x2, ACK: 0x4, ECHO: 0x8, DUMP_INTR: 0x10,
  ROOT: 0x100, MATCH: 0x200, DUMP: 0x300,
  REPLACE: 0x100, EXCL: 0x200, CREATE: 0x400, APPEND: 0x800,
  CAPPED: 0x100, ACK_TLVS: 0x200,
} as const;

/**
 * Extended-ACK attributes inside an `NLMSG_ERROR` answer.
 *
 * @example
 * ```ts
 * NLMSGERR_ATTR.MSG; // 1: the kernel's message, e.g. "Unknown device type"
 * ```
 */
export const NLMSGERR_ATTR = { MSG: 1, OFFS: 2 } as const;

/**
 * Link attributes (`IFLA_*`).
 *
 * @example
 * ```ts
 * IFLA.NET_NS_FD; // 28: create the link in this namespace
 * ```
 */
export const IFLA = {
  ADDRESS: 1, BROADCAST: 2, IFNAME: 3, MTU: 4, LINK: 5, MASTER: 10, OPERSTATE: 16,
  LINKINFO: 18, IFALIAS: 20, NET_NS_FD: 28, EXT_MASK: 29, LINK_NETNSID: 37, TARGET_NETNSID: 46,
} as const;

/**
 * Attributes nested in `IFLA_LINKINFO`.
 *
 * @example
 * ```ts
 * IFLA_INFO.KIND; // 1: "macvlan"
 * ```
 */
export const IFLA_INFO = { KIND: 1, DATA: 2 } as const;

/**
 * Macvlan `IFLA_INFO_DATA` attributes and modes.
 *
 * @example
 * ```ts
 * MACVLAN.MODE.bridge; // 4
 * ```
 */
export const MACVLAN = {
  ATTR_MODE: 1, ATTR_FLAGS: 2,
  MODE: { private: 1, vepa: 2, bridge: 4, passthru: 8, source: 16 },
} as const;

/**
 * Ipvlan `IFLA_INFO_DATA` attributes, modes and flags.
 *
 * @example
 * ```ts
 * IPVLAN.MODE.l3s; // 2
 * ```
 */
export const IPVLAN = {
  ATTR_MODE: 1, ATTR_FLAGS: 2,
  MODE: { l2: 0, l3: 1, l3s: 2 },
  FLAG: { bridge: 0, private: 1, vepa: 2 },
} as const;

/**
 * 802.1Q `IFLA_INFO_DATA` attributes and protocols (EtherTypes, sent big-endian).
 *
 * @example
 * ```ts
 * VLAN.PROTOCOL["802.1Q"]; // 0x8100
 * ```
 */
export const VLAN = { ATTR_ID: 1, ATTR_PROTOCOL: 5, PROTOCOL: { "802.1Q": 0x8100, "802.1ad": 0x88a8 } } as const;

/**
 * Veth `IFLA_INFO_DATA` attribute holding the peer's `ifinfomsg` and attributes.
 *
 * @example
 * ```ts
 * VETH_INFO_PEER; // 1
 * ```
 */
export const VETH_INFO_PEER = 1;

/**
 * Address attributes (`IFA_*`).
 *
 * @example
 * ```ts
 * IFA.LOCAL; // 2
 * ```
 */
export const IFA = { ADDRESS: 1, LOCAL: 2, LABEL: 3, BROADCAST: 4, CACHEINFO: 6, FLAGS: 8, RT_PRIORITY: 9 } as const;

/**
 * Address flags (`IFA_F_*`).
 *
 * @example
 * ```ts
 * IFA_F.NODAD; // 2: `ip addr add … nodad`
 * ```
 */
export const IFA_F = {
  SECONDARY: 0x1, NODAD: 0x2, OPTIMISTIC: 0x4, DADFAILED: 0x8, HOMEADDRESS: 0x10, DEPRECATED: 0x20,
  TENTATIVE: 0x40, PERMANENT: 0x80, MANAGETEMPADDR: 0x100, NOPREFIXROUTE: 0x200, MCAUTOJOIN: 0x400,
  STABLE_PRIVACY: 0x800,
} as const;

/**
 * Route attributes (`RTA_*`).
 *
 * @example
 * ```ts
 * RTA.GATEWAY; // 5
 * ```
 */
export const RTA = { DST: 1, OIF: 4, GATEWAY: 5, PRIORITY: 6, PREFSRC: 7, MULTIPATH: 9, TABLE: 15, VIA: 18, PREF: 20 } as const;

/**
 * Route tables, protocols, scopes and types used when adding routes.
 *
 * @example
 * ```ts
 * RT.TABLE_MAIN; // 254
 * ```
 */
export const RT = {
  TABLE_MAIN: 254, TABLE_LOCAL: 255,
  PROT_KERNEL: 2, PROT_BOOT: 3, PROT_STATIC: 4,
  SCOPE_UNIVERSE: 0, SCOPE_LINK: 253, SCOPE_HOST: 254,
  TYPE_UNICAST: 1,
} as const;

/**
 * `IFLA_EXT_MASK` bits for link dumps.
 *
 * @example
 * ```ts
 * RTEXT_FILTER.SKIP_STATS; // 8
 * ```
 */
export const RTEXT_FILTER = { VF: 1, SKIP_STATS: 8 } as const;

/**
 * Interface flags (`IFF_*`) in the order iproute2 prints them.
 *
 * @example
 * ```ts
 * IFF[0]; // ["LOOPBACK", 8]
 * ```
 */
export const IFF: readonly (readonly [string, number])[] = [
  ["LOOPBACK", 0x8], ["BROADCAST", 0x2], ["POINTOPOINT", 0x10], ["MULTICAST", 0x1000], ["NOARP", 0x80],
  ["ALLMULTI", 0x200], ["PROMISC", 0x100], ["MASTER", 0x400], ["SLAVE", 0x800], ["DEBUG", 0x4],
  ["DYNAMIC", 0x8000], ["AUTOMEDIA", 0x4000], ["PORTSEL", 0x2000], ["NOTRAILERS", 0x20], ["UP", 0x1],
  ["LOWER_UP", 0x10000], ["DORMANT", 0x20000], ["ECHO", 0x40000],
];

/**
 * `IFF_UP`, the administrative state bit.
 *
 * @example
 * ```ts
 * (flags & IFF_UP) !== 0; // administratively up
 * ```
 */
export const IFF_UP = 0x1;
/**
 * `IFF_RUNNING` (carrier).
 *
 * @example
 * ```ts
 * (flags & IFF_RUNNING) === 0; // no carrier
 * ```
 */
export const IFF_RUNNING = 0x40;

/**
 * Address families.
 *
 * @example
 * ```ts
 * AF.INET6; // 10
 * ```
 */
export const AF = { UNSPEC: 0, INET: 2, INET6: 10, NETLINK: 16, PACKET: 17 } as const;

/**
 * Sizes of the fixed headers, in bytes.
 *
 * @example
 * ```ts
 * SIZE.IFINFOMSG; // 16
 * ```
 */
export const SIZE = { NLMSGHDR: 16, IFINFOMSG: 16, IFADDRMSG: 8, RTMSG: 12, NLMSGERR: 20, RTATTR: 4 } as const;

/**
 * Socket, namespace, mount and open(2) constants of Linux (x86-64 and arm64 agree on these).
 *
 * @example
 * ```ts
 * SYS.CLONE_NEWNET; // 0x40000000
 * ```
 */
export const SYS = {
  SOCK_RAW: 3, SOCK_CLOEXEC: 0o2000000, NETLINK_ROUTE: 0,
  SOL_SOCKET: 1, SO_RCVTIMEO: 20, SO_SNDBUF: 7, SO_RCVBUF: 8, SO_RCVBUFFORCE: 33,
  SOL_NETLINK: 270, NETLINK_CAP_ACK: 10, NETLINK_EXT_ACK: 11, MSG_TRUNC: 0x20,
  CLONE_NEWNET: 0x40000000, MS_BIND: 0x1000, MS_REC: 0x4000, MS_SHARED: 0x100000, MNT_DETACH: 2,
  O_RDONLY: 0, O_WRONLY: 1, O_CREAT: 0o100, O_EXCL: 0o200, O_TRUNC: 0o1000, O_CLOEXEC: 0o2000000,
  EINTR: 4, ENOENT: 2, EAGAIN: 11, EEXIST: 17, EINVAL: 22, ENODEV: 19, EOPNOTSUPP: 95,
} as const;
