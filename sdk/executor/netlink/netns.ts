/**
 * Named network namespaces the way `ip netns add/del/list` makes them, without a process:
 * `/run/netns` made a shared bind mount of itself if it is not one yet (iproute2's dance, once per
 * handle), the mount-point file created, `unshare(CLONE_NEWNET)` on the calling thread, the new
 * namespace's fd and an rtnetlink socket opened inside, `setns` back in a `finally` — and only
 * then, from home, the bind mount of that fd onto the file. Delete = `umount2(MNT_DETACH)` +
 * `unlink`. Every window in which the thread sits in another namespace is synchronous and a
 * few system calls long ({@link inNamespace}); `threads.ts` lists threads of this process whose
 * namespace differs from home (a JIT or pool thread born inside a window).
 *
 * @example
 * ```ts
 * const entry = netnsAdd(ctx, "demo-web"); // { name, fd, sock }
 * netnsDel(ctx, "demo-web");
 * ```
 * @module
 */
import { readdirSync } from "node:fs";
import { UnderlayError } from "../../errors.ts";
import { SYS } from "./constants.ts";
import type { NetlinkFailure } from "./failure.ts";
import { netlinkError } from "./failure.ts";
import type { Libc } from "./libc.ts";
import { configureSocket, rawSocket, type NetlinkSocket } from "./socket.ts";

/** What namespace operations need from the handle. */
export interface NsContext {
  readonly libc: Libc;
  /** Fd of the namespace the handle was opened in (where every window returns to). */
  readonly homeFd: number;
  /** `/run/netns`. */
  readonly runDir: string;
  /** Receive timeout of new sockets. */
  readonly timeoutMs: number;
  /** Set once `runDir` is known to be a shared mount. */
  runDirReady: boolean;
}

/** A namespace the handle holds open: its fd and an rtnetlink socket inside it. */
export interface NamespaceEntry {
  readonly name: string;
  readonly fd: number;
  readonly sock: NetlinkSocket;
}

const utf8 = new TextEncoder();
const SLOT = 4096;
const pathSlots = [new Uint8Array(SLOT), new Uint8Array(SLOT), new Uint8Array(SLOT)] as const;
/** `/proc/thread-self/ns/net` as a C string, made once so that no string is encoded inside a window. */
const THREAD_NS = utf8.encode("/proc/thread-self/ns/net\0");

/**
 * `text` as a NUL-terminated C string in reusable slot `slot` (0–2; valid until the slot is reused).
 *
 * @example
 * ```ts
 * libc.unlink(cString("/run/netns/x"));
 * ```
 */
export function cString(text: string, slot: 0 | 1 | 2 = 0): Uint8Array {
  const buf = pathSlots[slot];
  const { written } = utf8.encodeInto(text, buf.subarray(0, SLOT - 1));
  if (written >= SLOT - 1) throw new UnderlayError("USAGE", `path too long: ${text.slice(0, 60)}…`);
  buf[written] = 0;
  return buf;
}

function fail(ctx: NsContext, stderr: string, argv: readonly string[], errno: number, noNamespace?: string): never {
  const failure: NetlinkFailure = { errno, errnoName: ctx.libc.errnoName(errno), stderr, argv, netns: null, ...(noNamespace === undefined ? {} : { noNamespace }) };
  throw netlinkError(failure);
}

/**
 * Runs `fn` with the calling thread inside the namespace `fd`, and always returns home. `fn` must
 * be synchronous: anything started inside (a thread, a socket, a child) would live in there.
 *
 * @example
 * ```ts
 * const fd = inNamespace(ctx, nsFd, () => rawSocket(ctx.libc));
 * ```
 */
