/**
 * Executes ops phase by phase through an executor — batched per namespace, namespaces in
 * parallel (bounded) — journaling intent before and completion after every batch, and undoes
 * completed ops newest first when anything fails or the run is aborted.
 * @module
 */
import { UnderlayError } from "../errors.ts";
import type { Executor } from "../executor/types.ts";
import type { ExecResult } from "../executor/types.ts";
import type { Command, Op } from "../plan/types.ts";
import { batchError, batchLine, bounded, chunk, failedBatchLine, forcedFailures, type Chunk } from "./batch.ts";
import type { EventListener } from "./events.ts";
import { alreadyGone, hintFor } from "./hints.ts";
import type { Journal } from "./journal.ts";

/** What apply needs. */
export interface ApplyContext {
  /** Runs commands. */
  readonly executor: Executor;
  /** Journal (null in dry runs). */
  readonly journal: Journal | null;
  /** Progress listener. */
  readonly emit: EventListener;
  /** Aborts between batches. */
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
  /** Milliseconds (a batch's time is shared among its lines). */
  readonly ms: number;
}

/** The chunk as one `ip -batch -` command (what `runMany` takes). */
function asBatch(c: Chunk<Op>): Command {
  return { netns: c.netns, argv: ["ip", "-batch", "-"], input: `${c.items.map(batchLine).join("\n")}\n` };
}

interface Failure {
  readonly op: Op;
  readonly code: number;
  readonly stderr: string;
}

function byPhase<T extends { readonly phase: number }>(ops: readonly T[]): T[][] {
  const phases = new Map<number, T[]>();
  for (const op of ops) {
    const list = phases.get(op.phase);
    if (list === undefined) phases.set(op.phase, [op]);
    else list.push(op);
  }
  return [...phases.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => list);
}

/** Kinds whose steps in one namespace do not depend on each other (each creates its own object). */
const INDEPENDENT_KINDS: ReadonlySet<Op["kind"]> = new Set(["netns-add"]);
/** Below this many independent steps in one namespace, a second process costs more than it saves. */
const SPREAD_MIN = 16;

/**
 * A phase's lanes (one per namespace, each a list of chunks run one after another). A long run of
 * `netns add` steps is cut into `concurrency` contiguous lanes, so that creating many namespaces
 * uses every core instead of one: the kernel sets namespaces up concurrently (about 30% faster
 * with two lanes on two cores). Creating links gains nothing this way (the kernel serializes
 * them), so their batches stay whole.
 */
export function spreadLanes(phase: readonly Op[], concurrency: number): Chunk<Op>[][] {
  const byNs = new Map<string | null, Op[]>();
  for (const op of phase) {
    const list = byNs.get(op.netns);
    if (list === undefined) byNs.set(op.netns, [op]);
    else list.push(op);
  }
  const lanes: Chunk<Op>[][] = [];
  for (const list of byNs.values()) {
    const parts = list.length >= SPREAD_MIN && list.every((o) => INDEPENDENT_KINDS.has(o.kind)) ? Math.max(1, Math.min(concurrency, Math.floor(list.length / (SPREAD_MIN / 2)))) : 1;
    const size = Math.ceil(list.length / parts);
    for (let from = 0; from < list.length; from += size) lanes.push(...chunk(list.slice(from, from + size)));
  }
  return lanes;
}

/**
 * Applies ops in order. On failure or abort, undoes every completed op newest first and throws
 * an `UnderlayError` (`STEP_FAILED`, `ABORTED` or `ROLLBACK_FAILED`) carrying the original error
 * and the rollback outcome. Returns per-op outcomes on success.
 */
