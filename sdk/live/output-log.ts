/**
 * The captured output of a spawned program: both streams in arrival order (the last MiB of
 * each), and lines matched as they arrive.
 * @module
 */

/** Bytes kept per stream at most (the oldest output goes first). */
export const MAX_KEPT_BYTES = 1024 * 1024;

/** A line pattern: text looked for inside a line, or a RegExp tested against it. */
export type LinePattern = string | RegExp;

/**
 * Whether a line matches a pattern.
 *
 * @example
 * ```ts
 * lineMatches("Serving HTTP on 0.0.0.0 port 8080", /port 8080/); // true
 * ```
 */
export function lineMatches(line: string, pattern: LinePattern): boolean {
  if (typeof pattern === "string") return line.includes(pattern);
  pattern.lastIndex = 0;
  return pattern.test(line);
}

/** The output of one program. */
export interface OutputLog {
  /** Records a chunk of one stream. */
  add(stream: "stdout" | "stderr", chunk: string): void;
  /** Both streams in arrival order, or one of them. */
  text(stream?: "stdout" | "stderr"): string;
  /** The first line seen so far (complete or not) that matches, or `null`. */
  find(pattern: LinePattern): string | null;
  /** Calls `listener` after every chunk; returns a function that stops it. */
  subscribe(listener: () => void): () => void;
}

/**
 * Creates an empty log.
 *
 * @example
 * ```ts
 * const log = outputLog();
 * log.add("stdout", "ready\n");
 * log.find("ready"); // "ready"
 * ```
 */
export function outputLog(): OutputLog {
  const chunks: { stream: "stdout" | "stderr"; text: string }[] = [];
  const bytes = { stdout: 0, stderr: 0 };
  const listeners = new Set<() => void>();
  return {
    add(stream, text) {
      chunks.push({ stream, text });
      bytes[stream] += text.length;
      while (bytes[stream] > MAX_KEPT_BYTES) {
        const at = chunks.findIndex((c) => c.stream === stream);
        const [dropped] = chunks.splice(at, 1);
        bytes[stream] -= dropped?.text.length ?? 0;
      }
      for (const l of listeners) l();
    },
    text(stream) {
      return chunks
        .filter((c) => stream === undefined || c.stream === stream)
        .map((c) => c.text)
        .join("");
    },
    find(pattern) {
      for (const stream of ["stdout", "stderr"] as const) {
        for (const line of this.text(stream).split("\n")) if (lineMatches(line, pattern)) return line;
      }
      return null;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
