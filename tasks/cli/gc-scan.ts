/**
 * Finding and removing leftovers: links whose ifalias is an ownership mark (`underlay:<lab>`),
 * in the caller's namespace and in every named namespace, plus `/etc/netns/<ns>/hosts` files
 * written for a lab — for labs that have no journal under the state directory (so no `down`
 * can find them). A named namespace is removed whole only when every link in it besides `lo`
 * carries such a mark; elsewhere only the marked links are deleted.
 * @module
 */
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Executor } from "../../sdk/index.ts";
import { journalPath } from "../../sdk/runner/journal.ts";

const MARK = "underlay:";

/** A link carrying an ownership mark. */
export interface MarkedLink {
  /** Namespace (`null` = the caller's). */
  readonly netns: string | null;
  /** Interface name. */
  readonly name: string;
  /** Link kind (`macvlan`, `bridge`, …) or `null`. */
  readonly kind: string | null;
  /** Lab named by the mark. */
  readonly lab: string;
}

/** What `gc` found. */
export interface Leftovers {
  /** Labs with leftovers and no journal. */
  readonly labs: readonly string[];
  /** Named namespaces to delete whole (only orphan-marked links inside), with their labs. */
  readonly namespaces: readonly { readonly name: string; readonly labs: readonly string[] }[];
  /** Marked links to delete one by one (their namespace holds other things too). */
  readonly links: readonly MarkedLink[];
  /** Hosts files written for orphan labs. */
  readonly hostsFiles: readonly string[];
  /** Labs whose marks were seen but that have a journal (left alone: `underlay down` handles them). */
  readonly journaled: readonly string[];
  /** Namespaces that could not be read (vanished meanwhile, or not enterable). */
  readonly unreadable: readonly string[];
}

/** Options of {@link scanLeftovers}. */
export interface ScanOptions {
  /** State directory holding journals. */
  readonly stateDir: string;
  /** Only this lab's leftovers. */
  readonly lab?: string | undefined;
  /** Where per-namespace files live (default `/etc/netns`). */
  readonly etcNetns?: string;
}

interface RawLink {
  readonly ifname?: string;
  readonly ifalias?: string;
  readonly linkinfo?: { readonly info_kind?: string };
}

async function namedNamespaces(executor: Executor): Promise<string[]> {
  const r = await executor.run({ netns: null, argv: ["ip", "-json", "netns", "list"] });
  const text = r.stdout.trim();
  if (r.code !== 0 || text === "") return [];
  return (JSON.parse(text) as { name: string }[]).map((n) => n.name);
}

async function linksOf(executor: Executor, netns: string | null): Promise<RawLink[] | null> {
  const r = await executor.run({ netns, argv: ["ip", "-json", "-details", "link", "show"] });
  if (r.code !== 0) return null;
  try {
    return JSON.parse(r.stdout.trim() || "[]") as RawLink[];
  } catch {
    return null;
  }
}

function hostsMarks(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const ns of entries) {
    const file = join(dir, ns, "hosts");
    try {
      const m = /^# underlay lab (\S+)$/m.exec(readFileSync(file, "utf8"));
      if (m?.[1] !== undefined) out.set(file, m[1]);
    } catch {
      /* not a file of ours */
    }
  }
  return out;
}

/**
 * Scans this machine for leftovers of labs without a journal. Read-only.
 *
 * @example
 * ```ts
 * const found = await scanLeftovers(localExecutor(), { stateDir: "/run/underlay" });
 * console.log(found.namespaces.map((n) => n.name));
 * ```
 */
