/**
 * Sysctls of a namespace without a process. `/proc/sys/net` shows the network namespace of the
 * task that *looks the file up*, not of the process that mounted `/proc`; an open file keeps the
 * namespace it was opened in. So the file is opened while the thread sits in the namespace
 * (setns → open → setns back) and read or written from home through that fd. The integration
 * test `sysctl.test.ts` proves it: a value set inside differs from home's and reads back.
 *
 * @example
 * ```ts
 * sysctlPath("net.ipv6.conf.all.forwarding"); // "/proc/sys/net/ipv6/conf/all/forwarding"
 * sysctlPath("net/ipv4/conf/eth0.50/forwarding"); // "/proc/sys/net/ipv4/conf/eth0.50/forwarding"
 * ```
 * @module
 */
import { UnderlayError } from "../../errors.ts";
import { SYS } from "./constants.ts";
import type { Libc } from "./libc.ts";
import { cString, inNamespace, type NsContext } from "./netns.ts";

/**
 * The `/proc/sys` path of a sysctl key (dotted, or slashed when a name contains dots — the
 * `sysctl` tool's rule: the first separator decides).
 *
 * @example
 * ```ts
 * sysctlPath("net.ipv4.ip_forward"); // "/proc/sys/net/ipv4/ip_forward"
 * ```
 */
export function sysctlPath(key: string): string {
  if (!/^[A-Za-z0-9_@][A-Za-z0-9_.@/-]*$/.test(key) || key.includes("..")) {
    throw new UnderlayError("USAGE", `sysctl key ${JSON.stringify(key)} is not a sysctl name — use a dotted name like net.ipv6.conf.all.accept_ra`);
  }
  const first = key.search(/[./]/);
  const slashed = first !== -1 && key[first] === "/" ? key : key.replace(/\./g, "/");
  return `/proc/sys/${slashed}`;
}

const ioBuf = new Uint8Array(4096);
const decoder = new TextDecoder();
const encoder = new TextEncoder();

function openIn(ctx: NsContext, nsFd: number | null, path: string, flags: number): number {
  const cpath = cString(path); // encoded before the window
  const open = (): number => ctx.libc.open(cpath, flags | SYS.O_CLOEXEC, 0);
  return nsFd === null ? open() : inNamespace(ctx, nsFd, open);
}

function ioError(libc: Libc, what: string, key: string, netns: string | null): UnderlayError {
  const errno = libc.errno();
  const where = netns === null ? "" : ` in namespace ${netns}`;
  return new UnderlayError("EXEC", `sysctl: cannot ${what} ${key}${where}: ${libc.strerror(errno)} [${libc.errnoName(errno)} ${errno}]`, { details: { errno, errnoName: libc.errnoName(errno) } });
}

/**
 * Reads a sysctl in the namespace `nsFd` (`null`: home); `null` when the key does not exist.
 *
 * @example
 * ```ts
 * sysctlRead(ctx, entry.fd, "demo-web", "net.ipv6.conf.all.forwarding"); // "0"
 * ```
 */
export function sysctlRead(ctx: NsContext, nsFd: number | null, netns: string | null, key: string): string | null {
  const { libc } = ctx;
  const fd = openIn(ctx, nsFd, sysctlPath(key), SYS.O_RDONLY);
  if (fd < 0) {
    if (libc.errno() === SYS.ENOENT) return null;
    throw ioError(libc, "open", key, netns);
  }
  try {
    let text = "";
    for (;;) {
      const n = libc.read(fd, ioBuf, ioBuf.length);
      if (n < 0) throw ioError(libc, "read", key, netns);
      if (n === 0) break;
      text += decoder.decode(ioBuf.subarray(0, n));
    }
    return text.replace(/\n$/, "").replace(/\t/g, " ");
  } finally {
    libc.close(fd);
  }
}

/**
 * Writes a sysctl in the namespace `nsFd` (`null`: home), as `sysctl -w key=value` does.
 *
 * @example
 * ```ts
 * sysctlWrite(ctx, entry.fd, "demo-web", "net.ipv6.conf.default.accept_ra", "0");
 * ```
 */
export function sysctlWrite(ctx: NsContext, nsFd: number | null, netns: string | null, key: string, value: string): void {
  const { libc } = ctx;
  const fd = openIn(ctx, nsFd, sysctlPath(key), SYS.O_WRONLY);
  if (fd < 0) throw ioError(libc, "open", key, netns);
  try {
    const bytes = encoder.encode(`${value}\n`);
    if (libc.write(fd, bytes, bytes.length) < 0) throw ioError(libc, "write", key, netns);
  } finally {
    libc.close(fd);
  }
}
