/**
 * The in-process rtnetlink handle: namespaces, links, addresses, routes, sysctls and dumps, each
 * exactly what the equivalent `ip` command does, with no process per step. Synchronous (the
 * calls block the event loop for the few microseconds the kernel takes); runs on Bun and Deno.
 * Requests for one namespace can be pipelined ({@link Netlink.send}): one `sendto`, one ACK each.
 *
 * @example
 * ```ts
 * const nl = await openNetlink();
 * nl.netnsAdd("demo-h"); nl.netnsAdd("demo-a");
 * nl.linkAdd({ netns: "demo-h", name: "p0", kind: "bridge", up: true });
 * nl.linkAdd({ netns: "demo-h", name: "eth0", targetNetns: "demo-a", kind: "macvlan", parent: "p0", mode: "bridge" });
 * nl.send("demo-a", [{ op: "addrAdd", dev: "eth0", cidr: "10.0.0.2/24" }, { op: "linkSet", dev: "eth0", up: true }]);
 * nl.dump("demo-a").links; // what `ip -n demo-a -json -details link show` prints
 * nl.netnsDel("demo-a"); nl.netnsDel("demo-h"); nl.close();
 * ```
 * @module
 */
import { readlinkSync } from "node:fs";
import { UnderlayError } from "../../errors.ts";
import type { KernelDump } from "../types.ts";
import { SYS } from "./constants.ts";
import { dumpNamespace } from "./dump.ts";
import { HOST_LE, messageWriter } from "./encode.ts";
import { encodeAddr, encodeRoute } from "./encode-addr-route.ts";
import { encodeGetLink, encodeLinkAdd, encodeLinkDel, encodeLinkSet } from "./encode-link.ts";
import { iproute2Message, netlinkError, type NetlinkFailure } from "./failure.ts";
import { loadLibc, type Libc } from "./libc.ts";
import { closeEntry, cString, netnsAdd, netnsDel, netnsList, openNamespace, type NamespaceEntry, type NsContext } from "./netns.ts";
import { netnsIds } from "./nsid.ts";
import { foreignThreads } from "./threads.ts";
import { requestArgv, type AddrChange, type LinkAdd, type LinkDel, type LinkSet, type NetlinkRequest, type RouteChange } from "./requests.ts";

export type { Netlink, NetlinkOptions } from "./netlink-types.ts";
import { exchange, openSocket, type NetlinkSocket } from "./socket.ts";
import { sysctlRead, sysctlWrite } from "./sysctl.ts";
import type { Netlink, NetlinkOptions } from "./netlink-types.ts";
import { checkRequests, netnsNameProblem } from "./validate.ts";

/**
 * Opens a handle on Bun or Deno; on Node (no FFI) it rejects with an `EXEC` error that says why.
 *
 * @example
 * ```ts
 * const nl = await openNetlink({ timeoutMs: 5000 });
 * ```
 */
export async function openNetlink(options: NetlinkOptions = {}): Promise<Netlink> {
  const r = await loadLibc();
  if (!r.available) throw new UnderlayError("EXEC", `netlink unavailable: ${r.reason}`);
  return createNetlink(r.libc, options);
}

/**
 * A handle over a given libc binding (see {@link openNetlink}).
 *
 * @example
 * ```ts
 * const r = await loadLibc();
 * if (r.available) createNetlink(r.libc).netnsList();
 * ```
 */
