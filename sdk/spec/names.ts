/**
 * Naming rules shared by validation and the planner: interface and namespace names, VLAN
 * parents (`iface.vid`), and the names underlay derives (endpoint namespaces, dummy parents,
 * ownership marks).
 * @module
 */
import { flat } from "./flat.ts";
import { ipAbbreviationOf, isIpKeyword } from "./iproute2-words.ts";

/** Linux limits interface names to 15 bytes (IFNAMSIZ − 1); underlay applies it to namespaces too. */
export const MAX_NAME_BYTES = 15;

/**
 * Network names never name a kernel object (they are hashed into derived names), so they may be longer.
 *
 * @example
 * ```ts
 * nameProblem("x".repeat(MAX_NETWORK_NAME_BYTES), "network"); // null
 * ```
 */
export const MAX_NETWORK_NAME_BYTES = 64;

/**
 * Where a name goes, which decides the rules beyond the common grammar:
 * - `interface` — a link name (parent, VLAN base, shim): `ip link add NAME …` reads it
 *   positionally, so no abbreviation of a keyword, and no `if<N>` (iproute2 reads a missing
 *   `if2` as interface index 2);
 * - `namespace` — a namespace name (host, endpoint override, `<lab>-<endpoint>`): no number
 *   (where a namespace is expected, iproute2 reads a number as a process id);
 * - `lab` — a lab or route-set name (journal and lock file names, the ownership mark);
 * - `endpoint` — an endpoint name (part of its namespace name and its hosts-file entry);
 * - `network` — a network name (summaries, JSON, shell-script comments; up to 64 bytes).
 */
export type NameRole = "lab" | "endpoint" | "namespace" | "interface" | "network";

const NAME_CHARS = /^[A-Za-z0-9_.-]+$/;
const NUMBER = /^(?:[0-9]+|0[xX][0-9a-fA-F]+)$/;
const IFINDEX = /^if-?[0-9]/;

function byteLength(name: string): number {
  return /^[\x00-\x7f]*$/.test(name) ? name.length : new TextEncoder().encode(name).length;
}

/**
 * The one grammar for every name underlay may pass to argv, a file path or a shell. Returns a
 * problem description (to follow the field's name in a message) or `null`. Every role: a string
 * of 1–15 bytes (64 for networks) of `A-Z a-z 0-9 _ . -` — no whitespace, control characters,
 * `/`, `:`, `%` (a kernel name template), quotes, `#` or `\` (which `ip -batch` would read) —
 * not starting with `-` (an option, and the fan-out's "no namespace"), not `.` or `..`. Every role
 * but `network`: not an iproute2 keyword ({@link isIpKeyword}). See {@link NameRole} for the rest.
 *
 * @example
 * ```ts
 * nameProblem("eth0.50");            // null
 * nameProblem("-", "namespace");     // "must not start with \"-\" …"
 * nameProblem("li", "interface");    // "\"li\" abbreviates the iproute2 keyword \"link\" …"
 * ```
 */
export function nameProblem(name: unknown, role: NameRole = "interface"): string | null {
  if (typeof name !== "string") return `must be a string but received ${describeValue(name)}`;
  if (name.length === 0) return "must not be empty";
  const max = role === "network" ? MAX_NETWORK_NAME_BYTES : MAX_NAME_BYTES;
  const bytes = byteLength(name);
  if (bytes > max) return `must be at most ${max} bytes but ${JSON.stringify(name)} has ${bytes} — choose a shorter name`;
  if (!NAME_CHARS.test(name)) return `must use only A-Z a-z 0-9 _ . - but received ${JSON.stringify(name)}`;
  if (name.startsWith("-")) return `must not start with "-" (tools read it as an option) but received "${name}"`;
  if (name === "." || name === "..") return `must not be "${name}" (a path component) — choose a name`;
  if (role === "network") return null;
  if (isIpKeyword(name)) return `"${name}" is an iproute2 keyword (ip reads it as a command word, not as a name) — choose another name`;
  if (role === "interface") {
    const word = ipAbbreviationOf(name);
    if (word !== null) return `"${name}" abbreviates the iproute2 keyword "${word}" (ip link add/del read it as that keyword, not as a name) — choose another name`;
    if (IFINDEX.test(name)) return `"${name}" is how iproute2 writes an interface index: a command naming a missing "${name}" acts on that index instead — choose another name`;
  }
  if (role === "namespace" && NUMBER.test(name)) {
    return `"${name}" is a number, which iproute2 reads as a process id where a namespace is expected (netns ${name} = the namespace of pid ${name}) — put a letter in it`;
  }
  return null;
}

