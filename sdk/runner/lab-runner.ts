/**
 * The runner's public operations on a lab: `up` (preflight, converge, apply with rollback,
 * journal, lock, signals, try-with-confirm), `down`, `verify`, `check` and `status`.
 * @module
 */
import { UnderlayError } from "../errors.ts";
import { localExecutor } from "../executor/local.ts";
import type { Executor } from "../executor/types.ts";
import type { Plan } from "../plan/plan.ts";
import type { PlanOptions } from "../plan/planner.ts";
import type { Op, PlanData } from "../plan/types.ts";
import { diffFacts, extras } from "../state/diff.ts";
import { explain } from "../state/facts.ts";
import { observe } from "../state/observe.ts";
import { readsFor } from "../state/reads.ts";
import type { LiveState } from "../state/types.ts";
import type { LabSpec } from "../spec/types.ts";
import { applyOps, deleteNamespaces, undoOps, type ApplyContext, type OpOutcome, type Undoable } from "./apply.ts";
import { bounded } from "./batch.ts";
import { capabilities } from "./capabilities.ts";
import { converge, planHash } from "./converge.ts";
import type { RunEvent } from "./events.ts";
import { discardJournal, openJournal, readOwnership, readTeardown, stepSignature, teardownSteps, type Ownership } from "./journal.ts";
import { lockLab } from "./lock.ts";
import type { CheckOptions, CheckReport, DownOptions, DownResult, DriftItem, ProbeResult, RunOptions, StatusReport, UpOptions, UpResult, VerifyOptions, VerifyReport } from "./options.ts";
import { preflight } from "./preflight.ts";
import { trapSignals } from "./signals.ts";
import { expectedMatrix } from "./reachability.ts";

export type { CheckOptions, CheckReport, DownOptions, DownResult, RunOptions, StatusReport, UpOptions, UpResult, VerifyOptions, VerifyReport } from "./options.ts";

/** What the runner needs of a lab: its spec and a way to plan it. */
export interface Plannable {
  /** Lab name. */
  readonly name: string;
  /** The lab definition. */
  spec(): LabSpec;
  /** Compiles the plan. */
  plan(options?: PlanOptions): Plan;
}

/** Default state directory: `$UNDERLAY_STATE_DIR` or `/run/underlay`. */
export function defaultStateDir(): string {
  return process.env.UNDERLAY_STATE_DIR ?? "/run/underlay";
}

const noop = (): void => {};

let sharedLocal: Executor | null = null;
/** The default executor: one local executor per process, so the kernel is probed once. */
function defaultExecutor(): Executor {
  sharedLocal ??= localExecutor();
  return sharedLocal;
}

/** Parses `"60s"`, `"2m"`, `"500ms"` or a number of ms. */
export function parseDuration(value: string | number): number {
  if (typeof value === "number") return value;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(value.trim());
  if (m === null) throw new UnderlayError("USAGE", `invalid duration ${JSON.stringify(value)} — use e.g. "60s", "2m" or a number of milliseconds`);
  const n = Number(m[1]);
  const unit = m[2] ?? "ms";
  return n * (unit === "h" ? 3_600_000 : unit === "m" ? 60_000 : unit === "s" ? 1000 : 1);
}

async function planFor(lab: Plannable, executor: Executor, extra: PlanOptions = {}): Promise<Plan> {
  const caps = await capabilities(executor);
  return lab.plan({ ...extra, dummy: caps.kinds.dummy, nameInTarget: caps.nameInTarget });
}

function endpointNamespaces(plan: PlanData, owned: Ownership): string[] {
  const names = new Set(plan.endpoints.map((e) => e.netns));
  for (const e of owned.ops) if (e.op.kind === "netns-add" && e.op.argv[3] !== plan.host) names.add(e.op.argv[3] as string);
  return [...names];
}

/**
 * Reads the host namespace, and every endpoint namespace that holds a step the journal cannot
 * vouch for. After a completed run, a step the journal owns with the very same command and fact
 * is trusted without reading its namespace (unless `deep`): re-applying an unchanged lab reads
 * one namespace, and a changed lab reads only the namespaces it changes. `verify` and
 * `up({ deep: true })` read everything.
 */
