/**
 * A lab's teardown list — what `down` must undo after a completed run, small even for thousands
 * of endpoints — and discarding a lab's files once it owns nothing any more.
 * @module
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { unlink } from "node:fs/promises";
import type { ProcessIdentity } from "../lib/process-identity.ts";
import { netnsAdd } from "../plan/ops/namespace.ts";
import type { Op } from "../plan/ops/types.ts";
import { createdNamespace, ownedStep, type OwnedStep, type Undoable } from "./owned-step.ts";
import { journalPath, teardownPath } from "./state-dir.ts";

/** A lab's teardown list, as {@link readTeardown} returns it. */
export interface Teardown {
  /** Owned namespaces by the phase that created them: deleting them takes everything inside along. */
  readonly namespaces: readonly (readonly [number, readonly string[]])[];
  /** The other owned steps that those deletions do not cover. */
  readonly steps: readonly OwnedStep[];
  /** How many owned steps the namespace deletions take with them. */
  readonly covered: number;
  /** The owning process (`null`: a persistent lab; `undefined`: not recorded). */
  readonly owner: ProcessIdentity | null | undefined;
}

/**
 * What `down` must undo for a lab whose last run completed: the owned namespaces (by name) and
 * the owned steps that deleting them does not already cover. Small even for thousands of
 * endpoints, so `down` need not read the whole journal. `null` when there is no such list (use
 * {@link readOwnership}).
 */
export function readTeardown(stateDir: string, lab: string): Teardown | null {
  try {
    const rec = JSON.parse(readFileSync(teardownPath(stateDir, lab), "utf8")) as TeardownFile;
    if (!Array.isArray(rec.steps) || !Array.isArray(rec.namespaces)) return null;
    return { namespaces: rec.namespaces, steps: rec.steps, covered: rec.covered ?? 0, owner: rec.owner };
  } catch {
    return null;
  }
}

/** A teardown list as owned steps: one namespace step per owned namespace, then the other steps. */
export function teardownSteps(t: Teardown): OwnedStep[] {
  return [...t.namespaces.flatMap(([phase, names]) => names.map((name) => namespaceStep(name, phase))), ...t.steps];
}

/** The teardown file: owned namespaces as plain names per phase (thousands of them stay small), other steps in full. */
interface TeardownFile {
  readonly planHash: string;
  readonly owner?: ProcessIdentity | null;
  readonly covered: number;
  readonly namespaces: readonly (readonly [number, readonly string[]])[];
  readonly steps: readonly OwnedStep[];
}

/** The owned step that created namespace `name` (what teardown needs of it). */
function namespaceStep(name: string, phase: number): OwnedStep {
  const { fact: _fact, ...op } = netnsAdd(name, phase, false);
  return { ...op, sig: "" };
}

/**
 * Deletes a lab's journal and teardown list without opening them (the lab owns nothing any more).
 * Each file is first renamed out of the way (a cheap, atomic step: from then on the lab has no
 * journal), and then unlinked in the background: freeing a just-written journal's pages costs
 * the kernel up to a millisecond, which `down` need not wait for. A pending unlink keeps the
 * process alive until it is done, so nothing is left behind — unless the process is killed
 * first: a test runner stops its worker as soon as a file's last teardown has returned, which
 * is why the test fixtures wait for {@link discardsSettled}.
 *
 * @example
 * ```ts
 * discardJournal("/run/underlay", "demo");
 * ```
 */
export function discardJournal(stateDir: string, lab: string): void {
  for (const path of [teardownPath(stateDir, lab), journalPath(stateDir, lab)]) {
    const gone = `${path}.${process.pid}.gone`;
    try {
      renameSync(path, gone);
    } catch {
      continue; // no such file
    }
    const pending = unlink(gone).catch(() => undefined);
    pendingDiscards.add(pending);
    void pending.finally(() => pendingDiscards.delete(pending));
  }
}

/** Background unlinks of discarded journals that have not finished yet. */
const pendingDiscards = new Set<Promise<void>>();

/**
 * Resolves once every journal this process discarded is unlinked.
 *
 * @example
 * ```ts
 * await lab.down(); await discardsSettled(); // nothing of the lab left in the state directory
 * ```
 */
export async function discardsSettled(): Promise<void> {
  await Promise.all([...pendingDiscards]);
}

/** Owned steps that namespace deletion does not cover (what teardown actually runs). */
export function uncovered<T extends Undoable>(steps: readonly T[]): T[] {
  const owned = new Set(steps.flatMap((o) => createdNamespace(o) ?? []));
  return steps.filter((o) => o.kind === "netns-add" || !((o.scope !== null && owned.has(o.scope)) || (o.netns !== null && owned.has(o.netns))));
}

/**
 * Writes a lab's teardown list for its owned steps (with the compacted journal): the owned
 * namespaces by phase, and the steps their deletion does not cover.
 *
 * @example
 * ```ts
 * writeTeardown("/run/underlay", "demo", owned, hash, currentProcess());
 * ```
 */
export function writeTeardown(stateDir: string, lab: string, owned: readonly Op[], planHash: string, owner: ProcessIdentity | null): void {
  const down = teardownPath(stateDir, lab);
  const steps = uncovered(owned);
  const byPhase = new Map<number, string[]>();
  for (const o of steps) if (o.kind === "netns-add") byPhase.set(o.phase, [...(byPhase.get(o.phase) ?? []), o.name]);
  const file: TeardownFile = {
    planHash,
    owner,
    covered: owned.length - steps.length,
    namespaces: [...byPhase.entries()],
    steps: steps.filter((o) => o.kind !== "netns-add").map((o) => ownedStep(o)),
  };
  writeFileSync(`${down}.tmp`, JSON.stringify(file));
  renameSync(`${down}.tmp`, down);
}
