/**
 * The types of the netlink handle: its options and its methods (see `netlink.ts`).
 *
 * @example
 * ```ts
 * const nl: Netlink = await openNetlink({ timeoutMs: 5000 } satisfies NetlinkOptions);
 * ```
 * @module
 */
import type { KernelDump } from "../types.ts";
import type { NetlinkFailure } from "./failure.ts";
import type { FfiRuntime } from "./libc.ts";
import type { NetnsListEntry } from "./nsid.ts";
import type { AddrChange, LinkAdd, LinkDel, LinkSet, NetlinkRequest, RouteChange } from "./requests.ts";
import type { ForeignThread } from "./threads.ts";

/** Options of {@link openNetlink}. */
export interface NetlinkOptions {
  /** How long to wait for the kernel's answer before failing (default 10 s). */
  readonly timeoutMs?: number;
  /** Where named namespaces live (default `/run/netns`, as iproute2). */
  readonly runDir?: string;
  /** How many namespaces the handle keeps open (fd + socket) before closing the least recently used (default 256). */
  readonly maxOpenNamespaces?: number;
}

/** A request without its `op`, plus the namespace it is sent in (`undefined`/`null`: the handle's own). */
export type Call<T> = T extends unknown ? Omit<T, "op"> & { readonly netns?: string | null } : never;

/** The handle returned by {@link openNetlink}. */
export interface Netlink {
  /** The runtime whose FFI it uses. */
  readonly runtime: FfiRuntime;
  /** `ip netns add NAME`. */
  netnsAdd(name: string): void;
  /** `ip netns del NAME`. */
  netnsDel(name: string): void;
  /** `ip netns list`: the named namespaces, sorted. */
  netnsList(): string[];
  /** `ip link add …`. */
  linkAdd(request: Call<LinkAdd>): void;
  /** `ip link set …`. */
  linkSet(request: Call<LinkSet>): void;
  /** `ip link del …`. */
  linkDel(request: Call<LinkDel>): void;
  /** `ip addr add …`. */
  addrAdd(request: Call<Omit<AddrChange, "op">>): void;
  /** `ip addr del …`. */
  addrDel(request: Call<Omit<AddrChange, "op">>): void;
  /** `ip route add …`. */
  routeAdd(request: Call<Omit<RouteChange, "op">>): void;
  /** `ip route replace …`. */
  routeReplace(request: Call<Omit<RouteChange, "op">>): void;
  /** `ip route del …`. */
  routeDel(request: Call<Omit<RouteChange, "op">>): void;
  /** The ifindex of `name` in `netns`. */
  linkIndex(netns: string | null, name: string): number;
  /**
   * Sends `requests` in `netns` pipelined (one `sendto`) and returns one failure or `null` per
   * request; throws only when a request is invalid or a name cannot be resolved.
   */
  send(netns: string | null, requests: readonly NetlinkRequest[]): (NetlinkFailure | null)[];
  /** {@link Netlink.send}, throwing the first failure (`details.failures` lists every one). */
  batch(netns: string | null, requests: readonly NetlinkRequest[]): void;
  /** The namespace's links, addresses and routes in the shape `ip -json -details` prints (with `linksOnly`, links alone). */
  dump(netns: string | null, linksOnly?: boolean): KernelDump;
  /** `ip -json netns list` inside `netns`: every named namespace, with the id `netns` knows it by (if any). */
  netnsIds(netns: string | null): NetnsListEntry[];
  /** Reads a sysctl inside `netns` (`null` when the key does not exist). */
  sysctlRead(netns: string | null, key: string): string | null;
  /** Writes a sysctl inside `netns`. */
  sysctlWrite(netns: string | null, key: string, value: string): void;
  /** Threads of this process that are not in the handle's home namespace. */
  foreignThreads(): ForeignThread[];
  /** Closes the fd and socket held for `netns`. */
  release(netns: string): void;
  /** Closes everything the handle holds. */
  close(): void;
}