export function createNetlink(libc: Libc, options: NetlinkOptions = {}): Netlink {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const max = options.maxOpenNamespaces ?? 256;
  const homeFd = libc.open(cString("/proc/thread-self/ns/net"), SYS.O_RDONLY | SYS.O_CLOEXEC, 0);
  if (homeFd < 0) throw new UnderlayError("EXEC", `netlink: cannot open /proc/thread-self/ns/net: ${libc.strerror(libc.errno())}`);
  const home = readlinkSync("/proc/thread-self/ns/net");
  const ctx: NsContext = { libc, homeFd, runDir: options.runDir ?? "/run/netns", timeoutMs, runDirReady: false };
  const entries = new Map<string, NamespaceEntry>();
  let homeSock: NetlinkSocket | undefined;
  const w = messageWriter();
  const lw = messageWriter(4096);

  const keep = (e: NamespaceEntry): NamespaceEntry => {
    entries.set(e.name, e);
    if (entries.size > max) {
      const [oldest] = entries.values();
      if (oldest !== undefined) release(oldest.name);
    }
    return e;
  };
  const entry = (name: string): NamespaceEntry => {
    const e = entries.get(name);
    if (e === undefined) return keep(openNamespace(ctx, name));
    entries.delete(name);
    entries.set(name, e);
    return e;
  };
  const sockFor = (netns: string | null): NetlinkSocket => (netns === null ? (homeSock ??= openSocket(libc, null, timeoutMs)) : entry(netns).sock);
  function release(name: string): void {
    const e = entries.get(name);
    if (e === undefined) return;
    entries.delete(name);
    closeEntry(libc, e);
  }

  const failureOf = (error: number, message: string | undefined, argv: readonly string[], netns: string | null, named?: string): NetlinkFailure => {
    const errno = -error;
    const stderr = errno === SYS.ENODEV && named !== undefined ? `Cannot find device "${named}"` : iproute2Message(libc.strerror(errno), message);
    return { errno, errnoName: libc.errnoName(errno), stderr, argv, netns, ...(message === undefined ? {} : { kernelMessage: message }) };
  };

  /** Resolves device names to ifindexes in one pipelined exchange; a missing one is iproute2's "Cannot find device". */
  const resolve = (netns: string | null, names: ReadonlySet<string>, argvOf: (name: string) => readonly string[]): Map<string, number> => {
    const out = new Map<string, number>();
    if (names.size === 0) return out;
    const sock = sockFor(netns);
    const list = [...names];
    lw.length = 0;
    const first = sock.seq;
    for (const name of list) encodeGetLink(lw, sock.seq++, name);
    const answers = exchange(libc, sock, lw, first, list.length, (bytes, m) => {
      const name = list[m.seq - first];
      if (name !== undefined) out.set(name, new DataView(bytes.buffer, bytes.byteOffset).getInt32(m.offset + 20, HOST_LE));
    });
    answers.forEach((a, i) => {
      const name = list[i] as string;
      if (a !== null) throw netlinkError(failureOf(a.error, a.message, argvOf(name), netns, name));
    });
    return out;
  };

  const nsFdFor = (name: string, argv: readonly string[]): number => {
    try {
      return entry(name).fd;
    } catch (e) {
      const f = (e as UnderlayError).details as NetlinkFailure | undefined;
      if (f === undefined || typeof f.errno !== "number") throw e;
      throw netlinkError({ ...f, argv, stderr: `Error: argument "${name}" is wrong: Invalid "netns" value` });
    }
  };

  function send(netns: string | null, requests: readonly NetlinkRequest[]): (NetlinkFailure | null)[] {
    checkRequests(requests);
    const names = new Set<string>();
    // The first request naming each device: its command line is rendered only if the name is missing.
    const namedBy = new Map<string, NetlinkRequest>();
    const need = (d: string | number | undefined, r: NetlinkRequest): void => {
      if (typeof d === "string" && !names.has(d)) {
        names.add(d);
        namedBy.set(d, r);
      }
    };
    for (const r of requests) {
      if (r.op === "linkAdd" && "parent" in r) need(r.parent, r);
      else if (r.op === "linkSet" && r.newName !== undefined) need(r.dev, r);
      else if (r.op === "addrAdd" || r.op === "addrDel" || r.op === "routeAdd" || r.op === "routeReplace" || r.op === "routeDel") need(r.dev, r);
    }
    const index = resolve(netns, names, (n) => {
      const r = namedBy.get(n);
      return r === undefined ? [] : requestArgv(r, netns);
    });
    const idx = (d: string | number | undefined): number | undefined => (typeof d === "number" ? d : d === undefined ? undefined : index.get(d));
    const sock = sockFor(netns);
    w.length = 0;
    const first = sock.seq;
    for (const r of requests) {
      const seq = sock.seq++;
      switch (r.op) {
        case "linkAdd": {
          const argv = (): readonly string[] => requestArgv(r, netns);
          const targetFd = r.targetNetns === undefined ? undefined : nsFdFor(r.targetNetns, argv());
          const peerFd = r.kind === "veth" && r.peerNetns !== undefined ? nsFdFor(r.peerNetns, argv()) : undefined;
          const parentIndex = "parent" in r ? idx(r.parent) : undefined;
          encodeLinkAdd(w, seq, r, { ...(parentIndex === undefined ? {} : { parentIndex }), ...(targetFd === undefined ? {} : { targetFd }), ...(peerFd === undefined ? {} : { peerFd }) });
          break;
        }
        case "linkSet":
          encodeLinkSet(w, seq, r, r.newName === undefined ? (typeof r.dev === "number" ? r.dev : undefined) : idx(r.dev));
          break;
        case "linkDel":
          encodeLinkDel(w, seq, r);
          break;
        case "addrAdd":
        case "addrDel":
          encodeAddr(w, seq, r, idx(r.dev) as number);
          break;
        default:
          encodeRoute(w, seq, r, idx(r.dev));
      }
    }
    const answers = exchange(libc, sock, w, first, requests.length);
    const failures = answers.map((a, i) => {
      if (a === null) return null;
      const r = requests[i] as NetlinkRequest;
      const named = (r.op === "linkSet" || r.op === "linkDel") && typeof r.dev === "string" ? r.dev : undefined;
      return failureOf(a.error, a.message, requestArgv(r, netns), netns, named);
    });
    // The kernel ignores IFLA_IFALIAS when creating a link: set it on the new link where it lives.
    requests.forEach((r, i) => {
      if (r.op === "linkAdd" && r.alias !== undefined && failures[i] === null) {
        const where = r.targetNetns ?? netns;
        const [f] = send(where, [{ op: "linkSet", dev: r.name, alias: r.alias }]);
        if (f !== undefined && f !== null) failures[i] = f;
      }
    });
    return failures;
  }

  function batch(netns: string | null, requests: readonly NetlinkRequest[]): void {
    const failures = send(netns, requests);
    const first = failures.find((f) => f !== null);
    if (first !== undefined && first !== null) {
      const e = netlinkError(first);
      if (requests.length === 1) throw e;
      throw new UnderlayError(e.code, e.message, { details: { ...first, failures } });
    }
  }

  const one = <T extends NetlinkRequest>(op: T["op"]) => (call: { readonly netns?: string | null }): void => {
    const { netns, ...rest } = call;
    batch(netns ?? null, [{ ...rest, op } as unknown as T]);
  };

  return {
    runtime: libc.runtime,
    netnsAdd: (name) => {
      checkName(name);
      keep(netnsAdd(ctx, name));
    },
    netnsDel: (name) => {
      checkName(name);
      release(name);
      netnsDel(ctx, name);
    },
    netnsList: () => netnsList(ctx.runDir),
    linkAdd: one<LinkAdd>("linkAdd"),
    linkSet: one<LinkSet>("linkSet"),
    linkDel: one<LinkDel>("linkDel"),
    addrAdd: one<AddrChange>("addrAdd"),
    addrDel: one<AddrChange>("addrDel"),
    routeAdd: one<RouteChange>("routeAdd"),
    routeReplace: one<RouteChange>("routeReplace"),
    routeDel: one<RouteChange>("routeDel"),
    linkIndex: (netns, name) => resolve(netns, new Set([name]), () => ["ip", ...(netns === null ? [] : ["-n", netns]), "link", "show", name]).get(name) as number,
    send,
    batch,
    dump: (netns, linksOnly) => dumpNamespace(libc, sockFor(netns), w, linksOnly),
    netnsIds: (netns) => netnsIds(ctx, sockFor(netns), w, netnsList(ctx.runDir)),
    sysctlRead: (netns, key) => sysctlRead(ctx, netns === null ? null : entry(netns).fd, netns, key),
    sysctlWrite: (netns, key, value) => sysctlWrite(ctx, netns === null ? null : entry(netns).fd, netns, key, value),
    foreignThreads: () => foreignThreads(home),
    release,
    close: () => {
      for (const name of [...entries.keys()]) release(name);
      if (homeSock !== undefined) libc.close(homeSock.fd);
      homeSock = undefined;
      libc.close(homeFd);
    },
  };
}

function checkName(name: string): void {
  const problem = netnsNameProblem(name);
  if (problem !== null) throw new UnderlayError("USAGE", `Invalid namespace name: ${problem}`);
}
