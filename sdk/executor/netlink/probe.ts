/**
 * What the kernel can do, asked in-process: which link kinds it creates (a bridge, a veth pair, a
 * dummy, and a macvlan, an ipvlan and an 802.1Q link on the veth — or on the bridge where veth is
 * missing), and where it looks a new link's name up (`nameInTarget`: a link `ulpn` is made in
 * namespace B, then another `ulpn` is created from B straight into A; a kernel that checks the
 * target accepts it, one that checks the caller's answers "File exists"). Both in two throwaway
 * namespaces of a unique name, deleted before the probe returns, whatever happens.
 *
 * @example
 * ```ts
 * const caps = probeNetlink(nl); // { tool: "netlink (node, koffi)", kinds: { macvlan: true, … }, nameInTarget: true }
 * ```
 * @module
 */
import { randomBytes } from "node:crypto";
import { UnderlayError } from "../../errors.ts";
import type { KernelCapabilities, LinkKind } from "../types.ts";
import { netlinkFailureOf } from "./failure.ts";
import type { Netlink } from "./netlink-types.ts";
import type { LinkAdd } from "./requests.ts";

const FFI: Readonly<Record<Netlink["runtime"], string>> = { bun: "bun:ffi", deno: "Deno.dlopen", node: "koffi" };

/**
 * The tool name the probe reports for a handle.
 *
 * @example
 * ```ts
 * netlinkTool("deno"); // "netlink (Deno.dlopen)"
 * ```
 */
export function netlinkTool(runtime: Netlink["runtime"]): string {
  return `netlink (${FFI[runtime]})`;
}

type Add<T> = T extends unknown ? Omit<T, "op"> : never;

function tries(nl: Netlink, netns: string, r: Add<LinkAdd>): boolean {
  try {
    return nl.send(netns, [{ ...r, op: "linkAdd" } as LinkAdd])[0] === null;
  } catch (e) {
    if (netlinkFailureOf(e) === undefined) throw e;
    return false;
  }
}

/**
 * Probes the kernel through `nl` (needs root: creating namespaces is refused otherwise, with a
 * `PREFLIGHT` error that says so).
 *
 * @example
 * ```ts
 * if (!probeNetlink(nl).kinds.ipvlan) console.log("no ipvlan here");
 * ```
 */
export function probeNetlink(nl: Netlink): KernelCapabilities {
  const tag = `ulp${process.pid.toString(36)}${randomBytes(2).toString("hex")}`;
  const a = `${tag}-a`;
  const b = `${tag}-b`;
  const made: string[] = [];
  try {
    try {
      nl.netnsAdd(a);
      made.push(a);
      nl.netnsAdd(b);
      made.push(b);
    } catch (e) {
      const f = netlinkFailureOf(e);
      if (f !== undefined && (f.errnoName === "EPERM" || f.errnoName === "EACCES")) {
        throw new UnderlayError("PREFLIGHT", "cannot create a network namespace: run as root (CAP_SYS_ADMIN and CAP_NET_ADMIN are needed)", { cause: e });
      }
      throw e;
    }
    const kinds: Record<LinkKind, boolean> = {
      bridge: tries(nl, a, { name: "ulpb", kind: "bridge" }),
      veth: tries(nl, a, { name: "ulpv", kind: "veth", peer: "ulpw" }),
      dummy: tries(nl, a, { name: "ulpd", kind: "dummy" }),
      macvlan: false,
      ipvlan: false,
      vlan: false,
    };
    // macvlan/ipvlan/vlan sit on the veth; where veth is missing, on the bridge.
    const [m, i] = kinds.veth ? ["ulpv", "ulpw"] : kinds.bridge ? ["ulpb", "ulpb"] : [null, null];
    if (m !== null && i !== null) {
      kinds.macvlan = tries(nl, a, { name: "ulpm", kind: "macvlan", parent: m, mode: "bridge" });
      kinds.ipvlan = tries(nl, a, { name: "ulpi", kind: "ipvlan", parent: i, mode: "l2" });
      kinds.vlan = tries(nl, a, { name: `${m}.5`, kind: "vlan", parent: m, id: 5 });
    }
    const base = kinds.bridge ? "bridge" : kinds.dummy ? "dummy" : null;
    const nameInTarget = base !== null && tries(nl, b, { name: "ulpn", kind: base }) && tries(nl, b, { name: "ulpn", kind: base, targetNetns: a });
    return { tool: netlinkTool(nl.runtime), kinds, nameInTarget };
  } finally {
    for (const ns of made.reverse()) nl.netnsDel(ns);
  }
}
