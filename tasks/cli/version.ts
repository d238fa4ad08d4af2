/**
 * The CLI's version line: package version and the runtime running it.
 * @module
 */
import { readFileSync } from "node:fs";

/**
 * `underlay 0.1.0 (bun 1.4.5)`.
 *
 * @example
 * ```ts
 * io.out(versionLine());
 * ```
 */
export function versionLine(g: { readonly process?: { readonly versions?: Readonly<Record<string, string | undefined>> } } = globalThis): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
  const v = g.process?.versions ?? {};
  const runtime = v.bun !== undefined ? `bun ${v.bun}` : v.deno !== undefined ? `deno ${v.deno}` : `node ${v.node ?? "?"}`;
  return `underlay ${pkg.version ?? "0.0.0"} (${runtime})`;
}
