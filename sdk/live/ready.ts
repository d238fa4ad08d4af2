/**
 * Waiting until a spawned program is ready — a port listening in its endpoint, a line of
 * output, or a function — and, when it never gets there, an error carrying its output.
 * @module
 */
import { UnderlayError } from "../errors.ts";
import { livesIn } from "../executor/local-spawn.ts";
import { isListening } from "../executor/socket-table.ts";
import { lineMatches } from "./output-log.ts";
import { outputForMessage, shown } from "./process.ts";
import type { LiveProcess, ReadyCondition } from "./types.ts";

/**
 * What a condition waits for, in words.
 *
 * @example
 * ```ts
 * describeReady({ tcp: 8080 }, "web"); // "TCP port 8080 to listen in web"
 * ```
 */
export function describeReady(condition: ReadyCondition, endpoint: string): string {
  if (typeof condition === "function") return "the ready function to return true";
  if ("tcp" in condition) return `TCP port ${condition.tcp} to listen in ${endpoint}`;
  if ("udp" in condition) return `UDP port ${condition.udp} to be bound in ${endpoint}`;
  return `a line of output matching ${String(condition.line)}`;
}

/** Checks a condition once. `link` is what the endpoint's namespace looks like in `/proc/<pid>/ns/net`. */
async function holds(condition: ReadyCondition, p: LiveProcess, link: string | null, find: (pattern: string | RegExp) => boolean): Promise<boolean> {
  if (typeof condition === "function") return (await condition(p)) === true;
  if ("tcp" in condition || "udp" in condition) {
    // The socket table of /proc/<pid>/net is the namespace's, once nsenter has entered it.
    if (!livesIn(p.pid, link)) return false;
    return "tcp" in condition ? isListening(p.pid, condition.tcp, "tcp") : isListening(p.pid, condition.udp, "udp");
  }
  return find(condition.line);
}

/**
 * Polls `condition` (every 5 ms at first, then up to every 20 ms) until it holds. When the
 * program exits first, or `timeoutMs` passes, the program is stopped and the promise rejects
 * (`EXEC` for an early exit, `TIMEOUT` otherwise) with the program's output in the message. A
 * function that throws counts as not ready; its last error is reported.
 *
 * @example
 * ```ts
 * await waitReady(server, { tcp: 8080 }, 10_000, netnsLink("demo-web"));
 * ```
 */
export async function waitReady(p: LiveProcess, condition: ReadyCondition, timeoutMs: number, link: string | null): Promise<void> {
  const t0 = performance.now();
  let lastError: unknown = null;
  const find = (pattern: string | RegExp): boolean => p.output().split("\n").some((line) => lineMatches(line, pattern));
  for (let pause = 5; ; pause = Math.min(20, pause * 2)) {
    try {
      if (await holds(condition, p, link, find)) return;
      lastError = null;
    } catch (e) {
      lastError = e;
    }
    const exit = p.exit;
    if (exit !== null) {
      throw new UnderlayError(
        "EXEC",
        `${p.endpoint}: ${shown(p.argv)} exited (${exit.signal ?? `code ${exit.code}`}) before it was ready (waiting for ${describeReady(condition, p.endpoint)}) — its output:\n${outputForMessage(p.output())}`,
        { details: { stdout: p.output("stdout"), stderr: p.output("stderr"), exit } },
      );
    }
    const waited = performance.now() - t0;
    if (waited >= timeoutMs) {
      await p.kill();
      const why = lastError === null ? "" : ` (the ready function last threw: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      throw new UnderlayError(
        "TIMEOUT",
        `${p.endpoint}: ${shown(p.argv)} was not ready within ${timeoutMs} ms (waiting for ${describeReady(condition, p.endpoint)})${why} — stopped it; its output:\n${outputForMessage(p.output())}`,
        { details: { stdout: p.output("stdout"), stderr: p.output("stderr") } },
      );
    }
    await new Promise((r) => setTimeout(r, Math.min(pause, timeoutMs - waited)));
  }
}
