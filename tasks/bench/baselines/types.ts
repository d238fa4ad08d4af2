/**
 * The shape every performance baseline shares: what it is asked to build and what it measured.
 * @module
 */

/**
 * What a baseline builds: `n` endpoints inside a sandbox whose namespaces all start with `prefix`
 * (`<prefix>-h` holds the parent bridge `p0`, `<prefix>-e<i>` are the endpoints).
 *
 * @example
 * ```ts
 * const opts: BaselineOptions = { n: 100, prefix: "ub3fa9c1" };
 * ```
 */
export interface BaselineOptions {
  /** Number of endpoints (a positive integer). */
  readonly n: number;
  /** Unique prefix of every namespace the run creates (see `sandboxPrefix()`). */
  readonly prefix: string;
  /**
   * Called once everything is up, before `down` starts, outside both timings, with the endpoint
   * namespace names — for tests that check the kernel's state or ping between endpoints.
   * If it throws, the run stops, the sandbox is removed and the error is passed on.
   */
  readonly afterUp?: (endpoints: readonly string[]) => Promise<void>;
}

/**
 * What one baseline run measured, in milliseconds of wall-clock time (`performance.now()`).
 *
 * @example
 * ```ts
 * const r: BaselineResult = { upMs: 270, downMs: 10, perEndpointUpMs: null };
 * console.log(r.upMs / 100, "ms per endpoint");
 * ```
 */
export interface BaselineResult {
  /** Time to bring all endpoints up (sandbox host namespace and parent excluded). */
  readonly upMs: number;
  /** Time to remove all endpoints and the sandbox host namespace. */
  readonly downMs: number;
  /**
   * Duration of each endpoint's own step, when the method has one (a CNI ADD, an endpoint's
   * `ip -batch`), in endpoint order; `null` when the method has no per-endpoint step to time.
   */
  readonly perEndpointUpMs: number[] | null;
}

/**
 * A baseline: builds and removes `n` endpoints and reports the time each half took.
 *
 * @example
 * ```ts
 * const run: BaselineRunner = runHandWritten;
 * const { upMs } = await run({ n: 10, prefix: sandboxPrefix() });
 * ```
 */
export type BaselineRunner = (opts: BaselineOptions) => Promise<BaselineResult>;
