/**
 * The {@link Libc} binding for Bun, through `bun:ffi` (documented by Bun as experimental).
 * Loaded only under Bun, by a dynamic `import()` in `libc.ts`. Typed arrays are passed straight
 * to `ptr` arguments (Bun takes their address for the duration of the call); `errno` is read
 * through a view of the calling thread's `__errno_location()`, made once.
 * @module
 */
import type { Libc } from "./libc.ts";

type Pointer = number | bigint;
/** The slice of `bun:ffi` this binding uses (imported at run time, so the package's types need no Bun). */
interface BunFfi {
  dlopen(name: string, symbols: Record<string, { args: readonly string[]; returns: string | number }>): { symbols: Record<string, (...args: unknown[]) => unknown> };
  FFIType: { i64_fast: number };
  CString: new (p: Pointer) => { toString(): string };
  toArrayBuffer(p: Pointer, offset: number, length: number): ArrayBuffer;
}

/**
 * Opens `name` (libc) with `bun:ffi` and returns the binding.
 *
 * @example
 * ```ts
 * const libc = await bunLibc("libc.so.6");
 * libc.close(libc.socket(16, 3, 0));
 * ```
 */
export async function bunLibc(name: string): Promise<Libc> {
  const specifier = "bun:ffi";
  const { CString, dlopen, FFIType, toArrayBuffer } = (await import(specifier)) as BunFfi;
  const { symbols } = dlopen(name, {
    socket: { args: ["i32", "i32", "i32"], returns: "i32" },
    setsockopt: { args: ["i32", "i32", "i32", "ptr", "u32"], returns: "i32" },
    sendto: { args: ["i32", "ptr", "u64", "i32", "ptr", "u32"], returns: FFIType.i64_fast },
    recv: { args: ["i32", "ptr", "u64", "i32"], returns: FFIType.i64_fast },
    close: { args: ["i32"], returns: "i32" },
    open: { args: ["ptr", "i32", "u32"], returns: "i32" },
    read: { args: ["i32", "ptr", "u64"], returns: FFIType.i64_fast },
    write: { args: ["i32", "ptr", "u64"], returns: FFIType.i64_fast },
    setns: { args: ["i32", "i32"], returns: "i32" },
    unshare: { args: ["i32"], returns: "i32" },
    mount: { args: ["ptr", "ptr", "ptr", "u64", "ptr"], returns: "i32" },
    umount2: { args: ["ptr", "i32"], returns: "i32" },
    unlink: { args: ["ptr"], returns: "i32" },
    mkdir: { args: ["ptr", "u32"], returns: "i32" },
    __errno_location: { args: [], returns: "ptr" },
    strerror: { args: ["i32"], returns: "ptr" },
    strerrorname_np: { args: ["i32"], returns: "ptr" },
  });
  type Call = (...args: unknown[]) => unknown;
  const s = symbols as Record<"socket" | "setsockopt" | "sendto" | "recv" | "close" | "open" | "read" | "write" | "setns" | "unshare" | "mount" | "umount2" | "unlink" | "mkdir", Call> & {
    __errno_location(): Pointer | null;
    strerror(n: number): Pointer | null;
    strerrorname_np(n: number): Pointer | null;
  };
  const num = (v: unknown): number => Number(v);
  const location = s.__errno_location();
  if (location === null) throw new Error("__errno_location() returned NULL");
  const errnoCell = new Int32Array(toArrayBuffer(location, 0, 4));
  return {
    runtime: "bun",
    socket: (d, t, p) => num(s.socket(d, t, p)),
    setsockopt: (fd, level, opt, value, length) => num(s.setsockopt(fd, level, opt, value, length)),
    sendto: (fd, buf, length, flags, addr, addrLength) => num(s.sendto(fd, buf, length, flags, addr, addrLength)),
    recv: (fd, buf, length, flags) => num(s.recv(fd, buf, length, flags)),
    close: (fd) => num(s.close(fd)),
    open: (path, flags, mode) => num(s.open(path, flags, mode)),
    read: (fd, buf, length) => num(s.read(fd, buf, length)),
    write: (fd, buf, length) => num(s.write(fd, buf, length)),
    setns: (fd, type) => num(s.setns(fd, type)),
    unshare: (flags) => num(s.unshare(flags)),
    mount: (source, target, fstype, flags, data) => num(s.mount(source, target, fstype, flags, data)),
    umount2: (target, flags) => num(s.umount2(target, flags)),
    unlink: (path) => num(s.unlink(path)),
    mkdir: (path, mode) => num(s.mkdir(path, mode)),
    errno: () => errnoCell[0] ?? 0,
    strerror: (n) => {
      const p = s.strerror(n);
      return p === null ? `errno ${n}` : new CString(p).toString();
    },
    errnoName: (n) => {
      const p = s.strerrorname_np(n);
      return p === null ? `E${n}` : new CString(p).toString();
    },
  };
}
