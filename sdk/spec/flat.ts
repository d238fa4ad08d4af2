/**
 * Flat strings for data that is kept in bulk (plan steps, names, addresses).
 * @module
 */

/**
 * A template tag that builds a flat string. Plain template literals leave ropes (concatenation
 * trees) in V8, which for 70,000 step ids and summaries cost more than the strings themselves;
 * `Array.prototype.join` yields one flat string.
 *
 * @example
 * ```ts
 * flat`netns:${name}`; // "netns:demo-web", stored flat
 * ```
 */
export function flat(strings: TemplateStringsArray, ...values: readonly unknown[]): string {
  const parts: string[] = [strings[0] ?? ""];
  for (let i = 0; i < values.length; i++) parts.push(String(values[i]), strings[i + 1] ?? "");
  return parts.join("");
}
