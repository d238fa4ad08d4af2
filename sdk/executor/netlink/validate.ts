/**
 * Checks requests before anything is sent, reporting every problem at once (one `USAGE`
 * `UnderlayError` listing each field, what it expected and what it received).
 *
 * @example
 * ```ts
 * checkRequests([{ op: "addrAdd", dev: "eth0", cidr: "10.0.0.300/24" }]);
 * // throws: Invalid netlink request: 1 problem … requests[0].cidr: expected an address with prefix length like 10.0.0.2/24 but received "10.0.0.300/24"
 * ```
 * @module
 */
import { invalidSpec, UnderlayError, type Issue } from "../../errors.ts";
import { parseIp, parseMac } from "./addresses.ts";
import type { Device, NetlinkRequest } from "./requests.ts";

const MACVLAN_MODES = ["bridge", "vepa", "private", "passthru", "source"];
const IPVLAN_MODES = ["l2", "l3", "l3s"];
const IPVLAN_FLAGS = ["bridge", "private", "vepa"];
const utf8 = new TextEncoder();

/**
 * A problem with an interface or namespace name (1–15 bytes, no `/`, whitespace or NUL, not `.`/`..`), or `null`.
 *
 * @example
 * ```ts
 * nameProblem("eth0"); // null
 * ```
 */
export function nameProblem(name: string): string | null {
  if (/^[\x21-\x2e\x30-\x7e]{1,15}$/.test(name) && name !== "." && name !== "..") return null; // printable ASCII, no "/"
  const bytes = utf8.encode(name).length;
  if (bytes === 0 || bytes > 15 || /[\s/\0]/.test(name) || name === "." || name === "..") {
    return `expected a name of 1–15 bytes without "/", whitespace or NUL but received ${JSON.stringify(name)}`;
  }
  return null;
}

/**
 * A problem with a namespace name (what `ip netns add` accepts: a file name in `/run/netns`), or `null`.
 *
 * @example
 * ```ts
 * netnsNameProblem("demo-web"); // null
 * netnsNameProblem("../etc"); // "expected …"
 * ```
 */
export function netnsNameProblem(name: string): string | null {
  if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\0") || utf8.encode(name).length > 255) {
    return `expected a namespace name (a file name in /run/netns: no "/", not "." or "..") but received ${JSON.stringify(name)}`;
  }
  return null;
}

function netns(issues: Issue[], path: string, name: string | undefined): void {
  const p = name === undefined ? null : netnsNameProblem(name);
  if (p !== null) issues.push({ path, message: p });
}

function device(issues: Issue[], path: string, d: Device | undefined): void {
  if (d === undefined) return;
  if (typeof d === "number") {
    if (!Number.isInteger(d) || d <= 0) issues.push({ path, message: `expected an ifindex ≥ 1 but received ${d}` });
    return;
  }
  const p = nameProblem(d);
  if (p !== null) issues.push({ path, message: p });
}

function uint(issues: Issue[], path: string, v: number | undefined, min: number, max: number): void {
  if (v !== undefined && (!Number.isInteger(v) || v < min || v > max)) issues.push({ path, message: `expected an integer from ${min} to ${max} but received ${v}` });
}

function oneOf(issues: Issue[], path: string, v: string | undefined, allowed: readonly string[]): void {
  if (v !== undefined && !allowed.includes(v)) issues.push({ path, message: `expected one of ${allowed.join(", ")} but received ${JSON.stringify(v)}` });
}

