/**
 * The CLI's connection to the terminal: stdout/stderr writers, TTY facts and a yes/no prompt.
 * Commands receive an {@link Io} instead of touching `process` directly.
 * @module
 */
import { createInterface } from "node:readline/promises";

/** Terminal I/O of one CLI invocation. */
export interface Io {
  /** Writes text to stdout as is. */
  write(text: string): void;
  /** Writes a line (or lines) to stdout. */
  out(text: string): void;
  /** Writes a line (or lines) to stderr. */
  err(text: string): void;
  /** Whether stdout is a terminal (spinner, colours). */
  readonly stdoutTTY: boolean;
  /** Whether a person can answer a prompt (stdin and stdout are terminals). */
  readonly interactive: boolean;
  /** Terminal width (80 when unknown). */
  readonly columns: number;
  /** Environment variables. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Asks a question on the terminal; resolves with the answer. */
  prompt(question: string): Promise<string>;
}

/**
 * A writer that stops writing once the reader has gone (EPIPE, e.g. `underlay up … | head`)
 * instead of throwing into the middle of a run: the run goes on and cleans up as it would.
 */
function safeWriter(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on("error", () => {
    closed = true;
  });
  return (text) => {
    if (closed) return;
    try {
      stream.write(text);
    } catch {
      closed = true;
    }
  };
}

/**
 * The I/O of this process.
 *
 * @example
 * ```ts
 * const io = processIo();
 * io.out("hello");
 * ```
 */
export function processIo(): Io {
  const stdoutTTY = process.stdout.isTTY === true && process.env.TERM !== "dumb";
  const out = safeWriter(process.stdout);
  const err = safeWriter(process.stderr);
  return {
    write: out,
    out: (text) => out(`${text}\n`),
    err: (text) => err(`${text}\n`),
    stdoutTTY,
    interactive: stdoutTTY && process.stdin.isTTY === true,
    columns: process.stdout.columns || 80,
    env: process.env,
    async prompt(question) {
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}
