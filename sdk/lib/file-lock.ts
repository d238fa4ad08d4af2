/**
 * A cross-process lock on a file, with `node:fs` only (runs on Node, Bun and Deno; no `flock`).
 *
 * The lock is a file created with `O_CREAT|O_EXCL` (`open(path, "wx")`) holding
 * `{pid, host, at, token}`. A lock is stale when its process is gone (same host, `kill(pid, 0)`
 * fails with `ESRCH`) or when it is older than `staleMs` (holders keep it for milliseconds, so an
 * old lock means a crashed holder whose pid was reused). A stale lock is broken under a second
 * `O_EXCL` guard file (`<lock>.break`) and only if its content is still the stale content, so two
 * waiters can never both break it and delete a fresh lock (a guard left behind by a crashed
 * breaker is itself removed after 5 s). Release deletes the lock only if it still holds our token.
 * "Same host" means same `os.hostname()`: processes sharing one lease file from different PID
 * namespaces must have different hostnames (containers do by default), or a live holder there
 * could look dead here. The lock is not FIFO-fair: a process that releases and re-locks at once
 * may go again before a waiter wakes (waiters poll with back-off up to 50 ms).
 * @module
 */
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { UnderlayError, type UnderlayErrorCode } from "../errors.ts";

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /** Give up waiting after this many milliseconds (default 10 000). */
  readonly timeoutMs?: number;
  /** A lock older than this is stale whatever its pid (default 30 000). */
  readonly staleMs?: number;
}

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly at: number;
  readonly token: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function errno(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e ? String((e as { code: unknown }).code) : undefined;
}

/**
 * Whether a process with this pid runs on this machine (`kill(pid, 0)`; `EPERM` means it
 * exists). A zombie — a process that has exited but that its parent has not reaped yet — does
 * not run: it holds nothing any more (`/proc/<pid>/stat` says `Z`).
 *
 * @example
 * ```ts
 * pidAlive(process.pid); // true
 * ```
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (errno(e) !== "EPERM") return false;
  }
  return !zombie(pid);
}

function zombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state === "Z" || state === "X";
  } catch {
    return false;
  }
}

/**
 * Creates `path` exclusively with `content`; `false` if it already exists. Synchronous on
 * purpose: three tiny system calls of microseconds each, where the async versions cost a
 * thread-pool round trip each (the lock is taken and released on every `up` and `down`).
 */
async function createExclusive(path: string, content: string): Promise<boolean> {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o644);
  } catch (e) {
    if (errno(e) === "EEXIST") return false;
    throw e;
  }
  try {
    writeFileSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

async function readText(path: string): Promise<string | null> {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    if (errno(e) === "ENOENT") return null;
    throw e;
  }
}

function parseHolder(raw: string): Holder | null {
  try {
    const h = JSON.parse(raw) as Partial<Holder>;
    if (typeof h.pid !== "number" || typeof h.host !== "string" || typeof h.at !== "number") return null;
    return { pid: h.pid, host: h.host, at: h.at, token: String(h.token) };
  } catch {
    return null;
  }
}

/** Whether the lock content `raw` (of the file at `path`) belongs to a dead or ancient holder. */
async function isStale(path: string, raw: string, staleMs: number): Promise<boolean> {
  const h = parseHolder(raw);
  if (h === null) {
    // Being written right now, or garbage: judge by age.
    const st = await stat(path).catch(() => null);
    return st !== null && Date.now() - st.mtimeMs > staleMs;
  }
  if (Date.now() - h.at > staleMs) return true;
  return h.host === hostname() && !pidAlive(h.pid);
}

