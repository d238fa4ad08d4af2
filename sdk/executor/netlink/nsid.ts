/**
 * `ip netns list` as seen from inside a namespace: every named namespace with the id the
 * namespace knows it by (`RTM_GETNSID` with `NETNSA_FD`, one request per name, pipelined), in
 * the shape `ip -json netns list` prints (`{ name, id }`, `id` left out where none is assigned —
 * asking assigns none). Links whose peer or parent lives in another namespace name it by this id
 * (`link_netnsid`).
 *
 * @example
 * ```ts
 * netnsIds(ctx, sock, w, ["demo-web", "demo-db"]); // [{ name: "demo-web", id: 0 }, { name: "demo-db" }]
 * ```
 * @module
 */
import { SIZE, SYS } from "./constants.ts";
import { attrs, i32 } from "./decode.ts";
import { _reserve, beginMessage, endMessage, putU32, type MessageWriter } from "./encode.ts";
import { cString, type NsContext } from "./netns.ts";
import { exchange, type NetlinkSocket } from "./socket.ts";

/** `RTM_NEWNSID` / `RTM_GETNSID` and the `NETNSA_*` attributes. */
export const NSID = { NEWNSID: 88, GETNSID: 90, ATTR_NSID: 1, ATTR_FD: 3, RTGENMSG: 4 } as const;

/** Requests sent at once at most (each queues two answers). */
const PIPELINE = 32;

/** An entry of `ip -json netns list`. */
export interface NetnsListEntry {
  /** Namespace name. */
  readonly name: string;
  /** Its id as seen from the namespace asked in, when one is assigned. */
  readonly id?: number;
}

/**
 * `RTM_GETNSID` for the namespace open as `fd` (acknowledged; the answer is one `RTM_NEWNSID`).
 *
 * @example
 * ```ts
 * encodeGetNsid(w, 12, fd);
 * ```
 */
export function encodeGetNsid(w: MessageWriter, seq: number, fd: number): void {
  const m = beginMessage(w, NSID.GETNSID, 0x1 | 0x4, seq);
  _reserve(w, NSID.RTGENMSG); // struct rtgenmsg (AF_UNSPEC), padded
  putU32(w, NSID.ATTR_FD, fd);
  endMessage(w, m);
}

/**
 * The ids the namespace of `sock` gives each of `names` (files in `ctx.runDir`); a name whose
 * file cannot be opened (deleted meanwhile) is listed without an id, as `ip netns list` does.
 *
 * @example
 * ```ts
 * netnsIds(ctx, sock, w, ["a", "b"]);
 * ```
 */
export function netnsIds(ctx: NsContext, sock: NetlinkSocket, w: MessageWriter, names: readonly string[]): NetnsListEntry[] {
  const { libc } = ctx;
  const fds = names.map((n) => libc.open(cString(`${ctx.runDir}/${n}`), SYS.O_RDONLY | SYS.O_CLOEXEC, 0));
  const ids = new Map<number, number>();
  try {
    const open = fds.flatMap((fd, i) => (fd < 0 ? [] : [i]));
    // In slices: every request queues a reply and an ACK in the socket's receive buffer, which a
    // few hundred at once overflow (ENOBUFS).
    for (let from = 0; from < open.length; from += PIPELINE) {
      const asked = open.slice(from, from + PIPELINE);
      w.length = 0;
      const first = sock.seq;
      for (const i of asked) encodeGetNsid(w, sock.seq++, fds[i] as number);
      exchange(libc, sock, w, first, asked.length, (bytes, m) => {
        if (m.type !== NSID.NEWNSID) return;
        const a = attrs(bytes, m.offset + SIZE.NLMSGHDR + NSID.RTGENMSG, m.offset + m.length).get(NSID.ATTR_NSID);
        const i = asked[m.seq - first];
        if (a !== undefined && i !== undefined) ids.set(i, i32(bytes, a));
      });
    }
  } finally {
    for (const fd of fds) if (fd >= 0) libc.close(fd);
  }
  return names.map((name, i) => {
    const id = ids.get(i);
    return id === undefined || id < 0 ? { name } : { name, id };
  });
}
