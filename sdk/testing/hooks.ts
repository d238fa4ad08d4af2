/**
 * Per-test and per-file labs through a test runner's hooks — `bun:test`'s, or vitest's (the same
 * shape) — for runners without fixtures:
 *
 * * `useLab({ beforeEach, afterEach }, build)` → a getter for the current test's lab;
 *   `useLab({ beforeAll, afterAll }, build)` → one lab for the file.
 * * `labTest({ test, afterEach }, build)` → a `test` whose function receives `{ lab }`, like
 *   the vitest fixture.
 *
 * Torn down when a test passes, fails or times out: after a timeout the runner abandons the test
 * function, but still runs `afterEach`/`afterAll`, which take down what the test left.
 * Nothing here imports a test runner: the hooks are passed in.
 * @module
 */
import { UnderlayError } from "../errors.ts";
import type { UpResult } from "../runner/options.ts";
import { downTestLab, upTestLab, type LabFactory, type TestLabOptions } from "./test-lab.ts";

/** A runner's hook (`beforeEach`, `afterAll`, …): a function, and optionally a timeout in ms. */
export type Hook = (fn: () => Promise<void>, timeout?: number) => unknown;

/** A runner's `test`: a title, a function, and optionally a timeout in ms. */
export type TestFn = (title: string, fn: () => Promise<void>, timeout?: number) => unknown;

/** `beforeEach`/`afterEach`: a lab per test. */
export interface EachHooks {
  readonly beforeEach: Hook;
  readonly afterEach: Hook;
}

/** `beforeAll`/`afterAll`: a lab per file (or `describe` block). */
export interface AllHooks {
  readonly beforeAll: Hook;
  readonly afterAll: Hook;
}

/** Options of {@link useLab} and {@link labTest}. */
export interface HookLabOptions extends TestLabOptions {
  /** Timeout of the hooks that bring labs up and down (the runner's default otherwise; bun's is 5 s). */
  readonly hookTimeoutMs?: number;
}

/**
 * A lab per test (`beforeEach`/`afterEach`) or per file (`beforeAll`/`afterAll`); returns the
 * getter of the current lab, which throws `USAGE` outside a test.
 *
 * @example
 * ```ts
 * import { afterEach, beforeEach, expect, test } from "bun:test";
 * const lab = useLab({ beforeEach, afterEach }, (name) => sandboxLab(name).endpoint("web", pub));
 * test("has an address", () => expect(lab().endpoint("web").ipv4).toHaveLength(1));
 * ```
 */
export function useLab(hooks: EachHooks | AllHooks, build: LabFactory, options: HookLabOptions = {}): () => UpResult {
  let current: UpResult | null = null;
  // The lab being brought up: if the hook times out meanwhile, the runner goes on to the
  // teardown hook, which must still find (and take down) the lab once it is up.
  let pending: Promise<UpResult> | null = null;
  const [before, after] = "beforeEach" in hooks ? [hooks.beforeEach, hooks.afterEach] : [hooks.beforeAll, hooks.afterAll];
  before(async () => {
    const up = upTestLab(build, options);
    pending = up;
    const live = await up;
    if (pending === up) current = live;
  }, options.hookTimeoutMs);
  after(async () => {
    const up = pending;
    pending = null;
    current = null;
    const live = up === null ? null : await up.catch(() => null);
    if (live !== null) await downTestLab(live, options);
  }, options.hookTimeoutMs);
  return () => {
    if (current === null) {
      throw new UnderlayError("USAGE", `no lab is up here: call the getter useLab() returned inside a test — the lab is up from ${"beforeEach" in hooks ? "beforeEach to afterEach" : "beforeAll to afterAll"}`);
    }
    return current;
  };
}

/** A test whose function receives its own lab. */
export type LabTest = (title: string, fn: (context: { readonly lab: UpResult }) => Promise<void> | void, timeout?: number) => void;

/**
 * A `test` that gives each test its own lab, up before the function and down after it, like
 * the vitest fixture. A test that times out leaves its lab to the sweep in `afterEach` (tests
 * that run one at a time, the default) or `afterAll` (pass it instead for concurrent tests).
 *
 * @example
 * ```ts
 * import { afterEach, test } from "bun:test";
 * const lt = labTest({ test, afterEach }, (name) => sandboxLab(name).endpoint("web", pub));
 * lt("serves", async ({ lab }) => { await lab.spawn("web", argv, { ready: { tcp: 8080 } }); }, 15_000);
 * ```
 */
export function labTest(runner: { readonly test: TestFn } & ({ readonly afterEach: Hook } | { readonly afterAll: Hook }), build: LabFactory, options: HookLabOptions = {}): LabTest {
  /** Tests whose lab is not down yet: its `up` (maybe still running), and whether the sweep took it over. */
  const open = new Set<{ readonly up: Promise<UpResult>; swept: boolean }>();
  const sweep = async (): Promise<void> => {
    const left = [...open];
    open.clear();
    for (const slot of left) slot.swept = true;
    await Promise.all(
      left.map(async (slot) => {
        const live = await slot.up.catch(() => null);
        if (live !== null) await downTestLab(live, options);
      }),
    );
  };
  if ("afterEach" in runner) runner.afterEach(sweep, options.hookTimeoutMs);
  else runner.afterAll(sweep, options.hookTimeoutMs);
  return (title, fn, timeout) => {
    runner.test(
      title,
      async () => {
        const slot = { up: upTestLab(build, options), swept: false };
        open.add(slot);
        const live = await slot.up.catch((e: unknown) => {
          open.delete(slot);
          // An abandoned test (timed out while its lab came up) has nobody to report to.
          if (slot.swept) return null;
          throw e;
        });
        // A test that timed out while its lab came up was abandoned: the sweep takes the lab down.
        if (live === null || slot.swept) return;
        try {
          await fn({ lab: live });
        } finally {
          // Unless the sweep took it over (the test timed out and was abandoned meanwhile).
          if (!slot.swept) {
            open.delete(slot);
            await downTestLab(live, options);
          }
        }
      },
      timeout,
    );
  };
}
