/**
 * Labs of tests interrupted by SIGINT or SIGTERM (Ctrl-C reaches every process of the run): the
 * worker takes its labs down before it dies, instead of dying with them up.
 *
 * While a test lab is coming up, up, or going down, a handler is installed. On the first signal
 * it waits for the labs coming up (an `up` that has trapped the signal itself rolls back; one
 * that had not yet, completes) and the teardowns already running, takes every lab that is up
 * down (processes in them get a short grace), lets the journals' background unlinks finish, then
 * removes itself and raises the signal again, so the process ends as it would have. Further
 * signals meanwhile — such as the one an interrupted `up` raises again after its rollback — wait
 * for that. Meanwhile every fixture call that would let a test go on (a lab up or down, a lab
 * asked for) waits for the end instead: a runner's worker whose main process has gone exits at
 * its next report (vitest's does), which would cut the teardown short. A process killed outright
 * (SIGKILL) leaves its labs to `underlay gc`.
 * @module
 */
import { discardsSettled } from "../runner/teardown.ts";
import type { UpResult } from "../runner/options.ts";

/** Test labs that are up. */
const labs = new Set<UpResult>();
/** Ups and teardowns of test labs in progress. */
const work = new Set<Promise<unknown>>();
const SIGNALS = ["SIGINT", "SIGTERM"] as const;
/** Longest wait for the labs to go down before the signal is raised again anyway. */
const STOP_WAIT_MS = 15_000;
let stopping = false;
/** What fixture calls wait for once the process is stopping: its end. */
const theEnd = new Promise<never>(() => {});

const busy = (): boolean => labs.size > 0 || work.size > 0;

function install(): void {
  if (!busy() && !stopping) for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  if (!busy() && !stopping) for (const s of SIGNALS) process.off(s, onSignal);
}

function takeDown(live: UpResult): void {
  labs.delete(live);
  const down = live.down({ graceMs: 200 });
  work.add(down);
  void down.catch(() => undefined).finally(() => work.delete(down));
}

function onSignal(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  const raise = (): void => {
    for (const s of SIGNALS) process.off(s, onSignal);
    process.kill(process.pid, signal);
  };
  const timer = setTimeout(raise, STOP_WAIT_MS);
  void (async () => {
    while (busy()) {
      for (const live of [...labs]) takeDown(live);
      await Promise.allSettled([...work]);
    }
    await discardsSettled();
    clearTimeout(timer);
    raise();
  })();
}

/**
 * Brings a test's lab up under watch: an interrupt meanwhile waits for the `up`, then takes the
 * lab down (and this never settles: the process ends).
 *
 * @example
 * ```ts
 * const live = await trackedUp(() => builder.up());
 * ```
 */
export async function trackedUp(start: () => Promise<UpResult>): Promise<UpResult> {
  if (stopping) return theEnd;
  install();
  const up = start();
  work.add(up);
  let live: UpResult;
  try {
    live = await up;
  } catch (e) {
    work.delete(up);
    uninstall();
    if (stopping) return theEnd; // rolled back; the process is about to end
    throw e;
  }
  work.delete(up);
  if (stopping) {
    takeDown(live);
    return theEnd;
  }
  labs.add(live);
  return live;
}

/**
 * Takes a watched lab down with `teardown` (an interrupt meanwhile waits for it rather than
 * starting another), and stops watching it once it is done.
 *
 * @example
 * ```ts
 * const result = await tornDown(live, () => live.down());
 * ```
 */
export async function tornDown<T>(live: UpResult, teardown: () => Promise<T>): Promise<T> {
  if (stopping && !labs.has(live)) return theEnd; // being taken down by the interrupt already
  labs.delete(live);
  const down = teardown();
  work.add(down);
  try {
    const r = await down;
    if (stopping) return theEnd;
    return r;
  } finally {
    work.delete(down);
    uninstall();
  }
}
