/**
 * Reading one namespace by dumps (`RTM_GETLINK`, `RTM_GETADDR`, `RTM_GETROUTE` for IPv4 and
 * IPv6, with `NLM_F_DUMP`) into the answers of the state reader's batch — `ip -json -details`
 * `link show`, `addr show`, `route show table all root 0.0.0.0/0` and `… root ::/0` — so that
 * `parseNamespace` from `sdk/state/read-namespace.ts` turns either source into the same
 * `NamespaceState`. A dump the kernel flags as interrupted (`NLM_F_DUMP_INTR`) is read again.
 *
 * @example
 * ```ts
 * const raw = dumpNamespace(libc, sock, w);
 * parseNamespace("demo-web", batchOutput(raw)).links; // as from `ip -json -details -batch -`
 * ```
 * @module
 */
import { UnderlayError } from "../../errors.ts";
import type { KernelDump } from "../types.ts";
import { addrInfo } from "./addr-json.ts";
import { AF, RTM, SIZE } from "./constants.ts";
import type { MessageView } from "./decode.ts";
import type { MessageWriter } from "./encode.ts";
import { encodeDump } from "./encode-link.ts";
import type { Libc } from "./libc.ts";
import { linkJson, linkMessage, type LinkMessage } from "./link-json.ts";
import { routeJson } from "./route-json.ts";
import { dump, type NetlinkSocket, type OnMessage } from "./socket.ts";

const ATTEMPTS = 5;

function dumpOnce(libc: Libc, sock: NetlinkSocket, w: MessageWriter, type: number, family: number, onMessage: OnMessage): boolean {
  w.length = 0;
  const seq = sock.seq++;
  encodeDump(w, seq, type, family);
  return dump(libc, sock, w, seq, onMessage);
}

/** Collects the messages of the four dumps and assembles the four `ip -json` answers (pure). */
export interface DumpCollector {
  /** An answer message of the link dump. */
  link(bytes: Uint8Array, m: MessageView): void;
  /** An answer message of the address dump. */
  addr(bytes: Uint8Array, m: MessageView): void;
  /** An answer message of a route dump (IPv4 or IPv6, by the message's family). */
  route(bytes: Uint8Array, m: MessageView): void;
  /** The answers, once every dump is read. */
  result(): KernelDump;
}

/**
 * A collector for one namespace's dumps (links must come first: routes name their devices).
 *
 * @example
 * ```ts
 * const c = dumpCollector();
 * for (const m of messages(bytes, n)) c.link(bytes, m);
 * c.result().links;
 * ```
 */
export function dumpCollector(): DumpCollector {
  const linkMsgs: LinkMessage[] = [];
  const names = new Map<number, string>();
  const addrInfos = new Map<number, Record<string, unknown>[]>();
  const routes4: Record<string, unknown>[] = [];
  const routes6: Record<string, unknown>[] = [];
  return {
    link(bytes, m) {
      if (m.type !== RTM.NEWLINK) return;
      const l = linkMessage(bytes, m);
      linkMsgs.push(l);
      names.set(l.ifindex, l.ifname);
    },
    addr(bytes, m) {
      if (m.type !== RTM.NEWADDR) return;
      const { index, info } = addrInfo(bytes, m);
      const list = addrInfos.get(index);
      if (list === undefined) addrInfos.set(index, [info]);
      else list.push(info);
    },
    route(bytes, m) {
      if (m.type !== RTM.NEWROUTE) return;
      const family = bytes[m.offset + SIZE.NLMSGHDR];
      if (family === AF.INET) routes4.push(routeJson(bytes, m, names));
      else if (family === AF.INET6) routes6.push(routeJson(bytes, m, names));
    },
    result() {
      const byIndex = new Map(linkMsgs.map((l) => [l.ifindex, l] as const));
      const links = linkMsgs.map((l) => linkJson(l, byIndex));
      const addrs = linkMsgs.map((l, i) => ({ ...(links[i] as Record<string, unknown>), addr_info: addrInfos.get(l.ifindex) ?? [] }));
      return { links, addrs, routes4, routes6 };
    },
  };
}

function readOnce(libc: Libc, sock: NetlinkSocket, w: MessageWriter, linksOnly: boolean): KernelDump | null {
  const c = dumpCollector();
  let interrupted = dumpOnce(libc, sock, w, RTM.GETLINK, AF.UNSPEC, c.link);
  if (linksOnly) return interrupted ? null : c.result();
  interrupted = dumpOnce(libc, sock, w, RTM.GETADDR, AF.UNSPEC, c.addr) || interrupted;
  interrupted = dumpOnce(libc, sock, w, RTM.GETROUTE, AF.INET, c.route) || interrupted;
  interrupted = dumpOnce(libc, sock, w, RTM.GETROUTE, AF.INET6, c.route) || interrupted;
  return interrupted ? null : c.result();
}

/**
 * Dumps the namespace `sock` talks to (with `linksOnly`, only its links: addresses and routes
 * come back empty).
 *
 * @example
 * ```ts
 * dumpNamespace(libc, sock, w).links.length; // 2 (lo, eth0)
 * ```
 */
export function dumpNamespace(libc: Libc, sock: NetlinkSocket, w: MessageWriter, linksOnly = false): KernelDump {
  for (let i = 0; i < ATTEMPTS; i++) {
    const raw = readOnce(libc, sock, w, linksOnly);
    if (raw !== null) return raw;
  }
  throw new UnderlayError("EXEC", `netlink: the dumps of ${sock.netns === null ? "the home namespace" : `namespace ${sock.netns}`} were interrupted ${ATTEMPTS} times in a row (the kernel's tables kept changing) — retry when the namespace is quiet`);
}

/**
 * The four answers as `ip -json -details -batch -` prints them for the state reader's batch
 * (one JSON value per line), ready for `parseNamespace`.
 *
 * @example
 * ```ts
 * parseNamespace("demo-web", batchOutput(raw), { raw: true });
 * ```
 */
export function batchOutput(raw: KernelDump): string {
  return `${JSON.stringify(raw.links)}\n${JSON.stringify(raw.addrs)}\n${JSON.stringify(raw.routes4)}\n${JSON.stringify(raw.routes6)}\n`;
}
