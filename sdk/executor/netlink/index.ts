/**
 * The in-process rtnetlink layer (Bun through `bun:ffi`, Deno through `Deno.dlopen`): typed
 * requests for namespaces, links, addresses, routes and sysctls, pipelined per namespace, dumps
 * in the shape `ip -json -details` prints, and errors worded as iproute2 words them. On Node it
 * uses the optional `koffi` package, and reports itself unavailable without it. Importing this module loads no FFI: the runtime's binding is
 * imported on first use. Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN); under Deno, `deno run -A`
 * (no `--unstable-ffi` on 2.9). `bun:ffi` is documented by Bun as experimental.
 *
 * @example
 * ```ts
 * import { netlinkAvailable, openNetlink } from "underlay";
 * const a = await netlinkAvailable();
 * if (a.available) { const nl = await openNetlink(); nl.netnsAdd("demo"); nl.netnsDel("demo"); nl.close(); }
 * ```
 * @module
 */
import { loadLibc } from "./libc.ts";
import type { Runtime } from "./runtime.ts";

export { openNetlink, createNetlink, type Netlink, type NetlinkOptions } from "./netlink.ts";
export { batchOutput } from "./dump.ts";
export { detectRuntime, type Runtime } from "./runtime.ts";
export { loadLibc, type Libc, type LibcResult } from "./libc.ts";
export { iproute2Message, netlinkError, netlinkFailureOf, type NetlinkFailure } from "./failure.ts";
export { requestArgv, type AddrChange, type Device, type IpvlanFlag, type IpvlanMode, type LinkAdd, type LinkAttrsSpec, type LinkDel, type LinkKindSpec, type LinkSet, type MacvlanMode, type NetlinkRequest, type RouteChange } from "./requests.ts";
export type { ForeignThread } from "./threads.ts";

/**
 * Whether the netlink layer can run here, and if not, why.
 *
 * @example
 * ```ts
 * const a = await netlinkAvailable(); // { available: false, runtime: "node", reason: "Node has no built-in FFI and koffi … could not be loaded: …" } on Node without koffi
 * ```
 */
export async function netlinkAvailable(g: object = globalThis): Promise<{ readonly available: boolean; readonly runtime: Runtime; readonly reason?: string }> {
  const r = await loadLibc(g);
  return r.available ? { available: true, runtime: r.runtime } : { available: false, runtime: r.runtime, reason: r.reason };
}
