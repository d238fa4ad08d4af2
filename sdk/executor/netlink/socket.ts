/**
 * An rtnetlink socket and the two exchanges this layer makes on it: a pipelined batch (every
 * request written into one buffer, sent with one `sendto`, each with its own seq and
 * `NLM_F_ACK`; the answers matched to the requests by seq) and a dump (messages until
 * `NLMSG_DONE`). Blocking `recv` on the calling thread, bounded by `SO_RCVTIMEO`; the send and
 * receive buffers are module-level and reused (allocating per call cost tens of µs per endpoint).
 *
 * @example
 * ```ts
 * const sock = openSocket(libc, null, 5000);
 * const answers = exchange(libc, sock, w, firstSeq, count); // one ErrorAnswer | null per request
 * ```
 * @module
 */
import { UnderlayError } from "../../errors.ts";
import { AF, NLM_F, NLMSG, SIZE, SYS } from "./constants.ts";
import { parseError, type ErrorAnswer, type MessageView } from "./decode.ts";
import { HOST_LE, type MessageWriter } from "./encode.ts";
import type { Libc } from "./libc.ts";

/** An open rtnetlink socket, bound to the namespace it was opened in. */
export interface NetlinkSocket {
  /** File descriptor. */
  readonly fd: number;
  /** Next sequence number. */
  seq: number;
  /** Namespace it talks to (`null` = the handle's own). */
  readonly netns: string | null;
}

const RECV_SIZE = 1 << 16;
const recvBuf = new Uint8Array(RECV_SIZE);
const recvView = new DataView(recvBuf.buffer);
const kernelAddr = new Uint8Array(12);
new DataView(kernelAddr.buffer).setUint16(0, AF.NETLINK, HOST_LE);
const optBuf = new Uint8Array(16);
const optView = new DataView(optBuf.buffer);

function sysError(libc: Libc, what: string): UnderlayError {
  const errno = libc.errno();
  return new UnderlayError("EXEC", `netlink: ${what} failed: ${libc.strerror(errno)} [${libc.errnoName(errno)} ${errno}]`, { details: { errno, errnoName: libc.errnoName(errno) } });
}

/**
 * `socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE)` and nothing else: the one call made
 * while the thread sits in another namespace. Returns the fd, or -1 (read `errno`).
 *
 * @example
 * ```ts
 * const fd = rawSocket(libc);
 * ```
 */
export function rawSocket(libc: Libc): number {
  return libc.socket(AF.NETLINK, SYS.SOCK_RAW | SYS.SOCK_CLOEXEC, SYS.NETLINK_ROUTE);
}

/**
 * Sets the options of a fresh socket: extended ACKs with capped echoes (errors carry the kernel's
 * message, not the whole request) and a receive timeout.
 *
 * @example
 * ```ts
 * const sock = configureSocket(libc, rawSocket(libc), "demo-web", 5000);
 * ```
 */
export function configureSocket(libc: Libc, fd: number, netns: string | null, timeoutMs: number): NetlinkSocket {
  optView.setInt32(0, 1, HOST_LE);
  if (libc.setsockopt(fd, SYS.SOL_NETLINK, SYS.NETLINK_EXT_ACK, optBuf, 4) < 0 || libc.setsockopt(fd, SYS.SOL_NETLINK, SYS.NETLINK_CAP_ACK, optBuf, 4) < 0) {
    const e = sysError(libc, "setsockopt(NETLINK_EXT_ACK)");
    libc.close(fd);
    throw e;
  }
  optView.setBigInt64(0, BigInt(Math.floor(timeoutMs / 1000)), HOST_LE);
  optView.setBigInt64(8, BigInt((timeoutMs % 1000) * 1000), HOST_LE);
  if (libc.setsockopt(fd, SYS.SOL_SOCKET, SYS.SO_RCVTIMEO, optBuf, 16) < 0) {
    const e = sysError(libc, "setsockopt(SO_RCVTIMEO)");
    libc.close(fd);
    throw e;
  }
  return { fd, seq: 1, netns };
}

/**
 * Opens and configures a socket in the calling thread's current namespace.
 *
 * @example
 * ```ts
 * const sock = openSocket(libc, null, 5000);
 * ```
 */
export function openSocket(libc: Libc, netns: string | null, timeoutMs: number): NetlinkSocket {
  const fd = rawSocket(libc);
  if (fd < 0) throw sysError(libc, "socket(AF_NETLINK)");
  return configureSocket(libc, fd, netns, timeoutMs);
}

function send(libc: Libc, sock: NetlinkSocket, w: MessageWriter): void {
  for (;;) {
    const n = libc.sendto(sock.fd, w.bytes, w.length, 0, kernelAddr, kernelAddr.length);
    if (n === w.length) return;
    if (n < 0 && libc.errno() === SYS.EINTR) continue;
    throw n < 0 ? sysError(libc, "sendto") : new UnderlayError("EXEC", `netlink: sendto sent ${n} of ${w.length} bytes`);
  }
}