function requestIssues(r: NetlinkRequest, at: string): Issue[] {
  const issues: Issue[] = [];
  switch (r.op) {
    case "linkAdd":
    case "linkSet": {
      if (r.op === "linkAdd") {
        device(issues, `${at}.name`, r.name);
        netns(issues, `${at}.targetNetns`, r.targetNetns);
        uint(issues, `${at}.index`, r.index, 1, 0x7fffffff);
        if ("parent" in r) device(issues, `${at}.parent`, r.parent);
        if (r.kind === "macvlan") oneOf(issues, `${at}.mode`, r.mode, MACVLAN_MODES);
        if (r.kind === "ipvlan") {
          oneOf(issues, `${at}.mode`, r.mode, IPVLAN_MODES);
          oneOf(issues, `${at}.flag`, r.flag, IPVLAN_FLAGS);
        }
        if (r.kind === "vlan") {
          uint(issues, `${at}.id`, r.id, 0, 4095);
          oneOf(issues, `${at}.protocol`, r.protocol, ["802.1Q", "802.1ad"]);
        }
        if (r.kind === "veth") {
          device(issues, `${at}.peer`, r.peer);
          netns(issues, `${at}.peerNetns`, r.peerNetns);
        }
        oneOf(issues, `${at}.kind`, r.kind, ["macvlan", "ipvlan", "vlan", "veth", "dummy", "bridge"]);
      } else {
        device(issues, `${at}.dev`, r.dev);
        if (r.newName !== undefined) device(issues, `${at}.newName`, r.newName);
      }
      if (r.mac !== undefined && parseMac(r.mac) === null) issues.push({ path: `${at}.mac`, message: `expected a MAC address like 02:f1:00:00:00:01 but received ${JSON.stringify(r.mac)}` });
      uint(issues, `${at}.mtu`, r.mtu, 0, 0xffffffff);
      if (r.alias !== undefined && utf8.encode(r.alias).length > 255) issues.push({ path: `${at}.alias`, message: `expected at most 255 bytes but received ${utf8.encode(r.alias).length}` });
      break;
    }
    case "linkDel":
      device(issues, `${at}.dev`, r.dev);
      break;
    case "addrAdd":
    case "addrDel": {
      device(issues, `${at}.dev`, r.dev);
      if (parseIp(r.cidr) === null || !r.cidr.includes("/")) issues.push({ path: `${at}.cidr`, message: `expected an address with prefix length like 10.0.0.2/24 but received ${JSON.stringify(r.cidr)}` });
      break;
    }
    case "routeAdd":
    case "routeReplace":
    case "routeDel": {
      device(issues, `${at}.dev`, r.dev);
      const dst = r.dst === "default" ? null : parseIp(r.dst);
      if (r.dst !== "default" && dst === null) issues.push({ path: `${at}.dst`, message: `expected "default" or a prefix like 10.1.0.0/16 but received ${JSON.stringify(r.dst)}` });
      const via = r.via === undefined ? undefined : parseIp(r.via);
      if (via === null || (via !== undefined && r.via?.includes("/"))) issues.push({ path: `${at}.via`, message: `expected a gateway address like 10.0.0.1 but received ${JSON.stringify(r.via)}` });
      const fam = dst?.family ?? via?.family ?? r.family;
      if (dst != null && via != null && dst.family !== via.family) issues.push({ path: `${at}.via`, message: `expected an IPv${dst.family} gateway for ${r.dst} but received ${JSON.stringify(r.via)}` });
      if (r.family !== undefined && fam !== r.family) issues.push({ path: `${at}.family`, message: `expected ${fam} (the family of the addresses) but received ${r.family}` });
      if (r.via === undefined && r.dev === undefined && r.op !== "routeDel") issues.push({ path: at, message: `expected a gateway (via) or a device (dev) for route ${r.dst} but received neither` });
      uint(issues, `${at}.table`, r.table, 1, 0xffffffff);
      uint(issues, `${at}.metric`, r.metric, 0, 0xffffffff);
      break;
    }
  }
  return issues;
}

/**
 * Throws one `USAGE` error listing every problem of `requests` (none: returns).
 *
 * @example
 * ```ts
 * checkRequests([{ op: "linkDel", dev: "eth0" }]); // ok
 * ```
 */
export function checkRequests(requests: readonly NetlinkRequest[]): void {
  const issues: Issue[] = [];
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i] as NetlinkRequest;
    issues.push(...requestIssues(r, requests.length === 1 ? r.op : `requests[${i}]`));
  }
  if (issues.length > 0) {
    throw new UnderlayError("USAGE", invalidSpec(issues, "netlink request").message, { issues });
  }
}
