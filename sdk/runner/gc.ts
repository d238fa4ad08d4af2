/**
 * Garbage collection of labs: removing exactly what {@link scanLabs} (`gc-scan.ts`) found — the
 * labs whose owning process is gone, or that nothing names but their marks and hosts files.
 * @module
 */
import { rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Executor } from "../executor/types.ts";
import { lockHolder } from "../lib/file-lock.ts";
import type { NetnsDel, Undo } from "../plan/ops/types.ts";
import { undoOps } from "./apply.ts";
import { defaultExecutor } from "./context.ts";
import { silent, type EventListener } from "./events.ts";
import { scanLabs, type KeptLab, type LabScan, type ScanOptions } from "./gc-scan.ts";
import { readOwnership } from "./journal.ts";
import { createdNamespace } from "./owned-step.ts";
import { forgetLab } from "./registry.ts";
import { stopLabProcesses } from "./stop-processes.ts";
import { discardJournal } from "./teardown.ts";

/** Outcome of {@link removeLabs} and {@link reap}. */
export interface ReapResult {
  /** Labs removed completely. */
  readonly labs: readonly string[];
  /** What was removed (`namespace x`, `link y in z`, `file f`). */
  readonly removed: readonly string[];
  /** What could not be removed, and why. */
  readonly failed: readonly { readonly what: string; readonly message: string }[];
}

/**
 * Removes what {@link scanLabs} found: per lab, the steps its journal owns (newest first), then
 * its remaining namespaces and marked links, its hosts files, its journal, record and leases;
 * then the stale files.
 *
 * @example
 * ```ts
 * const { removed } = await removeLabs(await scanLabs({ lab: "demo" }));
 * ```
 */
export async function removeLabs(scan: LabScan, options: { readonly executor?: Executor; readonly onEvent?: EventListener } = {}): Promise<ReapResult> {
  const executor = options.executor ?? (await defaultExecutor());
  const emit = options.onEvent ?? silent;
  const labs: string[] = [];
  const removed: string[] = [];
  const failed: { what: string; message: string }[] = [];
  for (const lab of scan.remove) {
    const before = failed.length;
    const undone = new Set<string>();
    const owned = lab.stateDir === null ? [] : readOwnership(lab.stateDir, lab.lab).ops.map((e) => e.op);
    // Programs still running in the lab's namespaces would outlive them: stopped first, as down does.
    const stopped = await stopLabProcesses(executor, [...new Set([...lab.namespaces, ...owned.flatMap((o) => createdNamespace(o) ?? [])])]);
    removed.push(...stopped.map((p) => `process ${p.pid} (${p.argv.join(" ")}) in ${p.netns}`));
    if (lab.stateDir !== null) {
      const rb = await undoOps(owned, { executor, journal: null, emit, concurrency: 2 }, { tolerateMissing: true });
      removed.push(...rb.undone.map((o) => o.id));
      for (const o of rb.undone) undone.add(createdNamespace(o) ?? "");
      failed.push(...rb.failed.map((f) => ({ what: f.op.id, message: f.stderr })));
    }
    // What the journal did not take with it: marked links, and namespaces it does not name.
    const undos: Undo[] = [...lab.links.map((l): Undo => ({ kind: "link-del", netns: l.netns, dev: l.name })), ...lab.namespaces.filter((n) => !undone.has(n)).map((name): NetnsDel => ({ kind: "netns-del", netns: null, name }))];
    const byNs = new Map<string | null, Undo[]>();
    for (const u of undos) byNs.set(u.netns, [...(byNs.get(u.netns) ?? []), u]);
    const lanes = [...byNs.entries()];
    const answers = await executor.apply(lanes.map(([netns, steps]) => ({ netns, steps })), { keepGoing: true, concurrency: 2 });
    lanes.forEach(([, steps], k) => {
      const bad = new Map((answers[k]?.failures ?? []).map((f) => [f.index, f.message]));
      steps.forEach((u, i) => {
        const what = u.kind === "netns-del" ? `namespace ${u.name}` : u.kind === "link-del" ? `link ${u.dev}${u.netns === null ? "" : ` in ${u.netns}`}` : u.kind;
        const err = bad.get(i);
        if (err === undefined || /Cannot find device|No such file|does not exist|not found/i.test(err)) removed.push(what);
        else failed.push({ what, message: err });
      });
    });
    for (const file of lab.hostsFiles) {
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
    if (failed.length === before) {
      if (lab.stateDir !== null) {
        discardJournal(lab.stateDir, lab.lab);
        const lock = join(lab.stateDir, `${lab.lab}.lock`);
        if (lockHolder(lock) === null) rmSync(lock, { force: true });
      }
      await forgetLab(lab.lab, lab.leaseStore);
      labs.push(lab.lab);
    }
  }
  for (const file of scan.staleFiles) {
    try {
      rmSync(file, { force: true });
      removed.push(`file ${file}`);
    } catch (e) {
      failed.push({ what: `file ${file}`, message: (e as Error).message });
    }
  }
  return { labs, removed, failed };
}

/**
 * Removes every lab whose owning process is gone (and those nothing names but their marks) —
 * `underlay gc --yes` from the SDK, e.g. in a test suite's global setup after a crashed run.
 * Never touches a lab a live process owns, a persistent lab, or one whose `up`/`down` is running.
 *
 * @example
 * ```ts
 * // vitest globalSetup
 * export default async function setup() { await reap({ prefix: "t-" }); }
 * ```
 */
export async function reap(options: ScanOptions & { readonly onEvent?: EventListener } = {}): Promise<ReapResult & { readonly kept: readonly KeptLab[] }> {
  const scan = await scanLabs(options);
  const r = await removeLabs(scan, options.executor === undefined ? {} : { executor: options.executor });
  return { ...r, kept: scan.kept };
}
