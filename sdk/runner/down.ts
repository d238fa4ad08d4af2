/**
 * `down`: removes exactly what the lab created, from its teardown list, its journal, or — when
 * those are gone — its ownership marks.
 * @module
 */
import { UnderlayError } from "../errors.ts";
import type { Executor } from "../executor/types.ts";
import type { Op, PlanData } from "../plan/types.ts";
import { observe } from "../state/observe.ts";
import { undoOps } from "./apply.ts";
import { deleteNamespaces } from "./delete-namespaces.ts";
import { stopLabProcesses } from "./stop-processes.ts";
import { planFor, startRun, type Plannable } from "./context.ts";
import { crossingLinks } from "./crossing-links.ts";
import { openJournal, readOwnership, type Ownership } from "./journal.ts";
import { createdNamespace, type Undoable } from "./owned-step.ts";
import { discardJournal, readTeardown, teardownSteps } from "./teardown.ts";
import { forgetLab, inUse, otherLiveOwner, readLabRecord } from "./registry.ts";
import type { DownOptions, DownResult } from "./options.ts";

/** Ops that prove ownership by mark when the journal cannot (lost state dir, crash before any journal write). */
async function markedLeftovers(executor: Executor, plan: PlanData, owned: Ownership, concurrency: number): Promise<Op[]> {
  const known = new Set(owned.ops.map((e) => e.op.id));
  const candidates = plan.ops.filter((o) => !known.has(o.id) && (o.kind === "netns-add" || o.kind === "parent-add" || o.kind === "shim-add" || o.kind === "vlan-ensure" || o.kind === "hosts-file"));
  if (candidates.length === 0) return [];
  const first = await observe(executor, [plan.host], { concurrency });
  const present = plan.endpoints.map((e) => e.netns).filter((ns) => first.netns.has(ns) && !known.has(`netns:${ns}`));
  const inside = present.length === 0 ? first : await observe(executor, present, { concurrency });
  const marked = (ns: string | null, name?: string): boolean =>
    ((ns === plan.host ? first : inside).namespaces.get(ns)?.links ?? []).some((l) => l.alias === plan.mark && (name === undefined || l.name === name));
  const out: Op[] = [];
  for (const o of candidates) {
    if (o.kind === "netns-add") {
      const ns = o.name;
      if (ns === plan.host) {
        if (plan.sandbox && first.netns.has(ns) && marked(ns)) out.push(o);
      } else if (present.includes(ns) && marked(ns)) out.push(o);
    } else if (o.kind === "hosts-file") {
      if (out.some((x) => x.kind === "netns-add")) out.push(o);
    } else if (o.fact.type === "link" && marked(o.fact.netns, o.fact.name)) {
      out.push(o);
    }
  }
  return out;
}

/** Journals what a failed `down` did remove, and the error naming what it left. */
function teardownFailed(stateDir: string, lab: string, undone: readonly string[], failed: readonly { readonly id: string; readonly stderr: string }[]): UnderlayError {
  const journal = openJournal(stateDir, lab);
  if (undone.length > 0) journal.write({ t: "undone", ids: [...undone] });
  journal.close();
  return new UnderlayError("ROLLBACK_FAILED", `down of lab ${lab} left ${failed.length} object(s): ${failed.map((f) => `${f.id} (${f.stderr})`).join("; ")} — fix the cause and run down again`, { rolledBack: false });
}

/**
 * Refuses (`PREFLIGHT`, nothing changed) when deleting the lab's namespaces would destroy a link
 * outside them — a veth someone connected to an endpoint — unless `force`.
 */
async function refuseCrossing(executor: Executor, lab: Plannable, owned: readonly string[], force: boolean): Promise<void> {
  if (force || owned.length === 0) return;
  const host = lab.spec().host;
  const crossing = await crossingLinks(executor, owned, host === null ? [null] : [null, host]);
  if (crossing.length === 0) return;
  const lines = crossing.map((c) => `  - ${c.kind} ${c.name} in ${c.netns === null ? "the caller's namespace" : `namespace ${c.netns}`}: its other end is in ${c.into}, and deleting ${c.into} destroys both ends`);
  throw new UnderlayError("PREFLIGHT", `down of lab ${lab.name} would destroy ${crossing.length} link${crossing.length === 1 ? "" : "s"} that ${crossing.length === 1 ? "is" : "are"} not the lab's — nothing was changed:\n${lines.join("\n")}\nMove or delete ${crossing.length === 1 ? "it" : "them"} first, or pass force (\`underlay down --force\`) to destroy ${crossing.length === 1 ? "it" : "them"} with the lab.`, { details: { crossing } });
}

