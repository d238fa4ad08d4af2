/**
 * Finding the labs on this machine that garbage collection may remove: those whose owning
 * process is gone, or that nothing names at all (ownership marks and hosts files only) — never
 * a lab that a live process owns, a persistent lab, or a lab whose `up`/`down` is running.
 * Evidence is read from the lab registry (every lab, whatever state directory its journal is
 * in), the journals of the state directories given, the ownership marks (`underlay:<lab>`) on
 * links in every namespace, and the hosts files' lab lines.
 * @module
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Executor } from "../executor/types.ts";
import { lockHolder, pidAlive } from "../lib/file-lock.ts";
import { processAlive, type ProcessIdentity } from "../lib/process-identity.ts";
import { ETC_NETNS, hostsMarkerLab } from "../plan/ops/hosts.ts";
import { observe } from "../state/observe.ts";
import type { LiveState } from "../state/types.ts";
import { defaultExecutor } from "./context.ts";
import { readOwnership } from "./journal.ts";
import { createdNamespace } from "./owned-step.ts";
import { listLabRecords, type LabRecord } from "./registry.ts";
import { defaultStateDir, journalPath } from "./state-dir.ts";

const MARK = "underlay:";

/** A link that carries a lab's ownership mark. */
export interface MarkedLink {
  /** Its namespace (`null` = the caller's). */
  readonly netns: string | null;
  /** Interface name. */
  readonly name: string;
  /** Link kind, or `null`. */
  readonly kind: string | null;
}

/** A lab that is to go, and everything of it that was found. */
export interface LabLeftovers {
  /** Lab name. */
  readonly lab: string;
  /** Why it goes (`its process 4242 is gone`, `nothing names it but its marks`). */
  readonly reason: string;
  /** The state directory holding its journal, or `null` when it has none. */
  readonly stateDir: string | null;
  /** Its lease store, if its record names one (the leases are released). */
  readonly leaseStore: string | null;
  /** Namespaces to delete whole: the journal's, and those holding nothing but its marked links. */
  readonly namespaces: readonly string[];
  /** Marked links to delete one by one (their namespace holds other things too). */
  readonly links: readonly MarkedLink[];
  /** Its hosts files. */
  readonly hostsFiles: readonly string[];
}

/** A lab that stays, and why. */
export interface KeptLab {
  /** Lab name. */
  readonly lab: string;
  /** Why (`in use by process 4242`, `persistent`, `an up or down of it is running (pid 4242)`). */
  readonly why: string;
}

/** What {@link scanLabs} found. */
export interface LabScan {
  /** Labs to remove. */
  readonly remove: readonly LabLeftovers[];
  /** Labs left alone. */
  readonly kept: readonly KeptLab[];
  /** Files of runs whose process is gone: stale locks, discarded journals, temporary files. */
  readonly staleFiles: readonly string[];
  /** Namespaces that could not be read. */
  readonly unreadable: readonly string[];
}

/** Options of {@link scanLabs} and {@link reap}. */
export interface ScanOptions {
  /** Reads the kernel (default: the local executor). */
  readonly executor?: Executor;
  /** State directories whose journals to read, besides the default one and those the registry names. */
  readonly stateDirs?: readonly string[];
  /** Only this lab. */
  readonly lab?: string;
  /** Only labs whose name starts with this. */
  readonly prefix?: string;
  /** Where hosts files live (default `/etc/netns`). */
  readonly etcNetns?: string;
}

function journaledLabs(stateDir: string): string[] {
  try {
    return readdirSync(stateDir).flatMap((f) => (f.endsWith(".journal") ? [f.slice(0, -".journal".length)] : []));
  } catch {
    return [];
  }
}

function hostsLabs(etc: string): Map<string, string> {
  const out = new Map<string, string>();
  let dirs: string[] = [];
  try {
    dirs = readdirSync(etc);
  } catch {
    return out;
  }
  for (const ns of dirs) {
    const file = join(etc, ns, "hosts");
    try {
      const lab = hostsMarkerLab(readFileSync(file, "utf8"));
      if (lab !== null) out.set(file, lab);
    } catch {
      /* not a file of ours */
    }
  }
  return out;
}

/** A lab's file in a state directory: its lock, a discarded journal or teardown list, or a half-written one. */
const LAB_FILE = /^(.+)\.(?:lock|(?:journal|down)\.(?:\d+\.gone|tmp))$/;