export async function applyOps(ops: readonly Op[], ctx: ApplyContext): Promise<OpOutcome[]> {
  const total = ops.length;
  const index = new Map(ops.map((o, i) => [o.id, i + 1]));
  const done: Op[] = [];
  const outcomes = new Map<string, OpOutcome>();
  const run = { failure: null as Failure | null, aborted: false };

  /** Runs one round of chunks (at most one per namespace): through `runMany` when the executor has it. */
  const execRound = async (round: readonly Chunk<Op>[]): Promise<ExecResult[]> => {
    const many = ctx.executor.runMany;
    const ipOnly = round.filter((c) => c.items.every((o) => o.argv[0] === "ip" && o.input === undefined));
    if (many !== undefined && ipOnly.length > 1) {
      const results: ExecResult[] = new Array(round.length);
      const viaMany = round.map((c, i) => ({ c, i })).filter(({ c }) => ipOnly.includes(c));
      const answers = await many.call(ctx.executor, viaMany.map(({ c }) => asBatch(c)), ctx.concurrency);
      viaMany.forEach(({ i }, k) => (results[i] = answers[k] as ExecResult));
      const rest = round.map((c, i) => ({ c, i })).filter(({ c }) => !ipOnly.includes(c));
      const settled = await bounded(rest.map(({ c }) => () => ctx.executor.run(c.command)), ctx.concurrency);
      rest.forEach(({ i }, k) => {
        const r = settled[k];
        results[i] = r?.status === "fulfilled" ? r.value : { code: 1, stdout: "", stderr: String(r?.status === "rejected" ? r.reason : "not run") };
      });
      return results;
    }
    const settled = await bounded(round.map((c) => () => ctx.executor.run(c.command)), ctx.concurrency);
    return settled.map((r) => (r.status === "fulfilled" ? r.value : { code: 1, stdout: "", stderr: r.reason instanceof Error ? r.reason.message : String(r.reason) }));
  };

  /** A namespace deleted a moment ago is cleaned up by the kernel asynchronously; until then its
   * macvlan links still hold their MACs on the parent. Wait for that and retry, briefly. */
  const retryBusyMac = async (c: Chunk<Op>, first: ExecResult): Promise<ExecResult> => {
    let r = first;
    for (let wait = 25; r.code !== 0 && wait <= 1600 && /Address already in use/.test(r.stderr); wait *= 2) {
      const line = c.items.length > 1 ? failedBatchLine(r.stderr) : 1;
      const at = line === null ? 0 : line - 1;
      const op = c.items[at];
      if (op === undefined || (op.kind !== "link-add" && op.kind !== "shim-add" && op.kind !== "link-set")) break;
      await new Promise((res) => setTimeout(res, wait));
      const rest = c.items.slice(at);
      const retry = await ctx.executor.run(asBatch({ ...c, items: rest }));
      r = retry.code === 0 ? retry : { ...retry, stderr: retry.stderr.replace(/Command failed ([^:\n]*):(\d+)/, (_m, f: string, n: string) => `Command failed ${f}:${Number(n) + at}`) };
    }
    return r;
  };

  const settle = (c: Chunk<Op>, r: ExecResult, ms: number): boolean => {
    let ok = c.items;
    let failed: Op | null = null;
    if (r.code !== 0) {
      const line = failedBatchLine(r.stderr) ?? (c.items.length === 1 ? 1 : null);
      const at = line === null ? 0 : line - 1;
      ok = c.items.slice(0, at);
      failed = c.items[at] ?? (c.items[0] as Op);
      run.failure ??= { op: failed, code: r.code, stderr: batchError(r.stderr) || r.stderr.trim() };
    }
    if (ok.length > 0) ctx.journal?.write({ t: "done", ids: ok.map((o) => o.id) });
    for (const op of ok) {
      done.push(op);
      outcomes.set(op.id, { id: op.id, status: "done", ms });
      ctx.emit({ type: "op-done", id: op.id, index: index.get(op.id) ?? 0, total, summary: op.summary, ms });
    }
    if (failed === null) return true;
    // The failed line and those after it never took effect: they leave the journal's intent.
    ctx.journal?.write({ t: "undone", ids: c.items.slice(ok.length).map((o) => o.id) });
    outcomes.set(failed.id, { id: failed.id, status: "failed", ms });
    ctx.emit({ type: "op-failed", id: failed.id, index: index.get(failed.id) ?? 0, total, summary: failed.summary, stderr: r.stderr.trim() });
    return false;
  };

  const stopped = (): boolean => run.failure !== null || run.aborted;

  /** One phase: rounds of chunks (at most one per lane at a time), journaled around each round. */
  const runPhase = async (phase: readonly Op[]): Promise<void> => {
    const lanes = spreadLanes(phase, ctx.concurrency);
    const rounds = Math.max(0, ...lanes.map((l) => l.length));
    for (let k = 0; k < rounds && !stopped(); k++) {
      if (ctx.signal?.aborted) {
        run.aborted = true;
        break;
      }
      const round = lanes.map((l) => l[k]).filter((c): c is Chunk<Op> => c !== undefined);
      const items = round.flatMap((c) => c.items);
      ctx.journal?.intend(items);
      for (const op of items) ctx.emit({ type: "op-start", id: op.id, index: index.get(op.id) ?? 0, total, summary: op.summary, netns: op.netns, argv: op.argv });
      const t0 = performance.now();
      const pending = execRound(round);
      ctx.journal?.prepare(items);
      const answers = await pending;
      const roundMs = (performance.now() - t0) / Math.max(1, items.length);
      for (let i = 0; i < round.length; i++) {
        const c = round[i] as Chunk<Op>;
        const answer = answers[i] as ExecResult;
        const r = await retryBusyMac(c, answer);
        // A step's time: its own process's share when the executor can tell (fan-out), else the round's.
        settle(c, r, answer.ms === undefined ? roundMs : answer.ms / c.items.length);
      }
    }
  };
  for (const phase of byPhase(ops)) {
    if (stopped()) break;
    await runPhase(phase);
  }

  if (run.failure === null && !run.aborted) return ops.map((o) => outcomes.get(o.id) ?? { id: o.id, status: "skipped", ms: 0 });

  const f: Failure | null = run.failure;
  const reason = f === null ? "aborted" : `step ${index.get(f.op.id)}/${total} failed`;
  ctx.emit({ type: "rollback-start", count: done.length, reason });
  const rb = await undoOps(done, ctx, { tolerateMissing: true });
  ctx.emit({ type: "rollback-done", ok: rb.failed.length === 0, failed: rb.failed.map((x) => x.op.id) });
  const rolledBack = rb.failed.length === 0;
  const rbText = rolledBack
    ? `rolled back ${rb.undone.length} completed step${rb.undone.length === 1 ? "" : "s"}; the system is as it was before`
    : `ROLLBACK INCOMPLETE — ${rb.failed.length} undo step(s) failed: ${rb.failed.map((x) => `${x.op.id} (${x.stderr})`).join("; ")} — run \`underlay down\` to retry`;
  if (f === null) {
    throw new UnderlayError("ABORTED", `interrupted; ${rbText}`, { rolledBack });
  }
  const i = index.get(f.op.id) ?? 0;
  const message = `step ${i}/${total} failed: ${f.op.argv.join(" ")}${f.op.netns === null ? "" : ` (in ${f.op.netns})`}: ${f.stderr || `exit code ${f.code}`}${hintFor(f.op.argv, f.stderr)}\n${rbText}`;
  throw new UnderlayError(rolledBack ? "STEP_FAILED" : "ROLLBACK_FAILED", message, {
    step: { id: f.op.id, index: i, total, argv: f.op.argv, netns: f.op.netns, exitCode: f.code, stderr: f.stderr },
    rolledBack,
  });
}

