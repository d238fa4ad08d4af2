/**
 * `up`: preflight, converge, apply with rollback, journal, lock, signals, try-with-confirm.
 * @module
 */
import { UnderlayError } from "../errors.ts";
import type { Executor } from "../executor/types.ts";
import { liveLab } from "../live/live-lab.ts";
import type { Plan } from "../plan/plan.ts";
import type { Op } from "../plan/types.ts";
import { observe } from "../state/observe.ts";
import type { LiveState } from "../state/types.ts";
import { applyOps, undoOps, type ApplyContext, type OpOutcome } from "./apply.ts";
import { alreadyGone } from "./hints.ts";
import { capabilities } from "./capabilities.ts";
import { noop, parseDuration, planFor, startRun, type Plannable } from "./context.ts";
import { convergeExtras, type ExtraRemoval } from "./extras.ts";
import { converge, planHash } from "./converge.ts";
import { down } from "./down.ts";
import { silent, type RunEvent } from "./events.ts";
import { openJournal, readOwnership } from "./journal.ts";
import { forgetLab, inUse, otherLiveOwner, sameOwner, writeLabRecord } from "./registry.ts";
import { currentProcess } from "../lib/process-identity.ts";
import { lockLab } from "./lock.ts";
import { look } from "./look.ts";
import type { DownOptions, DownResult, UpOptions, UpResult } from "./options.ts";
import { preflight } from "./preflight.ts";
import { trapSignals } from "./signals.ts";

/**
 * Applies a lab. See {@link UpOptions}.
 *
 * @example
 * ```ts
 * await using l = await up(demo, { onEvent: console.log });
 * ```
 */
export async function up(lab: Plannable, options: UpOptions = {}): Promise<UpResult> {
  const { t0, executor, stateDir, emit, concurrency, lock } = await startRun(lab, options);
  // Under the lock, the host namespace is read while the plan compiles: the read is a child
  // process, planning is pure computation, so one waits for the other no longer.
  let hostRead: Promise<LiveState> | null = null;
  let plan: Plan;
  try {
    hostRead = observe(executor, [lab.spec().host], { concurrency });
    hostRead.catch(() => undefined); // awaited (and its error thrown) in look()
    plan = await planFor(lab, executor, options.hostsFiles === false ? { hostsFiles: false } : {});
  } catch (e) {
    await hostRead?.catch(() => undefined);
    await lock.release();
    throw e;
  }
  const firstRead = hostRead;
  const data = plan.toJSON();
  const hash = planHash(data);
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onOuterAbort);
  if (options.signal?.aborted) controller.abort(options.signal.reason);
  const signals = trapSignals(controller, options.handleSignals !== false && !options.dryRun);
  let outcomes: OpOutcome[] = [];
  let ran: Op[] = [];
  try {
    const owned = readOwnership(stateDir, lab.name);
    const other = options.dryRun ? null : otherLiveOwner(lab.name, owned.owner);
    if (other !== null) throw inUse(lab.name, other, "bring it up");
    const owner = options.persist === true ? null : currentProcess();
    const record = (): void => writeLabRecord({ lab: lab.name, stateDir, owner, leaseStore: lab.spec().leases?.store ?? null, at: new Date().toISOString() });
    const { state, observed, trustFiles } = await look(executor, data, owned, options.deep ?? false, concurrency, firstRead);
    const conv = converge(data, state, owned, observed, { trustFiles });
    preflight(executor, await capabilities(executor), data, state, conv, owned);
    // What the lab owns but the plan does not have, in the namespaces that were read and stay.
    const removals = convergeExtras(data, state, observed, owned, conv);
    emit({ type: "start", action: "up", lab: lab.name, total: conv.run.length + conv.remove.length + removals.length, inPlace: conv.inPlace.length });
    for (const op of conv.foundInPlace) emit({ type: "op-skip", id: op.id, summary: op.summary, reason: "exists already and is not underlay's: left alone" });
    const changed = conv.run.length + conv.remove.length + removals.length;
    if (options.dryRun || changed === 0) {
      const status = (o: Op): OpOutcome => ({ id: o.id, status: conv.run.includes(o) ? "skipped" : "in-place", ms: 0 });
      outcomes = data.ops.map(status);
      if (changed === 0 && !options.dryRun) {
        // Already up: this run still decides who owns it (this process, or nobody for a persistent lab).
        if (!owned.complete || !sameOwner(owned.owner, owner)) openJournal(stateDir, lab.name).compact(conv.owned, hash, owner);
        record();
      }
      emit({ type: "end", action: "up", lab: lab.name, changed: options.dryRun ? changed : 0, ms: performance.now() - t0 });
      return result(lab, plan, options.dryRun ? changed : 0, outcomes, !!options.dryRun, performance.now() - t0, executor, stateDir, [], null);
    }
    const journal = openJournal(stateDir, lab.name);
    const ctx: ApplyContext = { executor, journal, emit, signal: controller.signal, concurrency };
    try {
      journal.write({ t: "begin", at: new Date().toISOString(), pid: process.pid, planHash: hash, owner });
      record();
      if (conv.remove.length > 0) {
        const rm = await undoOps(conv.remove, ctx, { tolerateMissing: true });
        if (rm.failed.length > 0) {
          throw new UnderlayError("STEP_FAILED", `could not remove what the changed lab no longer has: ${rm.failed.map((f) => `${f.op.id}: ${f.stderr}`).join("; ")} — nothing new was applied; fix the cause and run up again`);
        }
      }
      await removeExtras(removals, ctx);
      const applied = await applyOps(conv.run, ctx);
      ran = conv.run.filter((_, i) => applied[i]?.status === "done");
      const byId = new Map(applied.map((o) => [o.id, o]));
      outcomes = data.ops.map((o) => byId.get(o.id) ?? { id: o.id, status: "in-place", ms: 0 });
      journal.compact(conv.owned, hash, owner);
      journal.close();
    } catch (e) {
      journal.write({ t: "end", ok: false, planHash: hash });
      const after = readOwnership(stateDir, lab.name);
      if (after.ops.length === 0) {
        // Nothing of the lab is left: it is not up, its record and its leases go.
        journal.remove();
        await forgetLab(lab.name, lab.spec().leases?.store ?? null);
      } else journal.close();
      throw e;
    }
    const ms = performance.now() - t0;
    emit({ type: "end", action: "up", lab: lab.name, changed, ms });
    const confirmMs = options.confirmWithin === undefined ? null : parseDuration(options.confirmWithin);
    return result(lab, plan, changed, outcomes, false, ms, executor, stateDir, ran, confirmMs, emit);
  } finally {
    await lock.release();
    signals.remove();
    options.signal?.removeEventListener("abort", onOuterAbort);
    const sig = signals.caught();
    if (sig !== null) process.kill(process.pid, sig);
  }
}