function receive(libc: Libc, sock: NetlinkSocket): number {
  for (;;) {
    const n = libc.recv(sock.fd, recvBuf, RECV_SIZE, SYS.MSG_TRUNC);
    if (n > RECV_SIZE) throw new UnderlayError("EXEC", `netlink: an answer of ${n} bytes did not fit the ${RECV_SIZE}-byte buffer`);
    if (n >= 0) return n;
    const errno = libc.errno();
    if (errno === SYS.EINTR) continue;
    if (errno === SYS.EAGAIN) {
      throw new UnderlayError("EXEC", `netlink: no answer from the kernel${sock.netns === null ? "" : ` in namespace ${sock.netns}`} within the receive timeout — the kernel may be overloaded; retry or raise timeoutMs`);
    }
    throw sysError(libc, "recv");
  }
}

/** Called with every answer message that is not the final ACK/DONE (replies, dump entries). */
export type OnMessage = (bytes: Uint8Array, m: MessageView) => void;

/**
 * Sends the `count` requests in `w` (seqs `first` … `first + count - 1`, each with `NLM_F_ACK`)
 * in one `sendto` and waits for every answer. Returns, per request, `null` for an ACK or the
 * error answer. Replies before an ACK (e.g. the link of an `RTM_GETLINK`) go to `onMessage`.
 *
 * @example
 * ```ts
 * const answers = exchange(libc, sock, w, 5, 4); // [null, null, { error: -17, … }, null]
 * ```
 */
export function exchange(libc: Libc, sock: NetlinkSocket, w: MessageWriter, first: number, count: number, onMessage?: OnMessage): (ErrorAnswer | null)[] {
  const answers = new Array<ErrorAnswer | null | undefined>(count).fill(undefined);
  let pending = count;
  send(libc, sock, w);
  while (pending > 0) {
    const n = receive(libc, sock);
    let at = 0;
    while (at + SIZE.NLMSGHDR <= n) {
      const len = recvView.getUint32(at, HOST_LE);
      if (len < SIZE.NLMSGHDR || at + len > n) break;
      const type = recvView.getUint16(at + 4, HOST_LE);
      const seq = recvView.getUint32(at + 8, HOST_LE);
      const i = seq - first;
      if (i >= 0 && i < count) {
        const m: MessageView = { type, flags: recvView.getUint16(at + 6, HOST_LE), seq, offset: at, length: len };
        if (type === NLMSG.ERROR) {
          if (answers[i] === undefined) pending--;
          const e = recvView.getInt32(at + SIZE.NLMSGHDR, HOST_LE) === 0 ? null : parseError(recvBuf, m);
          answers[i] = e;
        } else if (onMessage !== undefined) {
          onMessage(recvBuf, m);
        }
      }
      at += (len + 3) & ~3;
    }
  }
  return answers as (ErrorAnswer | null)[];
}

/**
 * Sends the dump request in `w` (seq `seq`) and passes every message of the answer to
 * `onMessage` until `NLMSG_DONE`. Returns `true` when the kernel flagged the dump as interrupted
 * (`NLM_F_DUMP_INTR`: the table changed meanwhile; dump again), throws on an error answer.
 *
 * @example
 * ```ts
 * const interrupted = dump(libc, sock, w, seq, (bytes, m) => links.push(linkJson(bytes, m)));
 * ```
 */
export function dump(libc: Libc, sock: NetlinkSocket, w: MessageWriter, seq: number, onMessage: OnMessage): boolean {
  send(libc, sock, w);
  let interrupted = false;
  for (;;) {
    const n = receive(libc, sock);
    let at = 0;
    while (at + SIZE.NLMSGHDR <= n) {
      const len = recvView.getUint32(at, HOST_LE);
      if (len < SIZE.NLMSGHDR || at + len > n) break;
      const m: MessageView = { type: recvView.getUint16(at + 4, HOST_LE), flags: recvView.getUint16(at + 6, HOST_LE), seq: recvView.getUint32(at + 8, HOST_LE), offset: at, length: len };
      at += (len + 3) & ~3;
      if (m.seq !== seq) continue;
      if ((m.flags & NLM_F.DUMP_INTR) !== 0) interrupted = true;
      if (m.type === NLMSG.DONE || m.type === NLMSG.ERROR) {
        // DONE carries the dump's status (0, or a negative errno when it failed midway).
        const e = m.type === NLMSG.ERROR ? parseError(recvBuf, m) : { error: m.length >= SIZE.NLMSGHDR + 4 ? recvView.getInt32(m.offset + SIZE.NLMSGHDR, HOST_LE) : 0, message: undefined };
        if (e.error === 0) return interrupted;
        const errno = -e.error;
        throw new UnderlayError("EXEC", `netlink: dump refused: ${e.message ?? libc.strerror(errno)} [${libc.errnoName(errno)} ${errno}]`, { details: { errno, errnoName: libc.errnoName(errno) } });
      }
      onMessage(recvBuf, m);
    }
  }
}
