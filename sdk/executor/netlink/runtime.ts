/**
 * Which JavaScript runtime this is, the tinybench way: the global object is a parameter, so the
 * detection is testable and shared code never names `Bun` or `Deno` at the top level.
 * @module
 */

/** A JavaScript runtime underlay knows. */
export type Runtime = "bun" | "deno" | "node" | "unknown";

/**
 * The runtime whose global object is `g`.
 *
 * @example
 * ```ts
 * detectRuntime(); // "bun" under Bun
 * detectRuntime({ Deno: { version: { deno: "2.9.6" } } }); // "deno"
 * ```
 */
export function detectRuntime(g: object = globalThis): Runtime {
  const r = g as { Bun?: unknown; Deno?: { version?: unknown }; process?: { versions?: { node?: unknown } } };
  if (typeof r.Bun === "object" && r.Bun !== null) return "bun";
  if (typeof r.Deno === "object" && r.Deno !== null && r.Deno.version !== undefined) return "deno";
  if (typeof r.process?.versions?.node === "string") return "node";
  return "unknown";
}
