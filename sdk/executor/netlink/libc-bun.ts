/**
 * The {@link Libc} binding for Bun, through `bun:ffi` (documented by Bun as experimental).
 * Loaded only under Bun, by a dynamic `import()` in `libc.ts`. Typed arrays are passed straight
 * to `ptr` arguments (Bun takes their address for the duration of the call); `errno` is read
 * through a view of the calling thread's `__errno_location()`, made once.
 * @module
 */
import { CString, dlopen, FFIType, toArrayBuffer } from "bun:ffi";
import type { Libc } from "./libc.ts";

/**
 * Opens `name` (libc) with `bun:ffi` and returns the binding.
 *
 * @example
 * ```ts
 * const libc = bunLibc("libc.so.6");
 * libc.close(libc.socket(16, 3, 0));
 * ```
 */
export function bunLibc(name: string): Libc {
  const { symbols: s } = dlopen(name, {
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
  const location = s.__errno_location();
  if (location === null) throw new Error("__errno_location() returned NULL");
  const errnoCell = new Int32Array(toArrayBuffer(location, 0, 4));
  return {
    runtime: "bun",
    socket: (d, t, p) => s.socket(d, t, p),
    setsockopt: (fd, level, opt, value, length) => s.setsockopt(fd, level, opt, value, length),
    sendto: (fd, buf, length, flags, addr, addrLength) => Number(s.sendto(fd, buf, length, flags, addr, addrLength)),
    recv: (fd, buf, length, flags) => Number(s.recv(fd, buf, length, flags)),
    close: (fd) => s.close(fd),
    open: (path, flags, mode) => s.open(path, flags, mode),
    read: (fd, buf, length) => Number(s.read(fd, buf, length)),
    write: (fd, buf, length) => Number(s.write(fd, buf, length)),
    setns: (fd, type) => s.setns(fd, type),
    unshare: (flags) => s.unshare(flags),
    mount: (source, target, fstype, flags, data) => s.mount(source, target, fstype, flags, data),
    umount2: (target, flags) => s.umount2(target, flags),
    unlink: (path) => s.unlink(path),
    mkdir: (path, mode) => s.mkdir(path, mode),
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