export function inNamespace<T>(ctx: NsContext, fd: number, fn: () => T): T {
  const { libc } = ctx;
  if (libc.setns(fd, SYS.CLONE_NEWNET) < 0) {
    const errno = libc.errno();
    throw new UnderlayError("EXEC", `setns into a network namespace failed: ${libc.strerror(errno)} [${libc.errnoName(errno)} ${errno}] — run as root`, { details: { errno } });
  }
  try {
    const out = fn();
    if (typeof (out as { then?: unknown } | null)?.then === "function") throw new UnderlayError("USAGE", "inNamespace: the callback must be synchronous");
    return out;
  } finally {
    goHome(ctx);
  }
}

function goHome(ctx: NsContext): void {
  if (ctx.libc.setns(ctx.homeFd, SYS.CLONE_NEWNET) < 0) {
    const errno = ctx.libc.errno();
    // The thread is stranded in another namespace: nothing after this is safe.
    throw new UnderlayError("EXEC", `setns back to the home network namespace failed: ${ctx.libc.strerror(errno)} — this thread is left in another namespace; exit the process`);
  }
}

/**
 * Makes `runDir` a shared mount of itself unless it is one (iproute2's `netns add` dance).
 *
 * @example
 * ```ts
 * ensureRunDir(ctx);
 * ```
 */
export function ensureRunDir(ctx: NsContext): void {
  if (ctx.runDirReady) return;
  const { libc } = ctx;
  const dir = cString(ctx.runDir, 1);
  libc.mkdir(dir, 0o755);
  let made = false;
  while (libc.mount(cString("", 0), dir, cString("none", 2), SYS.MS_SHARED | SYS.MS_REC, null) < 0) {
    const errno = libc.errno();
    if (errno !== SYS.EINVAL || made) fail(ctx, `mount --make-shared ${ctx.runDir} failed: ${libc.strerror(errno)}`, ["ip", "netns", "add"], errno);
    if (libc.mount(cString(ctx.runDir, 0), dir, cString("none", 2), SYS.MS_BIND | SYS.MS_REC, null) < 0) {
      const e2 = libc.errno();
      fail(ctx, `mount --bind ${ctx.runDir} ${ctx.runDir} failed: ${libc.strerror(e2)}`, ["ip", "netns", "add"], e2);
    }
    made = true;
  }
  ctx.runDirReady = true;
}

/**
 * `ip netns add NAME`: creates the namespace and returns it held open with a socket inside.
 *
 * @example
 * ```ts
 * const { sock } = netnsAdd(ctx, "demo-web");
 * ```
 */
export function netnsAdd(ctx: NsContext, name: string): NamespaceEntry {
  const { libc } = ctx;
  const argv = ["ip", "netns", "add", name];
  ensureRunDir(ctx);
  const path = `${ctx.runDir}/${name}`;
  const file = libc.open(cString(path), SYS.O_RDONLY | SYS.O_CREAT | SYS.O_EXCL | SYS.O_CLOEXEC, 0);
  if (file < 0) {
    const errno = libc.errno();
    fail(ctx, `Cannot create namespace file "${path}": ${libc.strerror(errno)}`, argv, errno);
  }
  libc.close(file);
  let fd = -1;
  let sockFd = -1;
  let errno = 0;
  let step = "";
  // The window: unshare, open the namespace's fd and a socket inside, go home.
  if (libc.unshare(SYS.CLONE_NEWNET) < 0) {
    errno = libc.errno();
    step = "unshare";
  } else {
    try {
      fd = libc.open(THREAD_NS, SYS.O_RDONLY | SYS.O_CLOEXEC, 0);
      if (fd < 0) { errno = libc.errno(); step = "open"; }
      else {
        sockFd = rawSocket(libc);
        if (sockFd < 0) { errno = libc.errno(); step = "socket"; }
      }
    } finally {
      goHome(ctx);
    }
  }
  if (errno === 0 && libc.mount(cString(`/proc/self/fd/${fd}`, 1), cString(path, 0), cString("none", 2), SYS.MS_BIND, null) < 0) {
    errno = libc.errno();
    step = "mount";
  }
  if (errno !== 0) {
    if (sockFd >= 0) libc.close(sockFd);
    if (fd >= 0) libc.close(fd);
    libc.unlink(cString(path));
    const stderr =
      step === "unshare" ? `Failed to create a new network namespace "${name}": ${libc.strerror(errno)}`
      : step === "mount" ? `Bind /proc/self/ns/net -> ${path} failed: ${libc.strerror(errno)}`
      : `Cannot ${step === "open" ? "open the new namespace" : "open a netlink socket"} in "${name}": ${libc.strerror(errno)}`;
    fail(ctx, stderr, argv, errno);
  }
  return { name, fd, sock: configureSocket(libc, sockFd, name, ctx.timeoutMs) };
}

