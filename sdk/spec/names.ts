/**
 * Naming rules shared by validation and the planner: interface and namespace names, VLAN
 * parents (`iface.vid`), and the names underlay derives (endpoint namespaces, dummy parents,
 * ownership marks).
 * @module
 */
import { flat } from "./flat.ts";

/** Linux limits interface names to 15 bytes (IFNAMSIZ − 1); underlay applies it to namespaces too. */
export const MAX_NAME_BYTES = 15;

const NAME_CHARS = /^[A-Za-z0-9_.-]+$/;

/**
 * Checks an interface or namespace name; returns a problem description or `null`.
 *
 * @example
 * ```ts
 * nameProblem("eth0.50"); // null
 * nameProblem("a b");     // "must use only A-Z a-z 0-9 _ . - but received \"a b\""
 * ```
 */
export function nameProblem(name: string): string | null {
  if (name.length === 0) return "must not be empty";
  const bytes = /^[\x00-\x7f]*$/.test(name) ? name.length : new TextEncoder().encode(name).length;
  if (bytes > MAX_NAME_BYTES) {
    return `must be at most ${MAX_NAME_BYTES} bytes but "${name}" has ${bytes} — choose a shorter name`;
  }
  if (!NAME_CHARS.test(name)) return `must use only A-Z a-z 0-9 _ . - but received ${JSON.stringify(name)}`;
  if (name === "." || name === "..") return `must not be "${name}"`;
  return null;
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
 * A deterministic locally administered unicast MAC for an endpoint interface.
 *
 * @example
 * ```ts
 * deterministicMac("demo", "web", "pub"); // "02:…" — same input, same MAC
 * ```
 */
export function deterministicMac(lab: string, endpoint: string, network: string): string {
  const a = shortHash(`${lab}/${endpoint}/${network}`);
  const b = shortHash(`${network}/${endpoint}/${lab}`).slice(0, 2);
  const hex = `02${a}${b}`;
  return flat(`${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:${hex.slice(6, 8)}:${hex.slice(8, 10)}:${hex.slice(10, 12)}`);
}
