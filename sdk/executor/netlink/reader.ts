/**
 * The netlink executor's state reader: the named namespaces from `/run/netns`, each namespace's
 * dumps (`RTM_GETLINK`, `RTM_GETADDR`, `RTM_GETROUTE` for IPv4 and IPv6) in the shape
 * `ip -json -details` prints, with `peers` the ids it gives the other namespaces
 * (`RTM_GETNSID`, as `ip -json netns list` inside it), sysctls through the namespace's
 * `/proc/sys`, and files with `node:fs`. The same facts the `ip -json` reader gives, no process.
 *
 * @example
 * ```ts
 * const reader = netlinkReader(() => handle(), touched);
 * const [web] = await reader.dump(["demo-web"], { concurrency: 2 });
 * ```
 * @module
 */
import { readFileSync } from "node:fs";
import { UnderlayError } from "../../errors.ts";
import { checkSysctlKeys, sysctlKey } from "../../lib/canonical.ts";
import type { KernelDump, StateReader } from "../types.ts";
import { netlinkFailureOf } from "./failure.ts";
import type { Netlink } from "./netlink-types.ts";

/**
 * Whether an error says the namespace does not exist (any more), or that its name is a file that
 * is not a namespace (an `ip netns add` interrupted before its bind mount): either way, absent.
 */
function vanished(e: unknown): boolean {
  return netlinkFailureOf(e)?.noNamespace !== undefined;
}

/** Reads one namespace, `null` when it is gone. */
function readOne<T>(netns: string | null, read: () => T): T | null {
  try {
    return read();
  } catch (e) {
    if (netns !== null && vanished(e)) return null;
    throw e;
  }
}

/**
 * A reader over the handle that `open` gives; every namespace it reads is added to `touched`
 * (the caller releases them when it goes idle).
 *
 * @example
 * ```ts
 * const names = await netlinkReader(open, new Set()).namespaces();
 * ```
 */
export function netlinkReader(open: () => Promise<Netlink>, touched: Set<string>, idle: () => void = () => {}): StateReader {
  const around = async <T>(fn: (nl: Netlink) => T): Promise<T> => {
    const nl = await open();
    try {
      return fn(nl);
    } finally {
      idle();
    }
  };
  return {
    namespaces: () => around((nl) => new Set(nl.netnsList())),
    dump: (namespaces, options) =>
      around((nl) =>
        namespaces.map((ns): KernelDump | null => {
          if (ns !== null) touched.add(ns);
          return readOne(ns, () => {
            const raw = nl.dump(ns, options.linksOnly === true);
            return options.peers === true ? { ...raw, netns: nl.netnsIds(ns) } : raw;
          });
        }),
      ),
    sysctl: (netns, keys) =>
      around((nl) => {
        checkSysctlKeys(keys);
        if (netns !== null) touched.add(netns);
        return readOne(netns, () => {
          const values: Record<string, string> = Object.create(null) as Record<string, string>;
          for (const key of keys) {
            const v = nl.sysctlRead(netns, key);
            if (v !== null) values[sysctlKey(key)] = v;
          }
          return values;
        });
      }),
    files: async (paths) => {
      const out = new Map<string, string | null>();
      for (const p of paths) {
        try {
          out.set(p, readFileSync(p, "utf8"));
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (code !== "ENOENT" && code !== "ENOTDIR") throw new UnderlayError("EXEC", `cannot read ${p}: ${(e as Error).message} — check the path and its permissions`, { cause: e });
          out.set(p, null);
        }
      }
      return out;
    },
  };
}
