/**
 * Processes living in named network namespaces, found by the namespace's inode — the inode of
 * the bind mount `/run/netns/<ns>` equals the one `/proc/<pid>/ns/net` links to — and stopped:
 * SIGTERM, a grace period, then SIGKILL. Whoever started them (`live.spawn`, `ip netns exec`,
 * `nsenter`), they are found, so a server left running never outlives its lab stranded in a
 * namespace that has no name any more. This machine's processes only; `node:fs` and
 * `process.kill`, no child process.
 * @module
 */
import { readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";

/** A process found in a namespace. */
export interface NetnsProcess {
  /** Process id. */
  readonly pid: number;
  /** The namespace it lives in. */
  readonly netns: string;
  /** Its command line (`/proc/<pid>/cmdline`). */
  readonly argv: readonly string[];
}

/** A process that was stopped, and how. */
export interface StoppedProcess extends NetnsProcess {
  /** The last signal it was sent: `SIGTERM` (it exited within the grace period) or `SIGKILL`. */
  readonly signal: "SIGTERM" | "SIGKILL";
  /** `false` when it had still not exited after SIGKILL (stuck in the kernel). */
  readonly exited: boolean;
}

/** Options of {@link findNetnsProcesses} and {@link stopNetnsProcesses}. */
export interface NetnsProcessOptions {
  /** Directory holding named namespaces (default `/run/netns`). */
  readonly netnsDir?: string;
  /** Where processes are listed (default `/proc`). */
  readonly procDir?: string;
}

/** Options of {@link stopNetnsProcesses}. */
export interface StopOptions extends NetnsProcessOptions {
  /** Milliseconds between SIGTERM and SIGKILL (default 1000). */
  readonly graceMs?: number;
  /** Milliseconds to wait for killed processes to be gone (default 5000). */
  readonly killWaitMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function link(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null; // gone, a zombie (its namespaces are released at exit), or not ours to read
  }
}

/** This process and its ancestors: never stopped, even when they live in a lab namespace. */
function selfAndAncestors(proc: string): Set<number> {
  const out = new Set<number>([process.pid]);
  for (let pid = process.pid; pid > 1; ) {
    let stat: string;
    try {
      stat = readFileSync(join(proc, String(pid), "stat"), "utf8");
    } catch {
      break;
    }
    // pid (comm) state ppid … — comm may hold spaces and parentheses: read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (!Number.isInteger(ppid) || ppid <= 0 || out.has(ppid)) break;
    out.add(ppid);
    pid = ppid;
  }
  return out;
}

function commandLine(proc: string, pid: number): string[] {
  try {
    return readFileSync(join(proc, String(pid), "cmdline"), "utf8").split("\0").filter((a, i, all) => a !== "" || i < all.length - 1);
  } catch {
    return [];
  }
}

/**
 * The processes living in these namespaces (named, under `netnsDir`), except this process and
 * its ancestors. Namespaces that do not exist are skipped.
 *
 * @example
 * ```ts
 * findNetnsProcesses(["demo-web"]); // [{ pid: 4242, netns: "demo-web", argv: ["python3", "-m", "http.server"] }]
 * ```
 */
export function findNetnsProcesses(names: readonly string[], options: NetnsProcessOptions = {}): NetnsProcess[] {
  return scan(names, options).map(({ pid, netns, argv }) => ({ pid, netns, argv }));
}

/** The processes in these namespaces, each with the `ns/net` link it was found with. */
function scan(names: readonly string[], options: NetnsProcessOptions): (NetnsProcess & { readonly link: string })[] {
  if (names.length === 0) return [];
  const proc = options.procDir ?? "/proc";
  const own = link(join(proc, "self/ns/net"));
  // Most processes share the caller's namespace: look at the namespaces' inodes only when some do not.
  const elsewhere: [number, string][] = [];
  for (const entry of readdirSync(proc)) {
    const c = entry.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const ns = link(join(proc, entry, "ns/net"));
    if (ns !== null && ns !== own) elsewhere.push([Number(entry), ns]);
  }
  if (elsewhere.length === 0) return [];
  const byLink = new Map<string, string>();
  const dir = options.netnsDir ?? "/run/netns";
  for (const name of names) {
    try {
      byLink.set(`net:[${statSync(join(dir, name)).ino}]`, name);
    } catch {
      /* no such namespace */
    }
  }
  const found = elsewhere.filter(([, ns]) => byLink.has(ns));
  if (found.length === 0) return [];
  const spared = selfAndAncestors(proc);
  return found.filter(([pid]) => !spared.has(pid)).map(([pid, ns]) => ({ pid, netns: byLink.get(ns) as string, argv: commandLine(proc, pid), link: ns }));
}

/**
 * Stops every process living in these namespaces: SIGTERM to all, then SIGKILL to those still
 * there after `graceMs`; processes that appear meanwhile (children of a dying supervisor) are
 * killed in up to two more rounds. Resolves with what it stopped, once they are gone (or after
 * `killWaitMs`). A process counts as gone when it no longer lives in the namespace (exited,
 * including a zombie waiting for its parent, whose namespaces the kernel has already released).
 *
 * @example
 * ```ts
 * const stopped = await stopNetnsProcesses(["demo-web", "demo-db"], { graceMs: 500 });
 * stopped.map((p) => `${p.pid} ${p.argv.join(" ")} (${p.signal})`);
 * ```
 */
export async function stopNetnsProcesses(names: readonly string[], options: StopOptions = {}): Promise<StoppedProcess[]> {
  const proc = options.procDir ?? "/proc";
  const graceMs = options.graceMs ?? 1000;
  const killWaitMs = options.killWaitMs ?? 5000;
  const stopped: StoppedProcess[] = [];
  for (let round = 0; round < 3; round++) {
    const scanned = scan(names, options);
    if (scanned.length === 0) break;
    // Alive while it still lives in the namespace it was found in (compared with the link read
    // by the scan: a process that exits right after it was seen reads as gone, never as alive).
    const where = new Map(scanned.map((p) => [p.pid, p.link]));
    const found: NetnsProcess[] = scanned.map(({ pid, netns, argv }) => ({ pid, netns, argv }));
    const alive = (p: NetnsProcess): boolean => link(join(proc, String(p.pid), "ns/net")) === where.get(p.pid);
    const send = (p: NetnsProcess, signal: NodeJS.Signals): void => {
      try {
        if (alive(p)) process.kill(p.pid, signal);
      } catch {
        /* exited meanwhile */
      }
    };
    const waitGone = async (list: readonly NetnsProcess[], ms: number): Promise<NetnsProcess[]> => {
      let left = list.filter(alive);
      for (let t0 = performance.now(), pause = 5; left.length > 0 && performance.now() - t0 < ms; pause = Math.min(50, pause * 2)) {
        await sleep(pause);
        left = left.filter(alive);
      }
      return left;
    };
    let killed: NetnsProcess[] = found;
    if (round === 0 && graceMs > 0) {
      for (const p of found) send(p, "SIGTERM");
      killed = await waitGone(found, graceMs);
      for (const p of found) if (!killed.includes(p)) stopped.push({ ...p, signal: "SIGTERM", exited: true });
    }
    for (const p of killed) send(p, "SIGKILL");
    const stuck = await waitGone(killed, killWaitMs);
    for (const p of killed) stopped.push({ ...p, signal: "SIGKILL", exited: !stuck.includes(p) });
    if (stuck.length > 0) break;
  }
  return stopped;
}