export async function scanLeftovers(executor: Executor, options: ScanOptions): Promise<Leftovers> {
  const etc = options.etcNetns ?? "/etc/netns";
  const names = await namedNamespaces(executor);
  const unreadable: string[] = [];
  const perNs = new Map<string | null, RawLink[]>();
  const queue: (string | null)[] = [null, ...names];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let ns = queue.shift(); ns !== undefined; ns = queue.shift()) {
        const links = await linksOf(executor, ns);
        if (links === null) unreadable.push(ns ?? "(this namespace)");
        else perNs.set(ns, links);
      }
    }),
  );
  const wanted = (lab: string): boolean => options.lab === undefined || options.lab === lab;
  const hasJournal = new Map<string, boolean>();
  const orphan = (lab: string): boolean => {
    if (!hasJournal.has(lab)) hasJournal.set(lab, existsSync(journalPath(options.stateDir, lab)));
    return wanted(lab) && hasJournal.get(lab) === false;
  };
  const labOf = (l: RawLink): string | null => (l.ifalias?.startsWith(MARK) ? l.ifalias.slice(MARK.length) : null);
  const hosts = hostsMarks(etc);
  const hostsLabByNs = new Map([...hosts].map(([file, lab]) => [file.slice(etc.length + 1, -"/hosts".length), lab]));

  const namespaces: { name: string; labs: string[] }[] = [];
  const links: MarkedLink[] = [];
  const labs = new Set<string>();
  const journaled = new Set<string>();
  for (const ns of [null, ...names]) {
    const all = perNs.get(ns);
    if (all === undefined) continue;
    const marked = all.filter((l) => labOf(l) !== null);
    for (const l of marked) if (wanted(labOf(l) as string) && !orphan(labOf(l) as string)) journaled.add(labOf(l) as string);
    const ours = marked.filter((l) => orphan(labOf(l) as string));
    const hostsLab = ns === null ? undefined : hostsLabByNs.get(ns);
    const byHosts = hostsLab !== undefined && orphan(hostsLab);
    if (ours.length === 0 && !byHosts) continue;
    const foreign = all.filter((l) => l.ifname !== "lo" && !ours.includes(l));
    const nsLabs = [...new Set([...ours.map((l) => labOf(l) as string), ...(byHosts ? [hostsLab] : [])])];
    nsLabs.forEach((l) => labs.add(l));
    if (ns !== null && foreign.length === 0) namespaces.push({ name: ns, labs: nsLabs });
    else for (const l of ours) links.push({ netns: ns, name: l.ifname ?? "?", kind: l.linkinfo?.info_kind ?? null, lab: labOf(l) as string });
  }
  const hostsFiles = [...hosts].filter(([, lab]) => orphan(lab)).map(([file, lab]) => (labs.add(lab), file));
  return { labs: [...labs].sort(), namespaces, links, hostsFiles, journaled: [...journaled].sort(), unreadable };
}

/** Outcome of {@link removeLeftovers}. */
export interface GcResult {
  /** What was removed (`namespace x`, `link y in z`, `file f`). */
  readonly removed: readonly string[];
  /** What could not be removed, and why. */
  readonly failed: readonly { readonly what: string; readonly message: string }[];
}

const GONE = /Cannot find device|No such file|does not exist|not found/i;

/**
 * Removes what {@link scanLeftovers} found: marked links in shared namespaces first, then whole
 * namespaces, then hosts files. Objects already gone count as removed.
 *
 * @example
 * ```ts
 * const { removed } = await removeLeftovers(executor, found);
 * ```
 */
export async function removeLeftovers(executor: Executor, found: Leftovers): Promise<GcResult> {
  const removed: string[] = [];
  const failed: { what: string; message: string }[] = [];
  const attempt = async (what: string, netns: string | null, argv: string[]): Promise<void> => {
    const r = await executor.run({ netns, argv });
    if (r.code === 0 || GONE.test(r.stderr)) removed.push(what);
    else failed.push({ what, message: r.stderr.trim() || `exit code ${r.code}` });
  };
  for (const l of found.links) await attempt(`link ${l.name}${l.netns === null ? "" : ` in ${l.netns}`}`, l.netns, ["ip", "link", "del", "dev", l.name]);
  for (const n of found.namespaces) await attempt(`namespace ${n.name}`, null, ["ip", "netns", "del", n.name]);
  for (const file of found.hostsFiles) {
    try {
      rmSync(file, { force: true });
      try {
        rmdirSync(file.slice(0, -"/hosts".length));
      } catch {
        /* other files in it: keep the directory */
      }
      removed.push(`file ${file}`);
    } catch (e) {
      failed.push({ what: `file ${file}`, message: (e as Error).message });
    }
  }
  return { removed, failed };
}
