/**
 * Small text helpers shared by the commands: durations, endpoint listings, JSON lines.
 * @module
 */
import type { EndpointInfo } from "../../sdk/index.ts";

/**
 * A duration for people: `0.4 ms`, `58 ms`, `1.3 s`.
 *
 * @example
 * ```ts
 * fmtMs(0.42); // "0.4 ms"
 * ```
 */
export function fmtMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/**
 * One line per endpoint: name, namespace, interfaces with addresses.
 *
 * @example
 * ```ts
 * endpointLines(result.endpoints); // ["  web  demo-web  eth0 192.168.50.10/24", …]
 * ```
 */
export function endpointLines(endpoints: readonly EndpointInfo[]): string[] {
  const w = Math.max(0, ...endpoints.map((e) => e.name.length));
  const n = Math.max(0, ...endpoints.map((e) => e.netns.length));
  return endpoints.map((e) => `  ${e.name.padEnd(w)}  ${e.netns.padEnd(n)}  ${e.interfaces.map((i) => `${i.name} ${i.addresses.join(" ") || "(no address)"}`).join(", ")}`);
}

/**
 * Byte-stable JSON text (2-space indentation), as `--json` prints documents.
 *
 * @example
 * ```ts
 * io.out(jsonText(plan.toJSON()));
 * ```
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/**
 * The first line of a (possibly multi-line) message.
 *
 * @example
 * ```ts
 * firstLine("a\nb"); // "a"
 * ```
 */
export function firstLine(text: string): string {
  const i = text.indexOf("\n");
  return i === -1 ? text : text.slice(0, i);
}