/** Stale files of the labs `wanted` accepts (named by the file: `<lab>.lock`, `<lab>.journal.<pid>.gone`, …). */
function staleIn(stateDir: string, live: ReadonlySet<string>, wanted: (lab: string) => boolean): string[] {
  let files: string[] = [];
  try {
    files = readdirSync(stateDir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const f of files) {
    const lab = LAB_FILE.exec(f)?.[1];
    if (lab === undefined || !wanted(lab)) continue;
    const path = join(stateDir, f);
    const gone = /\.(\d+)\.gone$/.exec(f);
    if (gone !== null) {
      if (!pidAlive(Number(gone[1]))) out.push(path);
    } else if (f.endsWith(".lock")) {
      if (!live.has(lab) && lockHolder(path) === null && existsSync(path)) out.push(path);
    } else if (lockHolder(join(stateDir, `${lab}.lock`)) === null) out.push(path); // a half-written journal or teardown list
  }
  return out;
}

/**
 * Finds the labs to remove: those whose owning process is gone, and those nothing names but
 * their marks. Read-only.
 *
 * @example
 * ```ts
 * const scan = await scanLabs({ prefix: "t-" });
 * scan.remove.map((l) => `${l.lab}: ${l.reason}`); // ["t-3f2a: its process 4242 is gone"]
 * ```
 */
export async function scanLabs(options: ScanOptions = {}): Promise<LabScan> {
  const executor = options.executor ?? (await defaultExecutor());
  const etc = options.etcNetns ?? ETC_NETNS;
  const wanted = (lab: string): boolean => (options.lab === undefined || options.lab === lab) && (options.prefix === undefined || lab.startsWith(options.prefix));

  // Every lab some record or journal names, with where its journal is.
  const records = new Map<string, LabRecord>(listLabRecords().map((r) => [r.lab, r]));
  const dirs = [...new Set([defaultStateDir(), ...(options.stateDirs ?? []), ...[...records.values()].map((r) => r.stateDir)])];
  const stateDirOf = new Map<string, string>();
  for (const r of records.values()) if (existsSync(journalPath(r.stateDir, r.lab))) stateDirOf.set(r.lab, r.stateDir);
  for (const dir of dirs) for (const lab of journaledLabs(dir)) if (!stateDirOf.has(lab)) stateDirOf.set(lab, dir);

  // The kernel: every namespace's links, for marks.
  const first = await observe(executor, [null], {});
  const names = [...first.netns];
  const rest = names.length === 0 ? null : await observe(executor, names, { netns: first.netns });
  const state: LiveState = { netns: first.netns, namespaces: new Map([...first.namespaces, ...(rest?.namespaces ?? [])]), files: new Map() };
  const unreadable = names.filter((ns) => state.namespaces.get(ns)?.exists !== true && state.netns.has(ns));
  const hosts = hostsLabs(etc);

  const labsSeen = new Set<string>([...records.keys(), ...stateDirOf.keys(), ...hosts.values()]);
  for (const ns of state.namespaces.values()) for (const l of ns.links) if (l.alias?.startsWith(MARK) === true) labsSeen.add(l.alias.slice(MARK.length));

  const remove: LabLeftovers[] = [];
  const kept: KeptLab[] = [];
  const live = new Set<string>();
  for (const lab of [...labsSeen].filter(wanted).sort()) {
    const record = records.get(lab);
    const stateDir = stateDirOf.get(lab) ?? null;
    const journal = stateDir === null ? null : readOwnership(stateDir, lab);
    const owner: ProcessIdentity | null | undefined = record !== undefined ? record.owner : journal?.owner;
    const running = lockHolder(join(stateDir ?? record?.stateDir ?? defaultStateDir(), `${lab}.lock`));
    if (running !== null) {
      kept.push({ lab, why: `an up or down of it is running (pid ${running})` });
      live.add(lab);
      continue;
    }
    if (owner !== undefined && owner !== null && processAlive(owner)) {
      kept.push({ lab, why: `in use by process ${owner.pid}` });
      live.add(lab);
      continue;
    }
    if (owner === null) {
      kept.push({ lab, why: "persistent (brought up to outlive its process: `underlay down` removes it)" });
      live.add(lab);
      continue;
    }
    if (owner === undefined && stateDir !== null) {
      kept.push({ lab, why: `its journal under ${stateDir} names no owning process: \`underlay down\` removes it` });
      live.add(lab);
      continue;
    }
    const mark = `${MARK}${lab}`;
    const journalNs = new Set((journal?.ops ?? []).flatMap((e) => createdNamespace(e.op) ?? []));
    const namespaces: string[] = [];
    const links: MarkedLink[] = [];
    for (const [ns, s] of state.namespaces) {
      if (ns !== null && journalNs.has(ns)) continue;
      const ours = s.links.filter((l) => l.alias === mark);
      // Without a journal, a namespace holding nothing but the lab's marked links is the lab's
      // (an endpoint or sandbox host of a lab whose state is lost); otherwise only the marked
      // links go, one by one.
      const others = s.links.filter((l) => l.name !== "lo" && l.alias !== mark);
      if (ns !== null && journal === null && ours.length > 0 && others.length === 0) namespaces.push(ns);
      else for (const l of ours) links.push({ netns: ns, name: l.name, kind: l.kind });
    }
    namespaces.push(...[...journalNs].filter((ns) => state.netns.has(ns)));
    const hostsFiles = [...hosts].filter(([, l]) => l === lab).map(([file]) => file);
    const reason = owner !== undefined ? `its process ${owner.pid} is gone` : "nothing names it but its marks (no record, no journal)";
    remove.push({ lab, reason, stateDir, leaseStore: record?.leaseStore ?? null, namespaces, links, hostsFiles });
  }
  const staleFiles = dirs.flatMap((d) => staleIn(d, live, wanted));
  return { remove, kept, staleFiles, unreadable };
}