/**
 * Opens an existing named namespace: its fd, and a socket made inside it (setns → socket → setns back).
 *
 * @example
 * ```ts
 * const entry = openNamespace(ctx, "demo-web");
 * ```
 */
export function openNamespace(ctx: NsContext, name: string): NamespaceEntry {
  const { libc } = ctx;
  const fd = libc.open(cString(`${ctx.runDir}/${name}`), SYS.O_RDONLY | SYS.O_CLOEXEC, 0);
  if (fd < 0) {
    const errno = libc.errno();
    fail(ctx, `Cannot open network namespace "${name}": ${libc.strerror(errno)}`, ["ip", "-n", name], errno, errno === SYS.ENOENT ? name : undefined);
  }
  let sockFd = -1;
  let errno = 0;
  try {
    sockFd = inNamespace(ctx, fd, () => rawSocket(libc));
    if (sockFd < 0) errno = libc.errno();
  } catch (e) {
    libc.close(fd);
    // The file is there but is not a namespace: the mount-point file of an `ip netns add` that
    // was interrupted before its bind mount. iproute2 says the same for `ip -n NAME …`.
    if (e instanceof UnderlayError && (e.details as { errno?: number } | undefined)?.errno === SYS.EINVAL) {
      fail(ctx, `setting the network namespace "${name}" failed: Invalid argument`, ["ip", "-n", name], SYS.EINVAL, name);
    }
    throw e;
  }
  if (sockFd < 0) {
    libc.close(fd);
    fail(ctx, `Cannot open a netlink socket in "${name}": ${libc.strerror(errno)}`, ["ip", "-n", name], errno);
  }
  return { name, fd, sock: configureSocket(libc, sockFd, name, ctx.timeoutMs) };
}

/**
 * Closes what an entry holds (the namespace stays until its mount is gone too).
 *
 * @example
 * ```ts
 * closeEntry(ctx.libc, entry);
 * ```
 */
export function closeEntry(libc: Libc, entry: NamespaceEntry): void {
  libc.close(entry.sock.fd);
  libc.close(entry.fd);
}

/**
 * `ip netns del NAME`: detach the bind mount (its error ignored, as iproute2 does) and remove the file.
 *
 * @example
 * ```ts
 * netnsDel(ctx, "demo-web");
 * ```
 */
export function netnsDel(ctx: NsContext, name: string): void {
  const { libc } = ctx;
  const path = `${ctx.runDir}/${name}`;
  libc.umount2(cString(path), SYS.MNT_DETACH);
  if (libc.unlink(cString(path)) < 0) {
    const errno = libc.errno();
    fail(ctx, `Cannot remove namespace file "${path}": ${libc.strerror(errno)}`, ["ip", "netns", "del", name], errno);
  }
}

/**
 * `ip netns list`: the names in `runDir` (empty when it does not exist), sorted.
 *
 * @example
 * ```ts
 * netnsList("/run/netns"); // ["demo-db", "demo-web"]
 * ```
 */
export function netnsList(runDir: string): string[] {
  try {
    return readdirSync(runDir).filter((n) => n !== "." && n !== "..").sort();
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return [];
    throw e;
  }
}