/** Namespace names that need no quoting in an `ip -batch` line. */
const PLAIN_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Deletes owned namespaces given by name, newest phase first: one `ip -force -batch -` of
 * `netns del` lines per phase; a namespace already gone counts as deleted. This is what
 * {@link undoOps} does for namespace steps, without a step object per namespace: a `down` of
 * thousands of endpoints allocates next to nothing, so the runtime's garbage collector finds no
 * reason to run in the middle of it. `op-undone` events are built only for a listener.
 *
 * @example
 * ```ts
 * const { undone, failed } = await deleteNamespaces(localExecutor(), [[3, ["demo-a", "demo-b"]], [0, ["demo-host"]]], null);
 * // undone: ["netns:demo-a", "netns:demo-b", "netns:demo-host"]
 * ```
 */
export async function deleteNamespaces(
  executor: Executor,
  byPhase: readonly (readonly [number, readonly string[]])[],
  listener: EventListener | null,
): Promise<{ readonly undone: string[]; readonly failed: { readonly id: string; readonly stderr: string }[] }> {
  const undone: string[] = [];
  const failed: { id: string; stderr: string }[] = [];
  for (const [, names] of [...byPhase].sort((a, b) => b[0] - a[0])) {
    if (names.length === 0) continue;
    const line = (name: string): string => (PLAIN_NAME.test(name) ? `netns del ${name}` : batchLine({ netns: null, argv: ["ip", "netns", "del", name] }));
    const t0 = performance.now();
    const r = await executor.run({ netns: null, argv: ["ip", "-force", "-batch", "-"], input: `${names.map(line).join("\n")}\n` });
    const ms = (performance.now() - t0) / names.length;
    const bad = forcedFailures(r.stderr, r.code, names.length);
    names.forEach((name, i) => {
      const err = bad.get(i + 1);
      if (err === undefined || alreadyGone(err)) {
        undone.push(`netns:${name}`);
        listener?.({ type: "op-undone", id: `netns:${name}`, summary: `create namespace ${name}`, ms });
      } else {
        failed.push({ id: `netns:${name}`, stderr: err });
      }
    });
  }
  return { undone, failed };
}

