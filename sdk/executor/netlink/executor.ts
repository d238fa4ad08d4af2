/**
 * The netlink executor: carries typed steps out in-process through rtnetlink (Bun `bun:ffi`, Deno
 * `Deno.dlopen`, Node with the optional `koffi` package) — namespaces, links of every kind the
 * planner uses created in place, marks, addresses, routes, sysctls and hosts files — and reads the
 * kernel back the same way. No process per step, none per namespace. Programs (`ping`, a user's
 * command) still run as the local executor runs them. One handle per executor, opened on first
 * use; the namespaces it holds open are released as soon as the process goes idle (a held
 * namespace would outlive its deletion by another process).
 *
 * @example
 * ```ts
 * const executor = await netlinkExecutor();
 * await demo.up({ executor });
 * await demo.down({ executor });
 * ```
 * @module
 */
import { UnderlayError } from "../../errors.ts";
import { localExecutor, type LocalExecutorOptions } from "../local.ts";
import type { Executor, KernelCapabilities } from "../types.ts";
import { applyNetlink } from "./apply.ts";
import { loadLibc } from "./libc.ts";
import { openNetlink } from "./netlink.ts";
import type { Netlink } from "./netlink-types.ts";
import { probeNetlink } from "./probe.ts";
import { netlinkReader } from "./reader.ts";

/** Options of {@link netlinkExecutor}. */
export interface NetlinkExecutorOptions {
  /** Where named namespaces live (default `/run/netns`). */
  readonly runDir?: string;
  /** How long to wait for the kernel's answer to a request (default 10 s). */
  readonly timeoutMs?: number;
  /** Options of the local executor that runs programs (`ping`, user commands). */
  readonly local?: LocalExecutorOptions;
}

/** The netlink executor: an {@link Executor} with the handle's health check. */
export interface NetlinkExecutor extends Executor {
  readonly name: "netlink";
  /** Directory holding named namespaces (`/run/netns`): the kernel is this machine's, so `live.spawn` and process stopping work as with the local executor. */
  readonly netnsDir: string;
  /** Threads of this process that sit in another network namespace (none, normally). */
  foreignThreads(): Promise<readonly { readonly tid: number; readonly comm: string; readonly netns: string }[]>;
}

/**
 * Whether the netlink executor can run here: an FFI (Bun, Deno with `-A`, Node with koffi) and
 * root. Probed once per process.
 *
 * @example
 * ```ts
 * const a = await netlinkUsable(); // { usable: false, reason: "…run as root…" }
 * ```
 */
export async function netlinkUsable(): Promise<{ readonly usable: boolean; readonly reason?: string }> {
  usable ??= (async () => {
    const r = await loadLibc();
    if (!r.available) return { usable: false, reason: r.reason };
    if (typeof process.geteuid === "function" && process.geteuid() !== 0) {
      return { usable: false, reason: "netlink needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN): run as root" };
    }
    return { usable: true };
  })();
  return usable;
}
let usable: Promise<{ readonly usable: boolean; readonly reason?: string }> | undefined;

/**
 * Makes a netlink executor; rejects with an `EXEC` `UnderlayError` saying why when this runtime
 * cannot (no FFI, koffi missing on Node, Deno without `-A`, not root).
 *
 * @example
 * ```ts
 * const executor = await netlinkExecutor();
 * const caps = await capabilities(executor); // probed in-process
 * ```
 */
export async function netlinkExecutor(options: NetlinkExecutorOptions = {}): Promise<NetlinkExecutor> {
  const u = await netlinkUsable();
  if (!u.usable) throw new UnderlayError("EXEC", `the netlink executor is not available: ${u.reason ?? "unknown reason"} — or use localExecutor() (iproute2)`);
  const runDir = options.runDir ?? "/run/netns";
  const local = localExecutor(options.local);
  let handle: Promise<Netlink> | undefined;
  const open = (): Promise<Netlink> => (handle ??= openNetlink({ runDir, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) }));
  // Namespaces the handle may hold open; released once the process is idle (after this turn of work).
  const touched = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const idle = (): void => {
    if (timer !== undefined || touched.size === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      void open().then((nl) => {
        for (const ns of touched) nl.release(ns);
        touched.clear();
      });
    }, 0);
    (timer as { unref?: () => void }).unref?.();
  };
  let caps: KernelCapabilities | undefined;
  return {
    name: "netlink",
    netnsDir: runDir,
    async apply(batches, applyOptions) {
      const nl = await open();
      try {
        return applyNetlink(nl, batches, applyOptions, touched, runDir);
      } finally {
        idle();
      }
    },
    run: (command) => local.run(command),
    reader: netlinkReader(open, touched, idle),
    async probe() {
      caps ??= probeNetlink(await open());
      return caps;
    },
    async foreignThreads() {
      return (await open()).foreignThreads();
    },
    async close() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (handle !== undefined) (await handle).close();
      handle = undefined;
      touched.clear();
    },
  };
}
