/**
 * Turns baseline rows into a table of milliseconds per endpoint (min and median over reps).
 * Pure functions only.
 * @module
 */

/**
 * One measured run.
 *
 * @example
 * ```ts
 * const row: BaselineRow = { method: "hand-written", n: 100, rep: 0, upMs: 270, downMs: 10 };
 * ```
 */
export interface BaselineRow {
  /** Baseline name (`hand-written`, `naive`, `cni`). */
  readonly method: string;
  /** Number of endpoints. */
  readonly n: number;
  /** Repetition index, from 0. */
  readonly rep: number;
  /** Milliseconds to bring all endpoints up. */
  readonly upMs: number;
  /** Milliseconds to take them all down. */
  readonly downMs: number;
}

/**
 * Min and median over the reps of one method at one `n`.
 *
 * @example
 * ```ts
 * const [s] = summarize(rows); console.log(s?.upPerEndpoint.median);
 * ```
 */
export interface SummaryRow {
  /** Baseline name. */
  readonly method: string;
  /** Number of endpoints. */
  readonly n: number;
  /** How many reps were measured. */
  readonly reps: number;
  /** Total `up` milliseconds. */
  readonly up: Stat;
  /** Total `down` milliseconds. */
  readonly down: Stat;
  /** `up` milliseconds per endpoint. */
  readonly upPerEndpoint: Stat;
  /** `down` milliseconds per endpoint. */
  readonly downPerEndpoint: Stat;
  /** Median `up` divided by the hand-written median `up` at the same `n` (`null` without one). */
  readonly upVsHandWritten: number | null;
}

/** Minimum and median of a sample. */
export interface Stat {
  /** Smallest value. */
  readonly min: number;
  /** Median (mean of the two middle values for an even count). */
  readonly median: number;
}

/**
 * Min and median of a non-empty list (`NaN` for an empty one).
 *
 * @example
 * ```ts
 * stat([3, 1, 2]); // { min: 1, median: 2 }
 * ```
 */
export function stat(values: readonly number[]): Stat {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length === 0
      ? Number.NaN
      : sorted.length % 2 === 1
        ? (sorted[mid] as number)
        : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { min: sorted[0] ?? Number.NaN, median };
}

/**
 * Groups rows by method and `n` (in order of first appearance) and computes min/median.
 *
 * @example
 * ```ts
 * summarize([{ method: "naive", n: 10, rep: 0, upMs: 300, downMs: 40 }])[0]?.upPerEndpoint; // { min: 30, median: 30 }
 * ```
 */
export function summarize(rows: readonly BaselineRow[]): SummaryRow[] {
  const groups = new Map<string, BaselineRow[]>();
  for (const row of rows) {
    const key = `${row.method}\u0000${row.n}`;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  const partial = [...groups.values()].map((group) => {
    const { method, n } = group[0] as BaselineRow;
    const up = stat(group.map((r) => r.upMs));
    const down = stat(group.map((r) => r.downMs));
    return {
      method,
      n,
      reps: group.length,
      up,
      down,
      upPerEndpoint: { min: up.min / n, median: up.median / n },
      downPerEndpoint: { min: down.min / n, median: down.median / n },
    };
  });
  return partial.map((s) => {
    const hand = partial.find((h) => h.method === "hand-written" && h.n === s.n);
    return { ...s, upVsHandWritten: hand ? s.up.median / hand.up.median : null };
  });
}

/**
 * Renders a summary as an aligned text table (ms per endpoint, min/median; totals; ratio).
 *
 * @example
 * ```ts
 * console.log(formatTable(summarize(rows)));
 * ```
 */
export function formatTable(summary: readonly SummaryRow[]): string {
  const f = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : "-");
  const head = ["method", "n", "reps", "up ms/ep min", "up ms/ep med", "down ms/ep min", "down ms/ep med", "up ms med", "down ms med", "up ×hand"];
  const body = summary.map((s) => [
    s.method,
    String(s.n),
    String(s.reps),
    f(s.upPerEndpoint.min),
    f(s.upPerEndpoint.median),
    f(s.downPerEndpoint.min),
    f(s.downPerEndpoint.median),
    f(s.up.median, 0),
    f(s.down.median, 0),
    s.upVsHandWritten === null ? "-" : `${f(s.upVsHandWritten)}×`,
  ]);
  const rows = [head, ...body];
  const widths = head.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  const line = (r: readonly string[]): string =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}
