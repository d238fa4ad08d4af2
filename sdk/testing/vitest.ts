/**
 * The vitest fixture: `test.extend({ lab: labFixture(build) })` gives every test that uses
 * `lab` its own lab, up before the test and torn down after it — when it passes, fails or times
 * out (vitest runs fixture teardown in each case). `[labFixture(build), { scope: "file" }]`
 * shares one lab among the tests of a file. Typed structurally: importing this module needs no
 * vitest.
 * @module
 */
import { UnderlayError } from "../errors.ts";
import type { UpResult } from "../runner/options.ts";
import { downTestLab, upTestLab, type LabFactory, type TestLabOptions } from "./test-lab.ts";

/** The fixture function vitest calls: context (destructured, as vitest requires), then `use`. */
export type LabFixtureFn = (context: { readonly task?: unknown; readonly signal?: AbortSignal }, use: (lab: UpResult) => Promise<void>) => Promise<void>;

/**
 * A vitest fixture that gives each test (or file) its own lab.
 *
 * @example
 * ```ts
 * import { test as base } from "vitest";
 * import { labFixture } from "underlay/testing";
 * const test = base.extend<{ lab: UpResult }>({
 *   lab: labFixture((name) => lab(name, { host: `${name}-h`, sandbox: true }).endpoint("web", pub).endpoint("cli", pub)),
 * });
 * test("serves", async ({ lab }) => { await lab.spawn("web", argv, { ready: { tcp: 8080 } }); });
 * ```
 */
export function labFixture(build: LabFactory, options: TestLabOptions = {}): LabFixtureFn {
  // vitest reads the first parameter's destructuring pattern to see which fixtures this one
  // needs: it must stay an object pattern.
  return async ({ task, signal }, use) => {
    // vitest aborts the test's signal when the test times out — also while its fixtures are
    // still being set up, when it would no longer take a lab handed to use() down: so `up`
    // follows the signal (rolling back), and a lab that is up by then goes down at once.
    const theirs = options.up?.signal;
    const abort = signal === undefined ? theirs : theirs === undefined ? signal : AbortSignal.any([theirs, signal]);
    const live = await upTestLab(build, abort === undefined ? options : { ...options, up: { ...options.up, signal: abort } });
    if (signal?.aborted === true) {
      await downTestLab(live, options);
      throw new UnderlayError("ABORTED", `the test ended (${String(signal.reason)}) while its lab ${live.lab} came up — the lab is down again`);
    }
    // Which lab a test had, for reporters and for whoever looks at a leftover.
    const meta = (task as { meta?: Record<string, unknown> } | undefined)?.meta;
    if (meta !== undefined) meta.underlayLab = live.lab;
    try {
      await use(live);
    } finally {
      await downTestLab(live, options);
    }
  };
}