/** Removes what the lab has and the plan does not (see `extras.ts`); "already gone" is fine. */
async function removeExtras(removals: readonly ExtraRemoval[], ctx: ApplyContext): Promise<void> {
  if (removals.length === 0) return;
  const byNs = new Map<string | null, ExtraRemoval[]>();
  for (const r of removals) {
    const list = byNs.get(r.undo.netns);
    if (list === undefined) byNs.set(r.undo.netns, [r]);
    else list.push(r);
  }
  const lanes = [...byNs.values()];
  const t0 = performance.now();
  const answers = await ctx.executor.apply(lanes.map((list) => ({ netns: list[0]?.undo.netns ?? null, steps: list.map((r) => r.undo) })), { keepGoing: true, concurrency: ctx.concurrency });
  const ms = (performance.now() - t0) / removals.length;
  const failed: string[] = [];
  lanes.forEach((list, k) => {
    const bad = new Map((answers[k]?.failures ?? []).map((f) => [f.index, f.message]));
    list.forEach((r, i) => {
      const err = bad.get(i);
      if (err !== undefined && !alreadyGone(err)) failed.push(`${r.what}: ${err}`);
      else ctx.emit({ type: "op-undone", id: `extra:${r.what}`, summary: `remove ${r.what} (not in the plan)`, ms });
    });
  });
  if (failed.length > 0) throw new UnderlayError("STEP_FAILED", `could not remove what the lab has and the plan does not: ${failed.join("; ")} — nothing new was applied; fix the cause and run up again`);
}

function result(
  lab: Plannable,
  plan: Plan,
  changed: number,
  ops: readonly OpOutcome[],
  dryRun: boolean,
  ms: number,
  executor: Executor,
  stateDir: string,
  ran: readonly Op[],
  confirmMs: number | null,
  emit: (e: RunEvent) => void = silent,
): UpResult {
  let settle: (reverted: boolean) => void = noop;
  const settled = new Promise<boolean>((r) => (settle = r));
  let timer: ReturnType<typeof setTimeout> | null = null;
  if (confirmMs !== null && ran.length > 0) {
    timer = setTimeout(async () => {
      timer = null;
      const lock = await lockLab(stateDir, lab.name);
      try {
        emit({ type: "rollback-start", count: ran.length, reason: `not confirmed within ${confirmMs} ms` });
        const journal = openJournal(stateDir, lab.name);
        const rb = await undoOps(ran, { executor, journal, emit, concurrency: 2 }, { tolerateMissing: true });
        emit({ type: "rollback-done", ok: rb.failed.length === 0, failed: rb.failed.map((f) => f.op.id) });
        const left = readOwnership(stateDir, lab.name);
        if (left.ops.length === 0) journal.remove();
        else journal.close();
      } finally {
        await lock.release();
        settle(true);
      }
    }, confirmMs);
  } else {
    settle(false);
  }
  // The lab as tests use it: endpoints, programs in them, forwards. Teardown closes the
  // forwards, then `down` stops whatever still runs in the namespaces.
  const live = liveLab(lab.name, plan.endpoints, executor);
  const downFn = async (o: DownOptions = {}): Promise<DownResult> => {
    await live.close();
    return down(lab, { executor, stateDir, ...o });
  };
  return {
    endpoint: live.endpoint,
    exec: live.exec,
    spawn: live.spawn,
    forward: live.forward,
    lab: lab.name,
    changed,
    ops,
    endpoints: plan.endpoints,
    plan,
    dryRun,
    ms,
    settled,
    confirm(): void {
      if (timer !== null) {
        clearTimeout(timer);
        timer = null;
        settle(false);
      }
    },
    down: downFn,
    async [Symbol.asyncDispose](): Promise<void> {
      if (timer !== null) clearTimeout(timer);
      if (!dryRun) await downFn();
    },
  };
}