async function look(
  executor: Executor,
  plan: PlanData,
  owned: Ownership,
  deep: boolean,
  concurrency: number,
  hostRead: Promise<LiveState> = observe(executor, [plan.host], { concurrency }),
): Promise<{ state: LiveState; observed: Set<string | null>; trustFiles: boolean }> {
  const first = await hostRead;
  const vouched = new Map(owned.complete && !deep ? owned.ops.filter((e) => e.done).map((e) => [e.op.id, e.op.sig]) : []);
  const same = (op: Op): boolean => {
    const sig = vouched.get(op.id);
    return sig !== undefined && sig === stepSignature(op);
  };
  const toRead = new Set<string>();
  let trustFiles = false;
  for (const op of plan.ops) {
    if (op.fact.type === "files") {
      trustFiles = same(op);
      continue;
    }
    if (op.fact.type === "netns" || same(op)) continue;
    const ns = op.fact.netns;
    if (ns !== null && ns !== plan.host && first.netns.has(ns)) toRead.add(ns);
  }
  const reads = readsFor(plan.ops.filter((o) => o.fact.type === "files" || (o.fact.type !== "netns" && toRead.has(o.fact.netns as string))).map((o) => o.fact));
  const files = trustFiles ? [] : reads.files;
  const observed = new Set<string | null>([plan.host, ...toRead]);
  // The host namespace is read once (above); only endpoint namespaces and files remain.
  if (toRead.size === 0 && files.length === 0) return { state: first, observed, trustFiles };
  const rest = await observe(executor, [...toRead], { concurrency, files, sysctl: reads.sysctl, netns: first.netns });
  const namespaces = new Map(first.namespaces);
  for (const [ns, s] of rest.namespaces) namespaces.set(ns, s);
  return { state: { netns: first.netns, namespaces, files: rest.files }, observed, trustFiles };
}

/**
 * Applies a lab. See {@link UpOptions}.
 *
 * @example
 * ```ts
 * await using l = await up(demo, { onEvent: console.log });
 * ```
 */
