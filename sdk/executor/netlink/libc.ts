/**
 * The few libc functions the netlink layer calls, behind one interface that a Bun (`bun:ffi`)
 * and a Deno (`Deno.dlopen`) binding implement. Every call is synchronous and runs on the
 * calling JavaScript thread (which matters: `setns`/`unshare` change that thread's namespace).
 * Buffers are passed as `Uint8Array`s (strings NUL-terminated by the caller); a failing call
 * returns -1 and {@link Libc.errno} must be read right after it.
 *
 * The binding for a runtime is loaded with a dynamic `import()` only on that runtime, so
 * importing this module (or the SDK) does nothing; on Node the binding uses the optional `koffi`
 * package, and {@link loadLibc} reports why the layer is unavailable when it cannot be loaded.
 *
 * @example
 * ```ts
 * const r = await loadLibc();
 * if (r.available) r.libc.close(fd); else console.log(r.reason);
 * ```
 * @module
 */
import { detectRuntime, type Runtime } from "./runtime.ts";

/** libc, as far as the netlink layer needs it. Pointers are `Uint8Array`s; `null` is NULL. */
export interface Libc {
  /** The runtime whose FFI this binding uses (Node: through the optional `koffi` package). */
  readonly runtime: FfiRuntime;
  socket(domain: number, type: number, protocol: number): number;
  setsockopt(fd: number, level: number, name: number, value: Uint8Array, length: number): number;
  sendto(fd: number, buf: Uint8Array, length: number, flags: number, addr: Uint8Array, addrLength: number): number;
  recv(fd: number, buf: Uint8Array, length: number, flags: number): number;
  close(fd: number): number;
  open(path: Uint8Array, flags: number, mode: number): number;
  read(fd: number, buf: Uint8Array, length: number): number;
  write(fd: number, buf: Uint8Array, length: number): number;
  setns(fd: number, nstype: number): number;
  unshare(flags: number): number;
  mount(source: Uint8Array | null, target: Uint8Array, fstype: Uint8Array | null, flags: number, data: Uint8Array | null): number;
  umount2(target: Uint8Array, flags: number): number;
  unlink(path: Uint8Array): number;
  mkdir(path: Uint8Array, mode: number): number;
  /** The calling thread's `errno`, read through `__errno_location()`. */
  errno(): number;
  /** `strerror(n)`: glibc's text, the one iproute2 prints. */
  strerror(n: number): string;
  /** `strerrorname_np(n)` (`"EEXIST"`), or `E<n>` where glibc has no name. */
  errnoName(n: number): string;
}

/** A runtime with a foreign function interface the layer can use. */
export type FfiRuntime = "bun" | "deno" | "node";

/** The outcome of {@link loadLibc}: a binding, or why there is none. */
export type LibcResult =
  | { readonly available: true; readonly runtime: FfiRuntime; readonly libc: Libc }
  | { readonly available: false; readonly runtime: Runtime; readonly reason: string };

/**
 * The C library loaded by name (glibc's soname).
 *
 * @example
 * ```ts
 * bunLibc(LIBC_NAME);
 * ```
 */
export const LIBC_NAME = "libc.so.6";

let cached: Promise<LibcResult> | undefined;

/**
 * Loads the libc binding of the current runtime (once per process; later calls share it).
 *
 * @example
 * ```ts
 * const r = await loadLibc();
 * r.available ? r.runtime : r.reason; // "bun" | "deno" | "node" | "Node has no built-in FFI and koffi … could not be loaded …"
 * ```
 */
export function loadLibc(g: object = globalThis): Promise<LibcResult> {
  if (g === globalThis && cached !== undefined) return cached;
  const p = load(g);
  if (g === globalThis) cached = p;
  return p;
}

async function load(g: object): Promise<LibcResult> {
  const runtime = detectRuntime(g);
  try {
    if (runtime === "bun") {
      const m = await import("./libc-bun.ts");
      return { available: true, runtime, libc: await m.bunLibc(LIBC_NAME) };
    }
    if (runtime === "deno") {
      const m = await import("./libc-deno.ts");
      return { available: true, runtime, libc: m.denoLibc(LIBC_NAME, g) };
    }
    if (runtime === "node") {
      const m = await import("./libc-koffi.ts");
      return { available: true, runtime, libc: await m.koffiLibc(LIBC_NAME) };
    }
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (runtime === "node") {
      return { available: false, runtime, reason: `Node has no built-in FFI and koffi (an optional dependency of underlay) could not be loaded: ${why.split("\n")[0]} — install it (npm install koffi) or use the iproute2 executor` };
    }
    const hint = runtime === "deno" ? " — run deno with -A" : "";
    return { available: false, runtime, reason: `${runtime}: cannot load ${LIBC_NAME} through FFI: ${why}${hint}` };
  }
  return { available: false, runtime, reason: "unknown JavaScript runtime: the in-process netlink layer runs on Bun, Deno and Node (with koffi)" };
}