/**
 * Removes exactly what the lab created: the journal's ops, plus objects carrying the lab's
 * ownership mark. Endpoint namespaces are deleted whole; a namespace already gone is fine;
 * what underlay found in place is never removed.
 */
export async function down(lab: Plannable, options: DownOptions = {}): Promise<DownResult> {
  const { t0, executor, stateDir, emit, concurrency, lock } = await startRun(lab, options);
  try {
    // A completed lab has a small teardown list; otherwise replay the journal (and prove by marks).
    const fast = readTeardown(stateDir, lab.name);
    const record = readLabRecord(lab.name);
    if (!options.dryRun && options.force !== true) {
      const other = otherLiveOwner(lab.name, fast !== null ? fast.owner : readOwnership(stateDir, lab.name).owner);
      if (other !== null) throw inUse(lab.name, other, "tear it down (pass force to do it anyway)");
    }
    const leases = record?.leaseStore ?? lab.spec().leases?.store ?? null;
    if (fast !== null && fast.steps.length === 0 && !options.dryRun) {
      // The usual case: everything the lab owns lives in namespaces it owns. Delete them by name.
      const count = fast.namespaces.reduce((n, [, names]) => n + names.length, 0);
      await refuseCrossing(executor, lab, fast.namespaces.flatMap(([, names]) => names), options.force === true);
      emit({ type: "start", action: "down", lab: lab.name, total: count + fast.covered, inPlace: 0 });
      const stopped = await stopLabProcesses(executor, fast.namespaces.flatMap(([, names]) => names), options.graceMs);
      const rb = await deleteNamespaces(executor, fast.namespaces, options.onEvent ?? null);
      if (rb.failed.length > 0) throw teardownFailed(stateDir, lab.name, rb.undone, rb.failed);
      discardJournal(stateDir, lab.name);
      await forgetLab(lab.name, leases);
      const ms = performance.now() - t0;
      emit({ type: "end", action: "down", lab: lab.name, changed: rb.undone.length + fast.covered, ms });
      return { lab: lab.name, removed: rb.undone.length + fast.covered, ids: rb.undone, stopped, ms };
    }
    const owned: Ownership = fast === null ? readOwnership(stateDir, lab.name) : { ops: teardownSteps(fast).map((op) => ({ op, done: true })), complete: true, planHash: null, owner: fast.owner };
    const covered = fast?.covered ?? 0;
    let ops: Undoable[] = owned.ops.map((e) => e.op);
    if (owned.ops.length === 0 || !owned.complete) {
      const plan = await planFor(lab, executor);
      ops = [...ops, ...(await markedLeftovers(executor, plan.toJSON(), owned, concurrency))];
    }
    emit({ type: "start", action: "down", lab: lab.name, total: ops.length + covered, inPlace: 0 });
    if (options.dryRun || ops.length === 0) {
      if (!options.dryRun && owned.ops.length === 0) {
        openJournal(stateDir, lab.name).remove();
        await forgetLab(lab.name, leases);
      }
      return { lab: lab.name, removed: options.dryRun ? ops.length + covered : 0, ids: ops.map((o) => o.id), stopped: [], ms: performance.now() - t0 };
    }
    const owns = ops.flatMap((o) => createdNamespace(o) ?? []);
    await refuseCrossing(executor, lab, owns, options.force === true);
    const stopped = await stopLabProcesses(executor, owns, options.graceMs);
    // No journal records while tearing down: on success the journal goes; after a crash half-way,
    // the next down replays it and finds what is left ("already gone" counts as done).
    const rb = await undoOps(ops, { executor, journal: null, emit, concurrency }, { tolerateMissing: true });
    if (rb.failed.length > 0) throw teardownFailed(stateDir, lab.name, rb.undone.map((o) => o.id), rb.failed.map((f) => ({ id: f.op.id, stderr: f.stderr })));
    discardJournal(stateDir, lab.name);
    await forgetLab(lab.name, leases);
    const ms = performance.now() - t0;
    emit({ type: "end", action: "down", lab: lab.name, changed: rb.undone.length + covered, ms });
    return { lab: lab.name, removed: rb.undone.length + covered, ids: rb.undone.map((o) => o.id), stopped, ms };
  } finally {
    await lock.release();
  }
}

