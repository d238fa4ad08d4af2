/**
 * The progress display: one line per step with timing (`[ 3/41] ✓ create namespace demo-web  0.4 ms`),
 * a live spinner line on a terminal, plain lines otherwise, nothing but failures with `--quiet`,
 * and an NDJSON event stream with `--json`. `--verbose` adds every command run.
 * @module
 */
import { type Command, type RunEvent } from "../../sdk/index.ts";
import { shellQuote } from "../../sdk/plan/render-shell.ts";
import type { TaskEvent } from "../task-runner/index.ts";
import { firstLine, fmtMs } from "./format.ts";

/** How progress is shown. */
export type DisplayMode = "tty" | "plain" | "quiet" | "json";

/** Options of {@link createDisplay}. */
export interface DisplayOptions {
  /** Mode. */
  readonly mode: DisplayMode;
  /** Print every command (argv) run. */
  readonly verbose: boolean;
  /** Where text goes (stdout). */
  readonly write: (text: string) => void;
  /** Terminal width for the spinner line (default 80). */
  readonly columns?: number;
}

/** A progress display. Every method is safe to pass as a callback (no `this`). */
export interface Display {
  /** A runner event (`up`, `down`, rollback). */
  lab(event: RunEvent): void;
  /** A task-runner event. */
  task(event: TaskEvent): void;
  /** A command about to run (shown with `--verbose`). */
  command(command: Command): void;
  /** A free-form line (task output). */
  log(message: string): void;
  /** Stops the spinner and clears its line. */
  close(): void;
}

const FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";

function counter(index: number, total: number): string {
  const w = String(total).length;
  return `[${String(index).padStart(w)}/${total}]`;
}

/**
 * Creates a display.
 *
 * @example
 * ```ts
 * const display = createDisplay({ mode: "plain", verbose: false, write: (s) => process.stdout.write(s) });
 * await demo.up({ onEvent: display.lab });
 * display.close();
 * ```
 */
