/**
 * The guest's console log (ttyS0 into a file): where it goes, what of it explains a failed boot,
 * and how many old logs are kept.
 * @module
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

const KEEP_LOGS = 20;
let vmCounter = 0;

/**
 * The last `lines` lines of `text`, trimmed.
 *
 * @example
 * ```ts
 * tail("a\nb\nc\n", 2); // "c" (the last two lines are "c" and "")
 * ```
 */
export function tail(text: string, lines = 25): string {
  return text.split("\n").slice(-lines).join("\n").trim();
}

const NOTABLE = /Kernel panic|Initramfs unpacking failed|unable to|not syncing|underlay-init: .*failed|agent exited/i;

/**
 * The console lines that explain a failed boot (kernel panic, initramfs errors, init failures).
 *
 * @example
 * ```ts
 * consoleDiagnosis("[1.6] Kernel panic - not syncing: VFS: Unable to mount root fs\n"); // ["[1.6] Kernel panic - …"]
 * ```
 */
export function consoleDiagnosis(log: string): string[] {
  return log.split("\n").filter((l) => NOTABLE.test(l)).slice(0, 5).map((l) => l.trim());
}

/**
 * The tail of a console log file, or a word saying there is none (for error messages).
 *
 * @example
 * ```ts
 * readTail("/nonexistent.log"); // "(no console output)"
 * ```
 */
export function readTail(path: string): string {
  try {
    return tail(readFileSync(path, "utf8")) || "(empty)";
  } catch {
    return "(no console output)";
  }
}

function pruneLogs(dir: string): void {
  try {
    const logs = readdirSync(dir)
      .filter((f) => f.startsWith("console-") && f.endsWith(".log"))
      .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const old of logs.slice(KEEP_LOGS)) rmSync(join(dir, old.f), { force: true });
  } catch {
    /* logs are a convenience */
  }
}

/**
 * A fresh console log path for the next guest of this process, `<dir>/logs/console-<pid>-<n>.log`
 * (the newest 20 logs are kept).
 *
 * @example
 * ```ts
 * nextConsoleLog(kernelLabDir()); // "…/kernel-lab/logs/console-4242-1.log"
 * ```
 */
export function nextConsoleLog(dir: string): string {
  mkdirSync(join(dir, "logs"), { recursive: true });
  pruneLogs(join(dir, "logs"));
  return join(dir, "logs", `console-${process.pid}-${++vmCounter}.log`);
}
