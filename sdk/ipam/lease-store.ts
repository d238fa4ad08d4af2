/**
 * An opt-in, file-backed lease store shared across processes, for fixtures that add endpoints to
 * a shared network over time. Every change runs under a cross-process lock file
 * (`<path>.lock`, see `file-lock.ts`), reads the JSON file, applies the change in memory and
 * writes a temporary file that is atomically renamed over the store, so readers never see a
 * half-written file and parallel provisioning never hands out one address twice. A released
 * address is free again immediately (no "Address already in use" after a release).
 * @module
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { UnderlayError } from "../errors.ts";
import { withFileLock, type FileLockOptions } from "../lib/file-lock.ts";
import { applyLeases, type Lease, type LeaseRequest } from "./lease-apply.ts";
import type { PoolOptions } from "./types.ts";

/** Options of {@link openLeaseStore} (lock wait and staleness, in milliseconds). */
export type LeaseStoreOptions = FileLockOptions;

/** A file-backed lease store; see {@link openLeaseStore}. */
export interface LeaseStore {
  /** Path of the JSON file. */
  readonly path: string;
  /**
   * Leases an address from `pool` for `owner` (the lowest free one, or `want`) and returns it
   * (bare). Idempotent: an owner that already holds an address in the pool gets it again.
   */
  lease(owner: string, pool: PoolOptions, want?: string): Promise<string>;
  /** Leases a batch atomically (all or nothing, under one lock); addresses in request order. */
  leaseAll(requests: readonly LeaseRequest[]): Promise<string[]>;
  /**
   * Releases the leases of `owner`, or of every owner under `prefix/` (e.g. `demo` releases
   * `demo/web/pub`, not `demo2/…`). Returns how many were released.
   */
  release(ownerOrPrefix: string): Promise<number>;
  /** All current leases, in the order they were made. */
  list(): Promise<Lease[]>;
}

/** Format version written to the file. */
const STORE_VERSION = 1;

function errno(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e ? String((e as { code: unknown }).code) : undefined;
}

function isLease(x: unknown): x is Lease {
  if (typeof x !== "object" || x === null) return false;
  const l = x as Record<string, unknown>;
  return typeof l.owner === "string" && typeof l.pool === "string" && typeof l.address === "string" && typeof l.leasedAt === "string";
}

async function readStore(path: string): Promise<Lease[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if (errno(e) === "ENOENT") return [];
    throw new UnderlayError("LEASE", `cannot read lease store ${path}: ${String(e)} — check the path and its permissions`, { cause: e });
  }
  if (text.trim() === "") return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UnderlayError("LEASE", `lease store ${path} is not valid JSON — fix it or delete it (every lease in it is then forgotten)`, { cause: e });
  }
  const leases = typeof data === "object" && data !== null ? (data as { leases?: unknown }).leases : undefined;
  if (!Array.isArray(leases) || !leases.every(isLease)) {
    throw new UnderlayError("LEASE", `lease store ${path} does not hold {"version":1,"leases":[{owner,pool,address,leasedAt}]} — fix it or delete it`);
  }
  return leases;
}

async function writeStore(path: string, leases: readonly Lease[]): Promise<void> {
  // One lease per line: readable, and diffs well.
  const body = leases.map((l) => JSON.stringify(l)).join(",\n");
  const text = `{"version":${STORE_VERSION},"leases":[${body === "" ? "" : `\n${body}\n`}]}\n`;
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    const handle = await open(tmp, "w", 0o644);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new UnderlayError("LEASE", `cannot write lease store ${path}: ${String(e)} — check the directory and its permissions`, { cause: e });
  }
}

/** Whether `owner` is `key` or lies under the prefix `key/`. */
function matches(owner: string, key: string): boolean {
  return owner === key || owner.startsWith(key.endsWith("/") ? key : `${key}/`);
}

/**
 * Opens (lazily: nothing is read or created until first use) the lease store at `path`.
 *
 * @example
 * ```ts
 * const store = openLeaseStore("/tmp/underlay/leases.json");
 * const ip = await store.lease("ci/web/pub", { cidr: "192.168.50.0/24", gatewayPolicy: "first" }); // "192.168.50.2"
 * await store.release("ci/web/pub"); // 1
 * ```
 */
export function openLeaseStore(path: string, options: LeaseStoreOptions = {}): LeaseStore {
  const lockPath = `${path}.lock`;
  let tail: Promise<unknown> = Promise.resolve();
  /** Serialises this process's own operations, then takes the cross-process lock. */
  const locked = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(async () => {
      await mkdir(dirname(path), { recursive: true }).catch((e: unknown) => {
        throw new UnderlayError("LEASE", `cannot create the directory of lease store ${path}: ${String(e)} — check the path and its permissions`, { cause: e });
      });
      return withFileLock(lockPath, fn, options);
    });
    tail = run.catch(() => undefined);
    return run;
  };
  const leaseAll = (requests: readonly LeaseRequest[]): Promise<string[]> =>
    locked(async () => {
      const current = await readStore(path);
      const { leases, addresses } = applyLeases(current, requests, new Date());
      if (leases.length !== current.length) await writeStore(path, leases);
      return [...addresses];
    });
  return {
    path,
    leaseAll,
    async lease(owner, pool, want) {
      const [address] = await leaseAll([want === undefined ? { owner, pools: [pool] } : { owner, pools: [pool], want }]);
      return address as string;
    },
    release(ownerOrPrefix) {
      if (ownerOrPrefix === "" || ownerOrPrefix === "/") {
        return Promise.reject(new UnderlayError("USAGE", `release needs an owner or an owner prefix, not ${JSON.stringify(ownerOrPrefix)}`));
      }
      return locked(async () => {
        const current = await readStore(path);
        const kept = current.filter((l) => !matches(l.owner, ownerOrPrefix));
        if (kept.length !== current.length) await writeStore(path, kept);
        return current.length - kept.length;
      });
    },
    list() {
      return readStore(path);
    },
  };
}