/**
 * A short description of any value for messages: strings quoted, other types named.
 *
 * @example
 * ```ts
 * describeValue(5);    // "5 (a number)"
 * describeValue(null); // "null"
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return `${String(value)} (a ${typeof value})`;
  return `a ${typeof value}`;
}

/** A parent written as `iface.vid`, split into its base interface and VLAN id. */
export interface VlanParent {
  /** Base interface, e.g. `eth0`. */
  readonly base: string;
  /** VLAN id as written (may be out of range; validation says so). */
  readonly vid: number;
}

/**
 * Splits `eth0.50` into `{ base: "eth0", vid: 50 }`; returns `null` when the name has no numeric
 * `.vid` suffix (then the parent must already exist).
 *
 * @example
 * ```ts
 * parseVlanParent("eth0.50"); // { base: "eth0", vid: 50 }
 * parseVlanParent("foo");     // null
 * ```
 */
export function parseVlanParent(parent: string): VlanParent | null {
  const m = /^(.+)\.(\d+)$/.exec(parent);
  if (m === null || m[1] === undefined || m[2] === undefined) return null;
  return { base: m[1], vid: Number(m[2]) };
}

/** The ownership mark (ifalias) of every link a lab creates: `underlay:<lab>`. */
export function ownershipMark(lab: string): string {
  return flat(`underlay:${lab}`);
}

/** Default namespace of an endpoint: `<lab>-<endpoint>`. */
export function endpointNetns(lab: string, endpoint: string): string {
  return flat(`${lab}-${endpoint}`);
}

/**
 * A short, stable 32-bit FNV-1a hash as 8 hex digits; used for derived names and MACs so the
 * same lab always plans the same bytes.
 */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/** Name of the dummy parent a lab creates for an internal network: `ul` + 8 hex digits. */
export function dummyParentName(lab: string, network: string): string {
  return flat(`ul${shortHash(`${lab}/${network}`)}`);
}

/** Name of a host-access shim link: `ulh` + 8 hex digits unless the user names it. */
export function shimName(lab: string, network: string): string {
  return flat(`ulh${shortHash(`${lab}/${network}/host`)}`);
}

/**
 * Temporary name of an endpoint link between its creation and its rename inside the endpoint
 * namespace: `ult` + 8 hex digits (`t` is no hex digit, so it never equals a dummy parent's or a
 * shim's name). Kernels before 6.15 (Debian 12's 6.1, say) look a new link's name up in the
 * caller's namespace (the host), so `ip link add eth0 netns X link eth0 …` fails with "File
 * exists" wherever the host has an `eth0`; there (the runner probes it: `nameInTarget` false) the
 * link is created under this name and renamed inside X. (A namespace still holding one after a
 * killed run is replaced by the next `up`: see `converge`.)
 *
 * @example
 * ```ts
 * pendingLinkName("demo-web", "eth0"); // "ult…" — same input, same name
 * ```
 */
export function pendingLinkName(netns: string, name: string): string {
  return flat(`ult${shortHash(`${netns}/${name}`)}`);
}

/**
 * A deterministic locally administered unicast MAC for an endpoint interface. `attempt` > 0
 * re-derives it (`<lab>/<endpoint>/<network>/<attempt>`; no first attempt hashes a text with
 * three `/`, since names cannot contain one) when the first one collides with another MAC of
 * the lab by hash accident.
 *
 * @example
 * ```ts
 * deterministicMac("demo", "web", "pub"); // "02:…" — same input, same MAC
 * ```
 */
export function deterministicMac(lab: string, endpoint: string, network: string, attempt = 0): string {
  const suffix = attempt === 0 ? "" : `/${attempt}`;
  const a = shortHash(`${lab}/${endpoint}/${network}${suffix}`);
  const b = shortHash(`${network}/${endpoint}/${lab}${suffix}`).slice(0, 2);
  const hex = `02${a}${b}`;
  return flat(`${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:${hex.slice(6, 8)}:${hex.slice(8, 10)}:${hex.slice(10, 12)}`);
}

/**
 * The deterministic MAC of a network's host-access shim. It has its own derivation domain: the
 * endpoint part is `:shim`, which no endpoint name can be (`:` is not allowed in names), so an
 * endpoint named `host` no longer gets the shim's MAC.
 *
 * @example
 * ```ts
 * shimMac("demo", "pub") === deterministicMac("demo", "host", "pub"); // false
 * ```
 */
export function shimMac(lab: string, network: string, attempt = 0): string {
  return deterministicMac(lab, ":shim", network, attempt);
}