/** What undoing a step needs (a plan op, or the journal's record of one). */
export type Undoable = Pick<Op, "id" | "kind" | "phase" | "netns" | "argv" | "undo" | "scope" | "summary">;

/** Outcome of undoing ops. */
export interface UndoResult {
  /** Steps whose effect is gone. */
  readonly undone: Undoable[];
  /** Steps whose undo failed. */
  readonly failed: { op: Undoable; stderr: string }[];
}

/**
 * Undoes ops newest first. Undos covered by deleting an owned namespace are skipped (the kernel
 * releases everything inside it in one batched cleanup, far faster than link-by-link).
 * With `tolerateMissing`, "already gone" answers count as success (teardown after a crash).
 */
export async function undoOps(
  ops: readonly Undoable[],
  ctx: ApplyContext,
  options: { tolerateMissing: boolean },
): Promise<UndoResult> {
  const deleted = new Set(ops.filter((o) => o.kind === "netns-add").map((o) => o.argv[3] as string));
  const covered = (o: Undoable): boolean => (o.scope !== null && deleted.has(o.scope)) || (o.netns !== null && deleted.has(o.netns) && o.kind !== "netns-add");
  const undone: Undoable[] = ops.filter((o) => o.undo === null || covered(o));
  const failed: { op: Undoable; stderr: string }[] = [];
  const phases = byPhase(ops.filter((o) => o.undo !== null && !covered(o))).reverse();
  for (const phase of phases) {
    const steps = [...phase].reverse().map((op) => ({ ...(op.undo as Command), op }));
    // Undo batches are not split: deleting 1,000 namespaces is one process (`-force` goes on past errors).
    const lanes = chunk(steps, Number.POSITIVE_INFINITY);
    await bounded(
      lanes.map((lane) => async () => {
        for (const c of lane) {
          const command: Command = c.items.length > 1 ? { ...c.command, argv: ["ip", "-force", "-batch", "-"] } : c.command;
          const t0 = performance.now();
          const r = await ctx.executor.run(command);
          const ms = (performance.now() - t0) / c.items.length;
          // With -force every failed line is reported; the error text preceding each trailer is its own.
          const bad = forcedFailures(r.stderr, r.code, c.items.length);
          c.items.forEach((item, i) => {
            const err = bad.get(i + 1);
            if (err === undefined || (options.tolerateMissing && alreadyGone(err))) {
              undone.push(item.op);
              ctx.emit({ type: "op-undone", id: item.op.id, summary: item.op.summary, ms });
            } else {
              failed.push({ op: item.op, stderr: err });
            }
          });
        }
      }),
      ctx.concurrency,
    );
  }
  if (undone.length > 0) ctx.journal?.write({ t: "undone", ids: undone.map((o) => o.id) });
  return { undone, failed };
}
