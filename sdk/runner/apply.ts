/**
 * Executes ops phase by phase through an executor — in batches per namespace, namespaces side by
 * side — journaling intent before and completion after every round, and undoes completed ops
 * newest first when anything fails or the run is aborted.
 * @module
 */
import { UnderlayError } from "../errors.ts";
import type { BatchOutcome, Executor, StepBatch } from "../executor/types.ts";
import { iproute2 } from "../plan/iproute2.ts";
import type { Op } from "../plan/ops/types.ts";
import { listening, type EventListener } from "./events.ts";
import { alreadyGone, hintFor } from "./hints.ts";
import type { Journal } from "./journal.ts";
import { createdNamespace, type Undoable } from "./owned-step.ts";

/** What apply needs. */
export interface ApplyContext {
  /** Carries out the steps. */
  readonly executor: Executor;
  /** Journal (null in dry runs). */
  readonly journal: Journal | null;
  /** Progress listener. */
  readonly emit: EventListener;
  /** Aborts between rounds. */
  readonly signal?: AbortSignal | undefined;
  /** Parallel namespaces at most (default 2). */
  readonly concurrency: number;
}

/** Outcome of an applied op. */
export interface OpOutcome {
  /** Op id. */
  readonly id: string;
  /** `done`, `in-place` (already true), `failed`, `rolled-back`, `skipped`. */
  readonly status: "done" | "in-place" | "failed" | "rolled-back" | "skipped";
  /** Milliseconds (a batch's time is shared among its steps). */
  readonly ms: number;
}

/** Steps per batch and round at most: a failure, and the time, can be told per slice. */
export const MAX_ROUND_STEPS = 128;
/** Kinds whose steps in one namespace do not depend on each other (each creates its own object). */
const INDEPENDENT_KINDS: ReadonlySet<Op["kind"]> = new Set(["netns-add"]);
/** Below this many independent steps in one namespace, a second lane costs more than it saves. */
const SPREAD_MIN = 16;

function byPhase<T extends { readonly phase: number }>(ops: readonly T[]): T[][] {
  const phases = new Map<number, T[]>();
  for (const op of ops) {
    const list = phases.get(op.phase);
    if (list === undefined) phases.set(op.phase, [op]);
    else list.push(op);
  }
  return [...phases.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => list);
}

/** A lane: one namespace's steps of a phase, run in order, in slices (one slice per round). */
export interface Lane {
  /** The namespace. */
  readonly netns: string | null;
  /** Slices of at most {@link MAX_ROUND_STEPS} ops. */
  readonly slices: readonly (readonly Op[])[];
}

function slices(ops: readonly Op[]): Op[][] {
  const out: Op[][] = [];
  for (let from = 0; from < ops.length; from += MAX_ROUND_STEPS) out.push(ops.slice(from, from + MAX_ROUND_STEPS));
  return out;
}

/**
 * A phase's lanes (one per namespace). A long run of `netns add` steps is cut into `concurrency`
 * contiguous lanes, so that creating many namespaces uses every core instead of one: the kernel
 * sets namespaces up concurrently (about 30% faster with two lanes on two cores). Creating links
 * gains nothing this way (the kernel serializes them), so their lanes stay whole.
 *
 * @example
 * ```ts
 * spreadLanes(namespaceOps, 2).length; // 2 lanes for 1,000 namespaces
 * ```
 */
export function spreadLanes(phase: readonly Op[], concurrency: number): Lane[] {
  const byNs = new Map<string | null, Op[]>();
  for (const op of phase) {
    const list = byNs.get(op.netns);
    if (list === undefined) byNs.set(op.netns, [op]);
    else list.push(op);
  }
  const lanes: Lane[] = [];
  for (const [netns, list] of byNs) {
    const parts = list.length >= SPREAD_MIN && list.every((o) => INDEPENDENT_KINDS.has(o.kind)) ? Math.max(1, Math.min(concurrency, Math.floor(list.length / (SPREAD_MIN / 2)))) : 1;
    const size = Math.ceil(list.length / parts);
    for (let from = 0; from < list.length; from += size) lanes.push({ netns, slices: slices(list.slice(from, from + size)) });
  }
  return lanes;
}

/**
 * The pauses (ms) before each retry of a step whose MAC a just-deleted namespace still holds:
 * every 2 ms for the first 100 ms (the kernel's cleanup of a deleted namespace usually ends
 * within a few tens of milliseconds; pauses doubling from 25 ms made a lab brought up again right
 * after its `down` wait 75 ms for it), then doubling, about 3 s in all.
 */
const BUSY_MAC_WAITS: readonly number[] = [...Array.from({ length: 50 }, () => 2), 100, 200, 400, 800, 1600];

/** Whether a failed step is a macvlan whose MAC a just-deleted namespace still holds (the kernel frees it asynchronously). */
function busyMac(op: Op, message: string): boolean {
  return (op.kind === "link-add" || op.kind === "shim-add" || op.kind === "link-mark" || op.kind === "link-up") && /Address already in use/.test(message);
}

interface Failure {
  readonly op: Op;
  readonly message: string;
}