/** Removes the lock if it still holds `raw`, under the break guard. */
async function breakStale(path: string, raw: string, staleMs: number): Promise<void> {
  const guard = `${path}.break`;
  if (!(await createExclusive(guard, JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now() })))) {
    const st = await stat(guard).catch(() => null);
    if (st !== null && Date.now() - st.mtimeMs > Math.min(staleMs, 5000)) await unlink(guard).catch(() => undefined);
    return;
  }
  try {
    if ((await readText(path)) === raw) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

/** Options of {@link acquireFileLock}. */
export interface AcquireOptions {
  /** Give up waiting after this many milliseconds. */
  readonly timeoutMs: number;
  /** A lock older than this is stale whatever its pid; `null`: only a dead holder makes it stale. */
  readonly staleMs: number | null;
  /** The error when the wait times out: code and what the lock protects (for the message). */
  readonly onTimeout: { readonly code: UnderlayErrorCode; readonly what: string };
}

/** A held lock file. */
export interface HeldLock {
  /** Releases the lock (idempotent); removes the file only if it still holds this holder's token. */
  release(): Promise<void>;
}

/**
 * Takes the lock file `lockPath` (created exclusively, holding pid, host, time and a token),
 * waiting with jittered back-off; a lock whose holder is gone (or, with `staleMs`, too old) is
 * broken under a guard so two waiters never both break it.
 *
 * @example
 * ```ts
 * const lock = await acquireFileLock("/run/underlay/demo.lock", { timeoutMs: 30_000, staleMs: null, onTimeout: { code: "LOCKED", what: "lab demo" } });
 * try { … } finally { await lock.release(); }
 * ```
 */
export async function acquireFileLock(lockPath: string, options: AcquireOptions): Promise<HeldLock> {
  const staleMs = options.staleMs ?? Number.POSITIVE_INFINITY;
  const me = JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now(), token: randomBytes(8).toString("hex") });
  const deadline = Date.now() + options.timeoutMs;
  let wait = 2;
  for (;;) {
    if (await createExclusive(lockPath, me)) break;
    const raw = await readText(lockPath);
    if (raw === null) continue; // released meanwhile: try again at once
    if (await isStale(lockPath, raw, staleMs)) {
      await breakStale(lockPath, raw, staleMs);
      continue;
    }
    if (Date.now() >= deadline) {
      const h = parseHolder(raw);
      const who = h === null ? "another process" : `pid ${h.pid} on ${h.host} since ${new Date(h.at).toISOString()}`;
      throw new UnderlayError(
        options.onTimeout.code,
        `${options.onTimeout.what}: lock ${lockPath} is held by ${who}; gave up after ${options.timeoutMs} ms — wait for it to finish, or delete the lock file if that process is gone`,
        { details: { lockPath, holder: h } },
      );
    }
    await sleep(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 50);
  }
  let held = true;
  return {
    async release(): Promise<void> {
      if (!held) return;
      held = false;
      if ((await readText(lockPath).catch(() => null)) === me) {
        try {
          unlinkSync(lockPath);
        } catch {
          /* gone already */
        }
      }
    },
  };
}

/**
 * Runs `fn` while holding the lock file `lockPath`, waiting (with jittered back-off) up to
 * `timeoutMs`. Throws a `LEASE` {@link UnderlayError} naming the holder when the wait times out.
 *
 * @example
 * ```ts
 * const n = await withFileLock("/var/lib/underlay/leases.json.lock", async () => readAndUpdate());
 * ```
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const lock = await acquireFileLock(lockPath, {
    timeoutMs: options.timeoutMs ?? 10_000,
    staleMs: options.staleMs ?? 30_000,
    onTimeout: { code: "LEASE", what: "the lease store" },
  });
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

/**
 * The live process holding the lock at `path` (on this host), or `null` when the lock is free,
 * unreadable, held on another host, or its holder is gone.
 *
 * @example
 * ```ts
 * lockHolder("/run/underlay/demo.lock"); // 4242 while an up of demo runs
 * ```
 */
export function lockHolder(path: string): number | null {
  let raw: string;
  try {
    raw = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  const h = parseHolder(raw);
  return h !== null && h.host === hostname() && pidAlive(h.pid) ? h.pid : null;
}
