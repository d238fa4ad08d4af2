/**
 * The words iproute2 reads as something other than a name where underlay passes one, collected
 * from iproute2's own argument parsers (iproute2 master, checked against 6.1; file and function
 * named at each list). `ip link add NAME …` and `ip link del NAME` take the device name from the
 * first word that is no keyword (`ip/iplink.c`, `iplink_parse()`), so a link named `up` creates a
 * link named by the kernel (`bridge0`) and a link named `a` reads as `address`.
 * @module
 */

/**
 * Keywords of `iplink_parse()` (`ip/iplink.c`) compared in full (`strcmp`), plus `dev` (its
 * default branch). `inet` is new in iproute2 7.1; older versions create a link named `inet`.
 *
 * @example
 * ```ts
 * IP_LINK_WORDS.includes("netns"); // true: `ip link add netns …` reads a namespace next
 * ```
 */
export const IP_LINK_WORDS: readonly string[] = [
  "up", "down", "name", "index", "brd", "qlen", "mtu", "inet", "xdpgeneric", "xdpdrv", "xdpoffload",
  "xdp", "netns", "multicast", "allmulticast", "promisc", "trailers", "arp", "carrier", "vf", "vrf",
  "group", "mode", "state", "protodown", "protodown_reason", "gso_max_size", "gso_max_segs",
  "gro_max_size", "gso_ipv4_max_size", "gro_ipv4_max_size", "parentdev", "dev",
];

/**
 * Operand words: `get_addr_1()` (`lib/utils.c`) reads `default`, `all` and `any` in place of an
 * address, and the kernel refuses links named `all` and `default` (they would shadow
 * `net.ipv4.conf.all` and `.default`; `EINVAL` on Linux 6.18).
 *
 * @example
 * ```ts
 * IP_OPERAND_WORDS; // ["default", "all", "any"]
 * ```
 */
export const IP_OPERAND_WORDS: readonly string[] = ["default", "all", "any"];

/**
 * Keywords of `iplink_parse()` compared with `matches()` (`lib/utils.c`), which is true for every
 * non-empty prefix: `matches("li", "link")`. Each of these words is a keyword in every
 * abbreviation too (`help` included: its default branch prints the usage for `h`, `he`, …).
 *
 * @example
 * ```ts
 * IP_PREFIX_WORDS.includes("address"); // true: `a`, `ad`, … `address` are all keywords
 * ```
 */
export const IP_PREFIX_WORDS: readonly string[] = [
  "link", "address", "broadcast", "txqueuelen", "txqlen", "master", "nomaster", "dynamic", "type",
  "alias", "numtxqueues", "numrxqueues", "addrgenmode", "link-netns", "link-netnsid", "help",
];

const EXACT = new Set<string>([...IP_LINK_WORDS, ...IP_OPERAND_WORDS, ...IP_PREFIX_WORDS]);

/** Every abbreviation of a prefix-matched word, mapped to the word it abbreviates (first wins, as in the parser). */
const ABBREVIATIONS: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  for (const word of IP_PREFIX_WORDS) {
    for (let i = 1; i <= word.length; i++) {
      const prefix = word.slice(0, i);
      if (!m.has(prefix)) m.set(prefix, word);
    }
  }
  return m;
})();

/**
 * Whether iproute2 reads `word` as a keyword when written in full.
 *
 * @example
 * ```ts
 * isIpKeyword("netns"); // true
 * isIpKeyword("web");   // false
 * ```
 */
export function isIpKeyword(word: string): boolean {
  return EXACT.has(word);
}

/**
 * The keyword `word` abbreviates where `ip link` reads a device name positionally, or `null`.
 *
 * @example
 * ```ts
 * ipAbbreviationOf("li");  // "link"
 * ipAbbreviationOf("eth0"); // null
 * ```
 */
export function ipAbbreviationOf(word: string): string | null {
  return ABBREVIATIONS.get(word) ?? null;
}