/**
 * Applies ops in order. On failure or abort, undoes every completed op newest first and throws
 * an `UnderlayError` (`STEP_FAILED`, `ABORTED` or `ROLLBACK_FAILED`) carrying the original error
 * and the rollback outcome. Returns per-op outcomes on success.
 *
 * @example
 * ```ts
 * const outcomes = await applyOps(conv.run, { executor, journal, emit, concurrency: 2 });
 * ```
 */
export async function applyOps(ops: readonly Op[], ctx: ApplyContext): Promise<OpOutcome[]> {
  const total = ops.length;
  const index = new Map(ops.map((o, i) => [o.id, i + 1]));
  const done: Op[] = [];
  const maybe: Op[] = [];
  const outcomes = new Map<string, OpOutcome>();
  const run = { failure: null as Failure | null, aborted: false };
  const loud = listening(ctx.emit);

  /** A namespace deleted a moment ago is cleaned up by the kernel asynchronously; until then its
   * macvlan links still hold their MACs on the parent. Wait for that and retry, briefly. */
  const retryBusyMac = async (batch: StepBatch, first: BatchOutcome): Promise<{ outcome: BatchOutcome; from: number }> => {
    let outcome = first;
    let from = 0;
    for (const wait of BUSY_MAC_WAITS) {
      const f = outcome.failures[0];
      const op = f === undefined ? undefined : (batch.steps[from + f.index] as Op | undefined);
      if (f === undefined || op === undefined || outcome.uncertain === true || !busyMac(op, f.message)) break;
      await new Promise((res) => setTimeout(res, wait));
      from += f.index;
      const [again] = await ctx.executor.apply([{ netns: batch.netns, steps: batch.steps.slice(from) }], { keepGoing: false, concurrency: 1 });
      outcome = again ?? { failures: [{ index: 0, message: "the executor gave no answer" }] };
    }
    return { outcome, from };
  };

  /** Records a batch's outcome; the ids of its completed steps join `doneIds` (journaled once per round). */
  const settle = (slice: readonly Op[], outcome: BatchOutcome, from: number, ms: number, doneIds: string[]): void => {
    const f = outcome.failures[0];
    const at = f === undefined ? slice.length : from + f.index;
    const ok = slice.slice(0, at);
    for (const op of ok) {
      doneIds.push(op.id);
      done.push(op);
      outcomes.set(op.id, { id: op.id, status: "done", ms });
      if (loud) ctx.emit({ type: "op-done", id: op.id, index: index.get(op.id) ?? 0, total, summary: op.summary, ms });
    }
    if (f === undefined) return;
    const failed = slice[at] as Op;
    run.failure ??= { op: failed, message: f.message };
    // The failed step and those after it did not take effect — unless the executor cannot tell
    // which step failed: then they may have, and rollback undoes them too ("already gone" is fine).
    if (outcome.uncertain === true) maybe.push(...slice.slice(at));
    else ctx.journal?.write({ t: "undone", ids: slice.slice(at).map((o) => o.id) });
    outcomes.set(failed.id, { id: failed.id, status: "failed", ms });
    ctx.emit({ type: "op-failed", id: failed.id, index: index.get(failed.id) ?? 0, total, summary: failed.summary, stderr: f.message });
  };

  const stopped = (): boolean => run.failure !== null || run.aborted;

  /** One phase: rounds (the k-th slice of every lane), journaled around each round. */
  const runPhase = async (phase: readonly Op[]): Promise<void> => {
    const lanes = spreadLanes(phase, ctx.concurrency);
    const rounds = Math.max(0, ...lanes.map((l) => l.slices.length));
    for (let k = 0; k < rounds && !stopped(); k++) {
      if (ctx.signal?.aborted) {
        run.aborted = true;
        break;
      }
      const round = lanes.flatMap((l) => (l.slices[k] === undefined ? [] : [{ netns: l.netns, steps: l.slices[k] as readonly Op[] }]));
      const items = round.flatMap((b) => b.steps);
      ctx.journal?.intend(items);
      if (loud) for (const op of items) ctx.emit({ type: "op-start", id: op.id, index: index.get(op.id) ?? 0, total, summary: op.summary, netns: op.netns, argv: iproute2(op).argv });
      const t0 = performance.now();
      const pending = ctx.executor.apply(round, { keepGoing: false, concurrency: ctx.concurrency });
      ctx.journal?.prepare(items);
      const answers = await pending;
      const roundMs = (performance.now() - t0) / Math.max(1, items.length);
      // One "done" record per round (a round's batches all answered by now; a busy MAC's retry
      // below is the only wait, and a crash during it leaves those steps intended, not done —
      // which a later run treats as "may own", as it does after any crash mid-round).
      const doneIds: string[] = [];
      for (let i = 0; i < round.length; i++) {
        const batch = round[i] as { netns: string | null; steps: readonly Op[] };
        const answer = answers[i] ?? { failures: [{ index: 0, message: "the executor gave no answer" }] };
        const { outcome, from } = answer.failures.length === 0 ? { outcome: answer, from: 0 } : await retryBusyMac(batch, answer);
        // A step's time: its own batch's share when the executor can tell, else the round's.
        settle(batch.steps, outcome, from, answer.ms === undefined ? roundMs : answer.ms / batch.steps.length, doneIds);
      }
      if (doneIds.length > 0) ctx.journal?.write({ t: "done", ids: doneIds });
    }
  };
  for (const phase of byPhase(ops)) {
    if (stopped()) break;
    await runPhase(phase);
  }

  if (run.failure === null && !run.aborted) return ops.map((o) => outcomes.get(o.id) ?? { id: o.id, status: "skipped", ms: 0 });

  const f: Failure | null = run.failure;
  const reason = f === null ? "aborted" : `step ${index.get(f.op.id)}/${total} failed`;
  const toUndo = [...done, ...maybe];
  ctx.emit({ type: "rollback-start", count: toUndo.length, reason });
  const rb = await undoOps(toUndo, ctx, { tolerateMissing: true });
  ctx.emit({ type: "rollback-done", ok: rb.failed.length === 0, failed: rb.failed.map((x) => x.op.id) });
  const rolledBack = rb.failed.length === 0;
  const rbText = rolledBack
    ? `rolled back ${rb.undone.length} completed step${rb.undone.length === 1 ? "" : "s"}; the system is as it was before`
    : `ROLLBACK INCOMPLETE — ${rb.failed.length} undo step(s) failed: ${rb.failed.map((x) => `${x.op.id} (${x.stderr})`).join("; ")} — run \`underlay down\` to retry`;
  if (f === null) {
    throw new UnderlayError("ABORTED", `interrupted; ${rbText}`, { rolledBack });
  }
  const i = index.get(f.op.id) ?? 0;
  const command = iproute2(f.op);
  const message = `step ${i}/${total} failed: ${f.op.summary} (${command.argv.join(" ")}${f.op.netns === null ? "" : ` in ${f.op.netns}`}): ${f.message}${hintFor(f.op, f.message)}\n${rbText}`;
  throw new UnderlayError(rolledBack ? "STEP_FAILED" : "ROLLBACK_FAILED", message, {
    step: { id: f.op.id, index: i, total, kind: f.op.kind, summary: f.op.summary, argv: command.argv, netns: f.op.netns, stderr: f.message },
    rolledBack,
  });
}

