/**
 * The {@link Libc} binding for Node, through `koffi` (an FFI whose package ships prebuilt
 * binaries: no compiler on the user's machine). `koffi` is an optional dependency of underlay:
 * when it is not installed (or cannot load) Node keeps the iproute2 executor. Loaded only under
 * Node, by a dynamic `import()` in `libc.ts`. Calls run synchronously on the JavaScript thread;
 * `koffi.errno()` is the `errno` koffi saved right after the last call.
 * @module
 */
import type { Libc } from "./libc.ts";

/** The slice of koffi this binding uses (the package is optional, so its types may be absent). */
interface Koffi {
  load(path: string): { func(definition: string): (...args: unknown[]) => unknown };
  errno(): number;
}

/**
 * Opens `name` (libc) with koffi and returns the binding; rejects when koffi is not installed.
 *
 * @example
 * ```ts
 * const libc = await koffiLibc("libc.so.6");
 * libc.close(libc.socket(16, 3, 0));
 * ```
 */
export async function koffiLibc(name: string): Promise<Libc> {
  const specifier = "koffi";
  const mod = (await import(specifier)) as { default?: Koffi } & Partial<Koffi>;
  const koffi = (mod.default ?? mod) as Koffi;
  const lib = koffi.load(name);
  const fn = (d: string): ((...args: unknown[]) => unknown) => lib.func(d);
  const socket = fn("int socket(int, int, int)");
  const setsockopt = fn("int setsockopt(int, int, int, void *, uint32_t)");
  const sendto = fn("intptr_t sendto(int, void *, size_t, int, void *, uint32_t)");
  const recv = fn("intptr_t recv(int, void *, size_t, int)");
  const close = fn("int close(int)");
  const open = fn("int open(void *, int, uint32_t)");
  const read = fn("intptr_t read(int, void *, size_t)");
  const write = fn("intptr_t write(int, void *, size_t)");
  const setns = fn("int setns(int, int)");
  const unshare = fn("int unshare(int)");
  const mount = fn("int mount(void *, void *, void *, unsigned long, void *)");
  const umount2 = fn("int umount2(void *, int)");
  const unlink = fn("int unlink(void *)");
  const mkdir = fn("int mkdir(void *, uint32_t)");
  const strerror = fn("const char *strerror(int)");
  const strerrorname = fn("const char *strerrorname_np(int)");
  const n = (v: unknown): number => Number(v);
  return {
    runtime: "node",
    socket: (d, t, p) => n(socket(d, t, p)),
    setsockopt: (fd, level, opt, value, length) => n(setsockopt(fd, level, opt, value, length)),
    sendto: (fd, buf, length, flags, addr, addrLength) => n(sendto(fd, buf, length, flags, addr, addrLength)),
    recv: (fd, buf, length, flags) => n(recv(fd, buf, length, flags)),
    close: (fd) => n(close(fd)),
    open: (path, flags, mode) => n(open(path, flags, mode)),
    read: (fd, buf, length) => n(read(fd, buf, length)),
    write: (fd, buf, length) => n(write(fd, buf, length)),
    setns: (fd, type) => n(setns(fd, type)),
    unshare: (flags) => n(unshare(flags)),
    mount: (source, target, fstype, flags, data) => n(mount(source, target, fstype, flags, data)),
    umount2: (target, flags) => n(umount2(target, flags)),
    unlink: (path) => n(unlink(path)),
    mkdir: (path, mode) => n(mkdir(path, mode)),
    errno: () => koffi.errno(),
    strerror: (e) => (strerror(e) as string | null) ?? `errno ${e}`,
    errnoName: (e) => (strerrorname(e) as string | null) ?? `E${e}`,
  };
}
