/**
 * The {@link Libc} binding for Deno, through `Deno.dlopen`. Run with `deno run -A`: `Deno.dlopen`
 * needs `--allow-ffi`, and the handle reads `/proc/thread-self/ns/net` and `/proc/self/task`,
 * which Deno grants only with `--allow-all` (`--allow-read` is refused for `/proc`); Deno 2.9
 * needs no `--unstable-ffi` (tried: `--allow-ffi` alone loads libc, without a warning).
 * Loaded only under Deno, by a dynamic `import()` in `libc.ts`.
 * `Uint8Array`s are passed as `buffer` arguments. No symbol is declared `nonblocking`: such calls
 * run on another thread, which would be in another network namespace.
 * @module
 */
import type { Libc } from "./libc.ts";

type NativeType = "i32" | "u32" | "u64" | "isize" | "usize" | "buffer" | "pointer";
interface Fn {
  readonly parameters: readonly NativeType[];
  readonly result: NativeType;
}
type Pointer = object;
/** The slice of the `Deno` namespace this binding uses (the project type-checks without Deno's types). */
interface DenoFfi {
  dlopen(name: string, symbols: Readonly<Record<string, Fn>>): { symbols: Record<string, (...args: unknown[]) => unknown> };
  UnsafePointerView: {
    getCString(p: Pointer): string;
    getArrayBuffer(p: Pointer, length: number): ArrayBuffer;
  };
}

const SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  sendto: { parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"], result: "isize" },
  recv: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
  open: { parameters: ["buffer", "i32", "u32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  setns: { parameters: ["i32", "i32"], result: "i32" },
  unshare: { parameters: ["i32"], result: "i32" },
  mount: { parameters: ["buffer", "buffer", "buffer", "u64", "buffer"], result: "i32" },
  umount2: { parameters: ["buffer", "i32"], result: "i32" },
  unlink: { parameters: ["buffer"], result: "i32" },
  mkdir: { parameters: ["buffer", "u32"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
  strerror: { parameters: ["i32"], result: "pointer" },
  strerrorname_np: { parameters: ["i32"], result: "pointer" },
} as const satisfies Record<string, Fn>;

/**
 * Opens `name` (libc) with `Deno.dlopen` and returns the binding.
 *
 * @example
 * ```ts
 * const libc = denoLibc("libc.so.6");
 * libc.close(libc.socket(16, 3, 0));
 * ```
 */
export function denoLibc(name: string, g: object = globalThis): Libc {
  const deno = (g as { Deno?: DenoFfi }).Deno;
  if (deno === undefined) throw new Error("Deno is not available");
  const s = deno.dlopen(name, SYMBOLS).symbols as {
    [K in keyof typeof SYMBOLS]: (...args: unknown[]) => K extends "__errno_location" | "strerror" | "strerrorname_np" ? Pointer | null : number | bigint;
  };
  const location = s.__errno_location();
  if (location === null) throw new Error("__errno_location() returned NULL");
  const errnoCell = new Int32Array(deno.UnsafePointerView.getArrayBuffer(location, 4));
  const cstr = (p: Pointer | null, fallback: string): string => (p === null ? fallback : deno.UnsafePointerView.getCString(p));
  return {
    runtime: "deno",
    socket: (d, t, p) => Number(s.socket(d, t, p)),
    setsockopt: (fd, level, opt, value, length) => Number(s.setsockopt(fd, level, opt, value, length)),
    sendto: (fd, buf, length, flags, addr, addrLength) => Number(s.sendto(fd, buf, length, flags, addr, addrLength)),
    recv: (fd, buf, length, flags) => Number(s.recv(fd, buf, length, flags)),
    close: (fd) => Number(s.close(fd)),
    open: (path, flags, mode) => Number(s.open(path, flags, mode)),
    read: (fd, buf, length) => Number(s.read(fd, buf, length)),
    write: (fd, buf, length) => Number(s.write(fd, buf, length)),
    setns: (fd, type) => Number(s.setns(fd, type)),
    unshare: (flags) => Number(s.unshare(flags)),
    mount: (source, target, fstype, flags, data) => Number(s.mount(source, target, fstype, flags, data)),
    umount2: (target, flags) => Number(s.umount2(target, flags)),
    unlink: (path) => Number(s.unlink(path)),
    mkdir: (path, mode) => Number(s.mkdir(path, mode)),
    errno: () => errnoCell[0] ?? 0,
    strerror: (n) => cstr(s.strerror(n), `errno ${n}`),
    errnoName: (n) => cstr(s.strerrorname_np(n), `E${n}`),
  };
}