/** Outcome of undoing steps. */
export interface UndoResult {
  /** Steps whose effect is gone. */
  readonly undone: Undoable[];
  /** Steps whose undo failed. */
  readonly failed: { op: Undoable; stderr: string }[];
}

/**
 * Undoes steps newest first. Undos covered by deleting an owned namespace are skipped (the kernel
 * releases everything inside it in one batched cleanup, far faster than link-by-link).
 * With `tolerateMissing`, "already gone" answers count as success (teardown after a crash).
 *
 * @example
 * ```ts
 * const { undone, failed } = await undoOps(owned, { executor, journal: null, emit, concurrency: 2 }, { tolerateMissing: true });
 * ```
 */
export async function undoOps(ops: readonly Undoable[], ctx: ApplyContext, options: { tolerateMissing: boolean }): Promise<UndoResult> {
  const deleted = new Set(ops.flatMap((o) => createdNamespace(o) ?? []));
  const covered = (o: Undoable): boolean => (o.scope !== null && deleted.has(o.scope)) || (o.netns !== null && deleted.has(o.netns) && o.kind !== "netns-add");
  const undone: Undoable[] = ops.filter((o) => o.undo === null || covered(o));
  const failed: { op: Undoable; stderr: string }[] = [];
  const loud = listening(ctx.emit);
  for (const phase of byPhase(ops.filter((o) => o.undo !== null && !covered(o))).reverse()) {
    const byNs = new Map<string | null, Undoable[]>();
    for (const op of [...phase].reverse()) {
      const ns = op.undo?.netns ?? null;
      const list = byNs.get(ns);
      if (list === undefined) byNs.set(ns, [op]);
      else list.push(op);
    }
    const lanes = [...byNs.entries()];
    const t0 = performance.now();
    const answers = await ctx.executor.apply(
      lanes.map(([netns, list]) => ({ netns, steps: list.map((o) => o.undo as NonNullable<Undoable["undo"]>) })),
      { keepGoing: true, concurrency: ctx.concurrency },
    );
    const elapsed = performance.now() - t0;
    lanes.forEach(([, list], k) => {
      const answer = answers[k];
      const bad = new Map((answer?.failures ?? list.map((_, index) => ({ index, message: "the executor gave no answer" }))).map((x) => [x.index, x.message]));
      const ms = (answer?.ms ?? elapsed) / list.length;
      list.forEach((op, i) => {
        const err = bad.get(i);
        if (err === undefined || (options.tolerateMissing && alreadyGone(err))) {
          undone.push(op);
          if (loud) ctx.emit({ type: "op-undone", id: op.id, summary: op.summary, ms });
        } else {
          failed.push({ op, stderr: err });
        }
      });
    });
  }
  if (undone.length > 0) ctx.journal?.write({ t: "undone", ids: undone.map((o) => o.id) });
  return { undone, failed };
}
