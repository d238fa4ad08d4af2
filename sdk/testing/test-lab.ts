/**
 * One lab for one test (or one file): a fresh unique name, the lab built for it, brought up, and
 * taken down — the part that the vitest fixture and the hook helpers share.
 * @module
 */
import { lab, type LabBuilder } from "../builder/lab.ts";
import type { LabSpec } from "../spec/types.ts";
import type { DownOptions, DownResult, UpOptions, UpResult } from "../runner/options.ts";
import { tornDown, trackedUp } from "./interrupts.ts";
import { checkEndpointNames, testLabName, type LabNameOptions } from "./names.ts";
import { UnderlayError } from "../errors.ts";
import { discardsSettled } from "../runner/teardown.ts";

/** What a lab factory returns: a lab (a `LabBuilder`, or anything with its name, spec and `up`). */
export interface TestLabBuilder {
  /** The lab's name (must be the name the factory was given). */
  readonly name: string;
  /** The lab definition. */
  spec(): LabSpec;
  /** Brings it up. */
  up(options?: UpOptions): Promise<UpResult>;
}

/** Builds the lab of a test from the name it must have, e.g. `(name) => lab(name, { host: \`${name}-h\`, sandbox: true }).endpoint("web", pub)`. */
export type LabFactory = (name: string) => TestLabBuilder;

/** Options of the test-lab helpers. */
export interface TestLabOptions extends LabNameOptions {
  /** Options of `up` (executor, stateDir, …). */
  readonly up?: UpOptions;
  /** Options of `down` (graceMs, …). */
  readonly down?: DownOptions;
}

/**
 * Builds a test's lab under a fresh name and brings it up. Until {@link downTestLab}, a SIGINT
 * or SIGTERM takes it down before the process ends (see `interrupts.ts`).
 *
 * @example
 * ```ts
 * const live = await upTestLab((name) => lab(name, { host: `${name}-h`, sandbox: true }).endpoint("web", pub));
 * try { … } finally { await downTestLab(live); }
 * ```
 */
export async function upTestLab(build: LabFactory, options: TestLabOptions = {}): Promise<UpResult> {
  const name = testLabName(options);
  const builder = build(name);
  if (builder.name !== name) {
    throw new UnderlayError("USAGE", `the lab factory must name its lab with the name it is given (${name}) but returned a lab named ${JSON.stringify(builder.name)} — write (name) => lab(name, …)`);
  }
  checkEndpointNames(name, builder.spec().endpoints);
  return trackedUp(() => builder.up(options.up));
}

/**
 * Takes a test's lab down (forwards closed, processes in its namespaces stopped, everything it
 * created removed).
 *
 * @example
 * ```ts
 * await downTestLab(live, { down: { graceMs: 500 } });
 * ```
 */
export async function downTestLab(live: UpResult, options: TestLabOptions = {}): Promise<DownResult> {
  const r = await tornDown(live, () => live.down(options.down));
  // The runner may stop its worker as soon as a file's last teardown returns: let the journal's
  // background unlink finish first, or its renamed file would stay in the state directory.
  await discardsSettled();
  return r;
}

/**
 * A sandboxed lab named `name` with its host namespace `<name>-h`: what a test's lab usually is
 * (nothing outside its own namespaces is touched).
 *
 * @example
 * ```ts
 * labFixture((name) => sandboxLab(name).endpoint("web", pub).endpoint("cli", pub));
 * ```
 */
export function sandboxLab(name: string): LabBuilder {
  return lab(name, { host: `${name}-h`, sandbox: true });
}
