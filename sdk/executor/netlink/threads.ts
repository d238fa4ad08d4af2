/**
 * Which threads of this process sit in another network namespace than home. A thread inherits
 * the namespace of the thread that starts it, so a thread a runtime starts while the JS thread
 * is inside a namespace window (a JIT worker, a GC helper, a pool thread) stays there, keeps that
 * namespace alive after its deletion, and would do any network work of its own in it. Read from
 * `/proc/self/task/<tid>/ns/net`; for tests and diagnostics. (An earlier spike saw Bun's
 * JavaScriptCore start a JIT thread inside a window in 5 of 35 runs of 500 endpoints, and none
 * with `BUN_JSC_useConcurrentJIT=0` set before Bun starts. This layer's windows run nothing
 * between their system calls but a few comparisons — no string is encoded inside — and 20 runs
 * of 500 endpoint cycles here left no thread behind.)
 *
 * @example
 * ```ts
 * foreignThreads(readlinkSync("/proc/thread-self/ns/net")); // [] when no thread was left behind
 * ```
 * @module
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** A thread of this process that is not in the home namespace. */
export interface ForeignThread {
  /** Thread id. */
  readonly tid: number;
  /** Its thread name (`/proc/self/task/<tid>/comm`), when readable. */
  readonly comm: string;
  /** Its namespace (`net:[inode]`). */
  readonly netns: string;
}

/**
 * Threads of this process whose `/proc/self/task/<tid>/ns/net` differs from `home`
 * (`net:[inode]`, e.g. `readlinkSync("/proc/thread-self/ns/net")` taken at start).
 *
 * @example
 * ```ts
 * foreignThreads(home); // [] when no thread was left behind in another namespace
 * ```
 */
export function foreignThreads(home: string): ForeignThread[] {
  const out: ForeignThread[] = [];
  for (const t of readdirSync("/proc/self/task")) {
    let netns: string;
    try {
      netns = readlinkSync(`/proc/self/task/${t}/ns/net`);
    } catch {
      continue; // the thread exited meanwhile
    }
    if (netns === home) continue;
    let comm = "";
    try {
      comm = readFileSync(`/proc/self/task/${t}/comm`, "utf8").trim();
    } catch {
      /* the thread exited meanwhile */
    }
    out.push({ tid: Number(t), comm, netns });
  }
  return out;
}