export function createDisplay(options: DisplayOptions): Display {
  const { mode, verbose, write } = options;
  const columns = Math.max(20, options.columns ?? 80);
  const inflight = new Map<string, string>();
  const tasksRunning: string[] = [];
  let undoCount = 0;
  let action: "up" | "down" = "up";
  let frame = 0;
  let statusShown = false;
  let timer: ReturnType<typeof setInterval> | null = null;

  const statusText = (): string | null => {
    const first = inflight.values().next();
    if (!first.done) return `${FRAMES[frame % FRAMES.length]} ${first.value}${inflight.size > 1 ? ` (+${inflight.size - 1})` : ""}`;
    if (tasksRunning.length > 0) return `${FRAMES[frame % FRAMES.length]} ${tasksRunning.join(", ")} …`;
    return null;
  };
  const clear = (): void => {
    if (statusShown) write("\r\x1b[2K");
    statusShown = false;
  };
  const draw = (): void => {
    if (mode !== "tty") return;
    const s = statusText();
    if (s === null) return;
    write(s.length > columns - 1 ? `${s.slice(0, columns - 2)}…` : s);
    statusShown = true;
  };
  const ensureTimer = (): void => {
    if (mode !== "tty" || timer !== null) return;
    timer = setInterval(() => {
      frame++;
      clear();
      draw();
    }, 80);
    (timer as { unref?: () => void }).unref?.();
  };
  const line = (text: string, important = false): void => {
    if (mode === "json" || (mode === "quiet" && !important)) return;
    clear();
    write(`${text}\n`);
    draw();
  };
  const json = (value: unknown): void => {
    if (mode === "json") write(`${JSON.stringify(value)}\n`);
  };

  const lab = (e: RunEvent): void => {
    json(e);
    switch (e.type) {
      case "start":
        action = e.action;
        undoCount = 0;
        if (e.total > 0) line(e.action === "up" ? `lab ${e.lab}: ${e.total} step${e.total === 1 ? "" : "s"} to apply${e.inPlace > 0 ? `, ${e.inPlace} already in place` : ""}` : `lab ${e.lab}: tearing down ${e.total} owned step${e.total === 1 ? "" : "s"}`);
        break;
      case "op-start":
        inflight.set(e.id, `${counter(e.index, e.total)} ${e.summary}`);
        ensureTimer();
        if (!statusShown) draw();
        break;
      case "op-done":
        inflight.delete(e.id);
        line(`${counter(e.index, e.total)} ✓ ${e.summary}  ${fmtMs(e.ms)}`);
        break;
      case "op-failed":
        inflight.delete(e.id);
        line(`${counter(e.index, e.total)} ✗ ${e.summary}: ${firstLine(e.stderr)}`, true);
        break;
      case "op-skip":
        line(`        · ${e.summary} — ${e.reason}`);
        break;
      case "rollback-start":
        action = "up";
        inflight.clear();
        line(`↺ rolling back ${e.count} step${e.count === 1 ? "" : "s"} (${e.reason})`, true);
        break;
      case "op-undone":
        undoCount++;
        line(action === "down" ? `[${String(undoCount).padStart(2)}] ↺ undo ${e.summary}  ${fmtMs(e.ms)}` : `  ↺ undo ${e.summary}  ${fmtMs(e.ms)}`);
        break;
      case "rollback-done":
        line(e.ok ? "↺ rollback complete: the system is as it was before" : `✗ rollback incomplete: ${e.failed.join(", ")}`, true);
        break;
      case "end":
        inflight.clear();
        break;
    }
  };

  const task = (e: TaskEvent): void => {
    if (e.type === "lab-event") {
      lab(e.event);
      return;
    }
    json(e);
    switch (e.type) {
      case "run-start":
        line(`▶ run ${e.target}${e.order.length > 1 ? ` (${e.order.join(" → ")})` : ""}${e.dryRun ? " — dry run" : ""}`);
        break;
      case "task-start":
        tasksRunning.push(e.task);
        ensureTimer();
        line(`▶ ${e.task}`);
        break;
      case "task-done":
        tasksRunning.splice(tasksRunning.indexOf(e.task), 1);
        line(`✓ ${e.task}  ${fmtMs(e.ms)}`);
        break;
      case "task-failed":
        tasksRunning.splice(tasksRunning.indexOf(e.task), 1);
        line(`✗ ${e.task} failed after ${fmtMs(e.ms)}: ${firstLine(e.message)}`, true);
        break;
      case "task-skipped":
        line(`· ${e.task} not run (${e.reason})`, true);
        break;
      case "log":
        if (mode === "json") break;
        clear();
        write(`${e.message}\n`);
        draw();
        break;
      case "undo-start":
        if (e.count > 0) line(`↺ rolling back ${e.count} step${e.count === 1 ? "" : "s"} of this run, newest first (${e.reason})`, true);
        break;
      case "undo-done":
        line(`↺ ${e.label} rolled back  ${fmtMs(e.ms)}`, true);
        break;
      case "undo-failed":
        line(`✗ ${e.label} could not be rolled back: ${firstLine(e.message)}`, true);
        break;
      case "undo-end":
      case "run-end":
        break;
    }
  };

  return {
    lab,
    task,
    command(c: Command): void {
      if (!verbose) return;
      if (mode === "json") {
        json({ type: "command", netns: c.netns, argv: c.argv, ...(c.input === undefined ? {} : { input: c.input }) });
        return;
      }
      const input = c.input === undefined ? [] : c.input.trimEnd().split("\n").map((l) => `      | ${l}`);
      clear();
      write(`${[`    $ ${c.netns === null ? "" : `[netns ${c.netns}] `}${c.argv.map(shellQuote).join(" ")}`, ...input].join("\n")}\n`);
      draw();
    },
    log(message: string): void {
      if (mode === "json") json({ type: "log", message });
      else {
        clear();
        write(`${message}\n`);
        draw();
      }
    },
    close(): void {
      if (timer !== null) clearInterval(timer);
      timer = null;
      clear();
    },
  };
}
