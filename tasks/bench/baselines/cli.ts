/**
 * Command line of the baselines: `--n 10,100 --reps 3 [--which hand-written,cni] [--settle 1000] [--json]`.
 * Prints the environment and one progress line per run on stderr, and the environment plus the
 * summary table (or, with `--json`, `{ environment, rows }`) on stdout.
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { UnderlayError } from "../../../sdk/errors.ts";
import { describeEnvironment, formatEnvironment } from "./environment.ts";
import { stopRunning } from "./exec.ts";
import { runBaselines, selectBaselines } from "./run-baselines.ts";
import { removeActiveSandboxes } from "./sandbox.ts";
import { formatTable, summarize } from "./summary.ts";

/** Parsed command line of {@link main}. */
export interface CliOptions {
  /** Endpoint counts. */
  readonly ns: number[];
  /** Repetitions. */
  readonly reps: number;
  /** Baseline names, or `undefined` for all. */
  readonly which: string[] | undefined;
  /** Pause between runs in ms. */
  readonly settleMs: number;
  /** Print JSON rows instead of the table. */
  readonly json: boolean;
}

const positiveInt = (flag: string, text: string): number => {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(value) || value < 1) {
    throw new UnderlayError("USAGE", `Invalid ${flag}: expected a positive integer but received ${JSON.stringify(text)}`);
  }
  return value;
};

/**
 * Parses the command line; throws `USAGE` naming the bad flag or value.
 *
 * @example
 * ```ts
 * parseCli(["--n", "10,100", "--reps", "3"]); // { ns: [10, 100], reps: 3, which: undefined, settleMs: 1000, json: false }
 * ```
 */
export function parseCli(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        n: { type: "string", default: "10,100" },
        reps: { type: "string", default: "3" },
        which: { type: "string" },
        settle: { type: "string", default: "1000" },
        json: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    throw new UnderlayError(
      "USAGE",
      `${(e as Error).message} — usage: --n 10,100 --reps 3 [--which hand-written,naive,cni] [--settle ms] [--json]`,
      { cause: e },
    );
  }
  const v = parsed.values;
  const settle = v.settle === "0" ? 0 : positiveInt("--settle", v.settle);
  return {
    ns: v.n.split(",").map((s) => positiveInt("--n", s)),
    reps: positiveInt("--reps", v.reps),
    which: v.which === undefined ? undefined : selectBaselines(v.which.split(",").map((s) => s.trim())),
    settleMs: settle,
    json: v.json,
  };
}

/**
 * Runs the CLI and resolves with the exit code (0 ok, 1 failed, 2 usage). On SIGINT/SIGTERM it
 * stops the running children and removes the sandboxes still in place before exiting.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2));
 * ```
 */
export async function main(argv: readonly string[]): Promise<number> {
  const abort = new AbortController();
  let exitOnSignal = 130;
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`${signal}: stopping; each run removes its sandbox (press again to force)…\n`);
    exitOnSignal = signal === "SIGINT" ? 130 : 143;
    abort.abort();
    void stopRunning();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const cli = parseCli(argv);
    const environment = describeEnvironment();
    process.stderr.write(`${formatEnvironment(environment)}\n`);
    const rows = await runBaselines({
      ns: cli.ns,
      reps: cli.reps,
      settleMs: cli.settleMs,
      signal: abort.signal,
      ...(cli.which ? { which: cli.which } : {}),
      onRow: (row) =>
        process.stderr.write(
          `${row.method.padEnd(12)} n=${String(row.n).padStart(4)} rep=${row.rep}  up ${row.upMs.toFixed(1)} ms  down ${row.downMs.toFixed(1)} ms\n`,
        ),
    });
    process.stdout.write(
      cli.json
        ? `${JSON.stringify({ environment, rows }, null, 2)}\n`
        : `${formatEnvironment(environment)}\n${formatTable(summarize(rows))}\n`,
    );
    return 0;
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    if (abort.signal.aborted) return exitOnSignal;
    return e instanceof UnderlayError && e.code === "USAGE" ? 2 : 1;
  } finally {
    await removeActiveSandboxes();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
