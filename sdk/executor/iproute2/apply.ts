/**
 * Carries out typed steps with iproute2: each step rendered to its command (`plan/iproute2.ts`),
 * a batch's consecutive `ip` commands packed into `ip -batch -` processes, batches of different
 * namespaces run side by side — through the executor's `runMany` fan-out where it has one — and
 * each answer read back to the step that failed.
 * @module
 */
import { settleLimit } from "../../lib/map-limit.ts";
import { iproute2 } from "../../plan/iproute2.ts";
import type { ApplyOptions, BatchOutcome, Command, CommandRunner, ExecResult, StepBatch, StepError } from "../types.ts";
import { batchError, failedBatchLine, forcedFailures, inferFailedLine, MAX_BATCH_LINES, pack, type Chunk } from "./batch-lines.ts";

interface Indexed extends Command {
  /** Position of the step in its batch. */
  readonly at: number;
}

interface Progress {
  readonly chunks: readonly Chunk<Indexed>[];
  next: number;
  readonly failures: StepError[];
  uncertain: boolean;
  ms: number;
}

function isBatch(c: Command): boolean {
  return c.argv[0] === "ip" && c.argv.includes("-batch");
}

/** The failures a chunk's answer reports, with `uncertain` when iproute2 named no line. */
export function readAnswer(c: Chunk<Indexed>, r: ExecResult, keepGoing: boolean): { failures: StepError[]; uncertain: boolean } {
  if (r.code === 0) return { failures: [], uncertain: false };
  const first = c.items[0] as Indexed;
  const whole = r.stderr.trim() || (r.signal === undefined ? `exit code ${r.code}` : `killed by ${r.signal}`);
  // A process killed by a signal may have carried out its step (or a batch's lines up to any
  // point) just before: every step of the chunk may have taken effect.
  if (r.signal !== undefined) return { failures: c.items.map((i) => ({ index: i.at, message: whole })).slice(0, keepGoing ? undefined : 1), uncertain: true };
  if (c.items.length === 1) return { failures: [{ index: first.at, message: whole }], uncertain: false };
  const named = failedBatchLine(r.stderr);
  if (named !== null) {
    if (!keepGoing) return { failures: [{ index: (c.items[named - 1] ?? first).at, message: batchError(r.stderr) || whole }], uncertain: false };
    const bad = forcedFailures(r.stderr, r.code, c.items.length);
    return { failures: [...bad].map(([line, message]) => ({ index: (c.items[line - 1] ?? first).at, message })), uncertain: false };
  }
  // iproute2 ended without naming a line: an argument it could not parse stops the whole process
  // (lines before it ran, lines after it did not). Find the line the message quotes.
  const guess = inferFailedLine(r.stderr, c.items.map((i) => i.argv.slice(1)));
  const at = guess ?? 0;
  const failed = c.items[at] as Indexed;
  if (!keepGoing) return { failures: [{ index: failed.at, message: whole }], uncertain: true };
  const after = c.items.slice(at + 1).map((i) => ({ index: i.at, message: `not run: ip stopped at an earlier line (${whole})` }));
  return { failures: [{ index: failed.at, message: whole }, ...after], uncertain: true };
}

/** Runs one round of chunks (at most one per batch): `ip -batch` ones through `runMany` when there are several. */
async function runRound(exec: CommandRunner, round: readonly Chunk<Indexed>[], concurrency: number): Promise<ExecResult[]> {
  const results: ExecResult[] = new Array(round.length);
  const viaMany = exec.runMany !== undefined ? round.flatMap((c, i) => (isBatch(c.command) ? [i] : [])) : [];
  const direct = round.map((_, i) => i).filter((i) => viaMany.length < 2 || !viaMany.includes(i));
  const [many, settled] = await Promise.all([
    viaMany.length >= 2 && exec.runMany !== undefined ? exec.runMany(viaMany.map((i) => (round[i] as Chunk<Indexed>).command), concurrency) : Promise.resolve([]),
    settleLimit(direct, concurrency, (i) => exec.run((round[i] as Chunk<Indexed>).command)),
  ]);
  if (viaMany.length >= 2) viaMany.forEach((i, k) => (results[i] = many[k] as ExecResult));
  direct.forEach((i, k) => {
    const s = settled[k] as PromiseSettledResult<ExecResult>;
    results[i] = s.status === "fulfilled" ? s.value : { code: 1, stdout: "", stderr: s.reason instanceof Error ? s.reason.message : String(s.reason) };
  });
  return results;
}

/**
 * Carries out batches of steps through a program runner (what the local, qemu and recording
 * executors do with `apply`). Without `keepGoing` a batch stops at its first failed step.
 *
 * @example
 * ```ts
 * const [outcome] = await applyWithIproute2(executor, [{ netns: "demo-web", steps: [linkUp("demo-web", "lo", 6, "demo-web")] }], { keepGoing: false, concurrency: 2 });
 * outcome.failures; // []
 * ```
 */
export async function applyWithIproute2(exec: CommandRunner, batches: readonly StepBatch[], options: ApplyOptions): Promise<BatchOutcome[]> {
  const progress: Progress[] = batches.map((b) => ({
    // Teardown batches are never split (deleting 1,000 namespaces is one `ip -force -batch` process).
    chunks: pack(b.netns, b.steps.map((s, at): Indexed => ({ ...iproute2(s), at })), options.keepGoing, options.keepGoing ? Number.POSITIVE_INFINITY : MAX_BATCH_LINES),
    next: 0,
    failures: [],
    uncertain: false,
    ms: 0,
  }));
  for (;;) {
    const active = progress.filter((p) => p.next < p.chunks.length && (options.keepGoing || p.failures.length === 0));
    if (active.length === 0) break;
    const round = active.map((p) => p.chunks[p.next++] as Chunk<Indexed>);
    const t0 = performance.now();
    const answers = await runRound(exec, round, options.concurrency);
    const share = (performance.now() - t0) / Math.max(1, round.length);
    active.forEach((p, i) => {
      const r = answers[i] as ExecResult;
      const read = readAnswer(round[i] as Chunk<Indexed>, r, options.keepGoing);
      p.failures.push(...read.failures);
      p.uncertain ||= read.uncertain;
      p.ms += r.ms ?? share;
    });
  }
  return progress.map((p) => (p.uncertain ? { failures: p.failures, uncertain: true, ms: p.ms } : { failures: p.failures, ms: p.ms }));
}