export async function up(lab: Plannable, options: UpOptions = {}): Promise<UpResult> {
  const t0 = performance.now();
  const executor = options.executor ?? defaultExecutor();
  const stateDir = options.stateDir ?? defaultStateDir();
  const emit = options.onEvent ?? noop;
  const concurrency = options.concurrency ?? 2;
  const lock = options.dryRun ? { release: async () => {} } : await lockLab(stateDir, lab.name);
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
    const { state, observed, trustFiles } = await look(executor, data, owned, options.deep ?? false, concurrency, firstRead);
    const conv = converge(data, state, owned, observed, { trustFiles });
    preflight(executor, await capabilities(executor), data, state, conv, owned);
    emit({ type: "start", action: "up", lab: lab.name, total: conv.run.length + conv.remove.length, inPlace: conv.inPlace.length });
    for (const op of conv.foundInPlace) emit({ type: "op-skip", id: op.id, summary: op.summary, reason: "exists already and is not underlay's: left alone" });
    const changed = conv.run.length + conv.remove.length;
    if (options.dryRun || changed === 0) {
      const status = (o: Op): OpOutcome => ({ id: o.id, status: conv.run.includes(o) ? "skipped" : "in-place", ms: 0 });
      outcomes = data.ops.map(status);
      if (changed === 0 && !options.dryRun && !owned.complete) openJournal(stateDir, lab.name).compact(conv.owned, hash);
      emit({ type: "end", action: "up", lab: lab.name, changed: options.dryRun ? changed : 0, ms: performance.now() - t0 });
      return result(lab, plan, options.dryRun ? changed : 0, outcomes, !!options.dryRun, performance.now() - t0, executor, stateDir, [], null);
    }
    const journal = openJournal(stateDir, lab.name);
    const ctx: ApplyContext = { executor, journal, emit, signal: controller.signal, concurrency };
    try {
      journal.write({ t: "begin", at: new Date().toISOString(), pid: process.pid, planHash: hash });
      if (conv.remove.length > 0) {
        const rm = await undoOps(conv.remove, ctx, { tolerateMissing: true });
        if (rm.failed.length > 0) {
          throw new UnderlayError("STEP_FAILED", `could not remove what the changed lab no longer has: ${rm.failed.map((f) => `${f.op.id}: ${f.stderr}`).join("; ")} — nothing new was applied; fix the cause and run up again`);
        }
      }
      const applied = await applyOps(conv.run, ctx);
      ran = conv.run.filter((_, i) => applied[i]?.status === "done");
      const byId = new Map(applied.map((o) => [o.id, o]));
      outcomes = data.ops.map((o) => byId.get(o.id) ?? { id: o.id, status: "in-place", ms: 0 });
      journal.compact(conv.owned, hash);
      journal.close();
    } catch (e) {
      journal.write({ t: "end", ok: false, planHash: hash });
      const after = readOwnership(stateDir, lab.name);
      if (after.ops.length === 0) journal.remove();
      else journal.close();
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
  emit: (e: RunEvent) => void = noop,
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
  const downFn = (o: DownOptions = {}): Promise<DownResult> => down(lab, { executor, stateDir, ...o });
  return {
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
      const ns = o.argv[3] as string;
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
 * Removes exactly what the lab created: the journal's ops, plus objects carrying the lab's
 * ownership mark. Endpoint namespaces are deleted whole; a namespace already gone is fine;
 * what underlay found in place is never removed.
 */
export async function down(lab: Plannable, options: DownOptions = {}): Promise<DownResult> {
  const t0 = performance.now();
  const executor = options.executor ?? defaultExecutor();
  const stateDir = options.stateDir ?? defaultStateDir();
  const emit = options.onEvent ?? noop;
  const concurrency = options.concurrency ?? 2;
  const lock = options.dryRun ? { release: async () => {} } : await lockLab(stateDir, lab.name);
  try {
    // A completed lab has a small teardown list; otherwise replay the journal (and prove by marks).
    const fast = readTeardown(stateDir, lab.name);
    if (fast !== null && fast.steps.length === 0 && !options.dryRun) {
      // The usual case: everything the lab owns lives in namespaces it owns. Delete them by name.
      const count = fast.namespaces.reduce((n, [, names]) => n + names.length, 0);
      emit({ type: "start", action: "down", lab: lab.name, total: count + fast.covered, inPlace: 0 });
      const rb = await deleteNamespaces(executor, fast.namespaces, options.onEvent ?? null);
      if (rb.failed.length > 0) throw teardownFailed(stateDir, lab.name, rb.undone, rb.failed);
      discardJournal(stateDir, lab.name);
      const ms = performance.now() - t0;
      emit({ type: "end", action: "down", lab: lab.name, changed: rb.undone.length + fast.covered, ms });
      return { lab: lab.name, removed: rb.undone.length + fast.covered, ids: rb.undone, ms };
    }
    const owned = fast === null ? readOwnership(stateDir, lab.name) : { ops: teardownSteps(fast).map((op) => ({ op, done: true })), complete: true, planHash: null };
    const covered = fast?.covered ?? 0;
    let ops: Undoable[] = owned.ops.map((e) => e.op);
    if (owned.ops.length === 0 || !owned.complete) {
      const plan = await planFor(lab, executor);
      ops = [...ops, ...(await markedLeftovers(executor, plan.toJSON(), owned, concurrency))];
    }
    emit({ type: "start", action: "down", lab: lab.name, total: ops.length + covered, inPlace: 0 });
    if (options.dryRun || ops.length === 0) {
      if (!options.dryRun && owned.ops.length === 0) openJournal(stateDir, lab.name).remove();
      return { lab: lab.name, removed: options.dryRun ? ops.length + covered : 0, ids: ops.map((o) => o.id), ms: performance.now() - t0 };
    }
    // No journal records while tearing down: on success the journal goes; after a crash half-way,
    // the next down replays it and finds what is left ("already gone" counts as done).
    const rb = await undoOps(ops, { executor, journal: null, emit, concurrency }, { tolerateMissing: true });
    if (rb.failed.length > 0) throw teardownFailed(stateDir, lab.name, rb.undone.map((o) => o.id), rb.failed.map((f) => ({ id: f.op.id, stderr: f.stderr })));
    discardJournal(stateDir, lab.name);
    const ms = performance.now() - t0;
    emit({ type: "end", action: "down", lab: lab.name, changed: rb.undone.length + covered, ms });
    return { lab: lab.name, removed: rb.undone.length + covered, ids: rb.undone.map((o) => o.id), ms };
  } finally {
    await lock.release();
  }
}

/** Reads everything the plan touches and compares; throws `DRIFT` unless clean (or returns the report with `throwOnDrift: false`). */
export async function verify(lab: Plannable, options: VerifyOptions = {}): Promise<VerifyReport> {
  const executor = options.executor ?? defaultExecutor();
  const plan = (await planFor(lab, executor)).toJSON();
  const owned = readOwnership(options.stateDir ?? defaultStateDir(), lab.name);
  const namespaces = [plan.host, ...endpointNamespaces(plan, owned)];
  const reads = readsFor(plan.ops.map((o) => o.fact));
  const state = await observe(executor, namespaces, { concurrency: options.concurrency ?? 2, files: reads.files, sysctl: reads.sysctl });
  // Steps that establish the same fact (a link's create and its rename) are checked once.
  const seen = new Set<string>();
  const facts = plan.ops.map((o) => o.fact).filter((f) => {
    const k = JSON.stringify(f);
    return seen.has(k) ? false : (seen.add(k), true);
  });
  const diff = diffFacts(facts, state);
  const summaryOf = new Map(plan.ops.map((o) => [o.fact, o]));
  const item = (fact: (typeof facts)[number], reason: string): DriftItem => {
    const op = summaryOf.get(fact);
    return { id: op?.id ?? fact.type, summary: op?.summary ?? fact.type, reason };
  };
  const missing = diff.missing.map((f) => item(f, explain(f, state) ?? "missing"));
  const different = diff.different.map((d) => item(d.fact, d.reason));
  const ownedNs = endpointNamespaces(plan, owned).filter((ns) => state.netns.has(ns));
  const extra = extras(state, facts, { mark: plan.mark, namespaces: ownedNs }).map((x): DriftItem => {
    const where = x.netns === null ? "" : ` in ${x.netns}`;
    const what = x.type === "link" ? `link ${x.name}` : x.type === "addr" ? `address ${x.cidr} on ${x.dev}` : `route ${x.dst}${x.dev === undefined ? "" : ` dev ${x.dev}`}`;
    return { id: `${x.type}:${x.netns ?? "-"}:${what}`, summary: `${what}${where}`, reason: "not in the plan" };
  });
  const report: VerifyReport = { lab: lab.name, clean: missing.length + different.length + extra.length === 0, checked: facts.length, missing, different, extra };
  if (!report.clean && options.throwOnDrift !== false) {
    const lines = [...missing.map((m) => `  missing   ${m.summary}: ${m.reason}`), ...different.map((d) => `  different ${d.summary}: ${d.reason}`), ...extra.map((x) => `  extra     ${x.summary}`)];
    throw new UnderlayError("DRIFT", `lab ${lab.name} drifted from its plan (${lines.length} difference${lines.length === 1 ? "" : "s"}) — run \`underlay up\` to converge (from the SDK: \`up({ deep: true })\`, which re-reads every namespace):\n${lines.join("\n")}`, { details: report });
  }
  return report;
}

function matrixTable(probes: readonly ProbeResult[]): string {
  const names = [...new Set(probes.flatMap((p) => [p.from, p.to]))];
  const cell = (from: string, to: string): string => {
    const ps = probes.filter((p) => p.from === from && p.to === to);
    if (ps.length === 0) return "-";
    return ps.map((p) => (p.seen === p.expected ? (p.seen ? "✓" : "·") : "!")).join("");
  };
  const w = Math.max(7, ...names.map((n) => n.length));
  const head = `${"from\\to".padEnd(w + 2)}${names.map((n) => n.padEnd(w + 2)).join("")}`;
  const rows = names.map((a) => `${a.padEnd(w + 2)}${names.map((b) => (a === b ? "" : cell(a, b)).padEnd(w + 2)).join("")}`);
  const bad = probes.filter((p) => p.seen !== p.expected).map((p) => `  ! ${p.from} → ${p.to} ${p.address}: expected ${p.expected ? "reachable" : "unreachable"} (${p.why}), saw ${p.seen ? "reachable" : "unreachable"}`);
  return [head, ...rows, "", "✓ reachable as expected, · unreachable as expected, ! unexpected (one mark per target address)", ...bad].join("\n");
}

/** Pings every other endpoint's addresses from every endpoint (IPv4 and IPv6) and compares with the documents' rules. */
export async function check(lab: Plannable, options: CheckOptions = {}): Promise<CheckReport> {
  const executor = options.executor ?? defaultExecutor();
  const plan = (await planFor(lab, executor)).toJSON();
  const probes = expectedMatrix(plan);
  const wait = String(options.timeout ?? 1);
  const results = await bounded(
    probes.map((p) => async (): Promise<ProbeResult> => {
      const argv = ["ping", ...(p.family === 6 ? ["-6"] : []), "-c", "1", "-W", wait, "-q", p.address];
      const r = await executor.run({ netns: p.netns, argv });
      return { ...p, seen: r.code === 0 };
    }),
    options.parallel ?? 8,
  );
  const seen = results.map((r, i) => (r.status === "fulfilled" ? r.value : { ...(probes[i] as (typeof probes)[number]), seen: false }));
  return { lab: lab.name, ok: seen.every((p) => p.seen === p.expected), probes: seen, table: matrixTable(seen) };
}

/** What is in place, what is missing, what the journal owns. */
export async function status(lab: Plannable, options: RunOptions = {}): Promise<StatusReport> {
  const executor = options.executor ?? defaultExecutor();
  const plan = await planFor(lab, executor);
  const data = plan.toJSON();
  const owned = readOwnership(options.stateDir ?? defaultStateDir(), lab.name);
  const { state, observed, trustFiles } = await look(executor, data, owned, true, options.concurrency ?? 2);
  const conv = converge(data, state, owned, observed, { trustFiles });
  return {
    lab: lab.name,
    up: conv.run.length === 0 && conv.remove.length === 0,
    inPlace: conv.inPlace.length,
    missing: conv.run.map((o) => o.summary),
    owned: owned.ops.length,
    complete: owned.complete,
    foundInPlace: conv.foundInPlace.map((o) => o.summary),
    notes: data.diagnostics.map((d) => `${d.path}: ${d.message}`),
  };
}

/** The runner as one object (what the lab builder delegates to). */
export const runner: {
  readonly up: typeof up;
  readonly down: typeof down;
  readonly verify: typeof verify;
  readonly check: typeof check;
  readonly status: typeof status;
} = Object.freeze({ up, down, verify, check, status });
