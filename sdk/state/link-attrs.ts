/**
 * The attributes a `link` fact may name in `attrs`, and how each is compared with a
 * {@link LinkState}. Only the attributes a fact names are checked; a name not listed here is a
 * planner bug and raises a `USAGE` error rather than being silently ignored.
 * @module
 */
import { UnderlayError } from "../errors.ts";
import type { LinkState, LiveState } from "./types.ts";

/**
 * Supported `attrs` keys of a `link` fact, with what each means.
 *
 * @example
 * ```ts
 * const fact = { type: "link", netns: "demo-web", name: "eth0", kind: "ipvlan",
 *   attrs: { mode: "l3", flag: "private", parent: "eth0.50", parentNetns: "", mtu: 1500 } } as const;
 * Object.keys(fact.attrs).every((k) => k in LINK_ATTRS); // true
 * ```
 */
export const LINK_ATTRS = {
  mode: "macvlan mode (bridge|vepa|private|passthru|source) or ipvlan mode (l2|l3|l3s), from info_data.mode",
  flag: "ipvlan flag (bridge|private|vepa); an ipvlan whose kernel reports no flag counts as bridge",
  parent: "name of the lower device; when it lives in another namespace, matched by its ifindex (link_index)",
  parentNetns: 'namespace of the lower device when it is not the link\'s own ("" = the executor\'s namespace); makes the parent check exact',
  mtu: "MTU in bytes",
  mac: "link-layer address, compared case-insensitively",
  vlanId: "802.1Q VLAN id (info_data.id)",
  vlanProtocol: "VLAN protocol (802.1Q or 802.1ad), compared case-insensitively",
  alias: "interface alias (ifalias): underlay's ownership mark",
} as const;

/** A supported `attrs` key of a `link` fact. */
export type LinkAttrKey = keyof typeof LINK_ATTRS;

/** Attribute values as a `link` fact holds them. */
export type LinkAttrs = Readonly<Record<string, string | number | boolean>>;

/**
 * Compares every attribute named in `attrs` with the live link and returns one message per
 * difference (empty when all hold). `netns` is the link's own namespace.
 *
 * @example
 * ```ts
 * linkAttrDifferences(eth0, "demo-web", { mtu: 1500 }, state); // ["mtu is 1400, plan says 1500"]
 * ```
 */
export function linkAttrDifferences(link: LinkState, netns: string | null, attrs: LinkAttrs, state: LiveState): string[] {
  const out: string[] = [];
  for (const [key, expected] of Object.entries(attrs)) {
    if (!(key in LINK_ATTRS)) {
      throw new UnderlayError(
        "USAGE",
        `link fact for ${link.name}: attribute ${JSON.stringify(key)} is not supported — use one of ${Object.keys(LINK_ATTRS).join(", ")}`,
      );
    }
    const problem = compare(key as LinkAttrKey, link, netns, expected, attrs, state);
    if (problem !== null) out.push(problem);
  }
  return out;
}

function compare(key: LinkAttrKey, link: LinkState, netns: string | null, expected: string | number | boolean, attrs: LinkAttrs, state: LiveState): string | null {
  const want = String(expected);
  switch (key) {
    case "mode":
      return same(link.mode, want) ? null : `mode is ${link.mode ?? "not reported"}, plan says ${want}`;
    case "flag": {
      const actual = link.flag ?? (link.kind === "ipvlan" || link.kind === "ipvtap" ? "bridge" : undefined);
      return same(actual, want) ? null : `flag is ${actual ?? "not reported"}, plan says ${want}`;
    }
    case "mtu":
      return link.mtu === Number(expected) ? null : `mtu is ${link.mtu}, plan says ${want}`;
    case "mac":
      return link.mac === want.toLowerCase() ? null : `mac is ${link.mac}, plan says ${want.toLowerCase()}`;
    case "vlanId":
      return link.vlanId === Number(expected) ? null : `vlan id is ${link.vlanId ?? "not set"}, plan says ${want}`;
    case "alias":
      return link.alias === want ? null : `alias is ${link.alias === undefined ? "not set" : JSON.stringify(link.alias)}, plan says ${JSON.stringify(want)}`;
    case "vlanProtocol":
      return link.vlanProtocol?.toLowerCase() === want.toLowerCase() ? null : `vlan protocol is ${link.vlanProtocol ?? "not set"}, plan says ${want}`;
    case "parent":
      return parentDifference(link, netns, want, attrs["parentNetns"], state);
    case "parentNetns":
      return null; // checked together with `parent`
  }
}

function same(actual: string | undefined, want: string): boolean {
  return actual !== undefined && actual === want;
}

function parentDifference(link: LinkState, netns: string | null, want: string, parentNetns: string | number | boolean | undefined, state: LiveState): string | null {
  if (link.parentIndex === undefined && link.parent === undefined) return `has no parent, plan says ${want}`;
  if (link.parentNetnsId === undefined) {
    return link.parent === want ? null : `parent is ${link.parent ?? `ifindex ${link.parentIndex}`}, plan says ${want}`;
  }
  const index = link.parentIndex;
  if (parentNetns !== undefined) {
    const ns = parentNetns === "" ? null : String(parentNetns);
    const observed = state.namespaces.get(ns);
    if (observed === undefined) {
      throw new UnderlayError("USAGE", `parent namespace ${ns ?? "(executor's own)"} of ${link.name} was not observed — pass it to observe()`);
    }
    const parent = observed.links.find((l) => l.name === want);
    if (parent === undefined) return `parent ${want} does not exist in ${ns === null ? "the executor's namespace" : `namespace ${ns}`}`;
    return parent.ifindex === index ? null : `parent is ifindex ${index} in another namespace, plan says ${want} (ifindex ${parent.ifindex})`;
  }
  for (const [name, observed] of state.namespaces) {
    if (name === netns) continue;
    if (observed.links.some((l) => l.name === want && l.ifindex === index)) return null;
  }
  return `parent is ifindex ${index} in another namespace; no observed namespace has ${want} at that index`;
}
