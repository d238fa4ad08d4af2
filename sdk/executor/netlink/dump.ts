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
import type { RawNamespace } from "../../state/types.ts";
import { addrInfo } from "./addr-json.ts";
import { AF, RTM } from "./constants.ts";
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

function readOnce(libc: Libc, sock: NetlinkSocket, w: MessageWriter): RawNamespace | null {
  const linkMsgs: LinkMessage[] = [];
  let interrupted = dumpOnce(libc, sock, w, RTM.GETLINK, AF.UNSPEC, (bytes, m) => {
    if (m.type === RTM.NEWLINK) linkMsgs.push(linkMessage(bytes, m));
  });
  const byIndex = new Map(linkMsgs.map((l) => [l.ifindex, l] as const));
  const names = new Map(linkMsgs.map((l) => [l.ifindex, l.ifname] as const));
  const addrInfos = new Map<number, Record<string, unknown>[]>();
  interrupted = dumpOnce(libc, sock, w, RTM.GETADDR, AF.UNSPEC, (bytes, m) => {
    if (m.type !== RTM.NEWADDR) return;
    const { index, info } = addrInfo(bytes, m);
    const list = addrInfos.get(index);
    if (list === undefined) addrInfos.set(index, [info]);
    else list.push(info);
  }) || interrupted;
  const routes4: Record<string, unknown>[] = [];
  const routes6: Record<string, unknown>[] = [];
  interrupted = dumpOnce(libc, sock, w, RTM.GETROUTE, AF.INET, (bytes, m) => {
    if (m.type === RTM.NEWROUTE && bytes[m.offset + 16] === AF.INET) routes4.push(routeJson(bytes, m, names));
  }) || interrupted;
  interrupted = dumpOnce(libc, sock, w, RTM.GETROUTE, AF.INET6, (bytes, m) => {
    if (m.type === RTM.NEWROUTE && bytes[m.offset + 16] === AF.INET6) routes6.push(routeJson(bytes, m, names));
  }) || interrupted;
  if (interrupted) return null;
  const links = linkMsgs.map((l) => linkJson(l, byIndex));
  const addrs = linkMsgs.map((l, i) => ({ ...(links[i] as Record<string, unknown>), addr_info: addrInfos.get(l.ifindex) ?? [] }));
  return { links, addrs, routes4, routes6 };
}

/**
 * Dumps the namespace `sock` talks to.
 *
 * @example
 * ```ts
 * dumpNamespace(libc, sock, w).links.length; // 2 (lo, eth0)
 * ```
 */
export function dumpNamespace(libc: Libc, sock: NetlinkSocket, w: MessageWriter): RawNamespace {
  for (let i = 0; i < ATTEMPTS; i++) {
    const raw = readOnce(libc, sock, w);
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
export function batchOutput(raw: RawNamespace): string {
  return `${JSON.stringify(raw.links)}\n${JSON.stringify(raw.addrs)}\n${JSON.stringify(raw.routes4)}\n${JSON.stringify(raw.routes6)}\n`;
}
