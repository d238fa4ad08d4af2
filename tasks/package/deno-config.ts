/**
 * The JSR side of the package: deno.json's `name`, `version`, `exports` and `publish` fields,
 * derived from package.json (the entries of {@link packageEntries}, pointing at their TypeScript
 * sources, which Deno and JSR take as they are). Its other fields (`nodeModulesDir`,
 * `compilerOptions`, …) are kept.
 *
 * @example
 * ```ts
 * const text = denoConfig(readFileSync("deno.json", "utf8"), manifest); // what deno.json should hold
 * ```
 * @module
 */
import type { PackageEntries } from "./entries.ts";

/** The JSR package name (a scope is required there; npm has the bare name). */
export const JSR_NAME = "@underlay/underlay";

/** Folders holding the published sources: the folder of each entry's source, with every file below it. */
function includes(manifest: PackageEntries): string[] {
  const dirs = new Set(manifest.entries.map((e) => e.source.slice(0, e.source.lastIndexOf("/"))));
  // Keep the shortest: sdk/ covers sdk/ipam/.
  const top = [...dirs].filter((d) => ![...dirs].some((o) => o !== d && d.startsWith(`${o}/`))).sort();
  return [...top.map((d) => `${d}/**/*.ts`), "README.md", "LICENSE"];
}

/**
 * The text deno.json should have: the current one with `name`, `version`, `exports` and `publish`
 * set from package.json (first, in that order), two-space JSON and a final newline.
 *
 * @example
 * ```ts
 * writeFileSync("deno.json", denoConfig(readFileSync("deno.json", "utf8"), manifest));
 * ```
 */
export function denoConfig(current: string, manifest: PackageEntries): string {
  const rest = JSON.parse(current) as Record<string, unknown>;
  for (const key of ["name", "version", "exports", "publish"]) delete rest[key];
  const config = {
    name: JSR_NAME,
    version: manifest.version,
    exports: Object.fromEntries(manifest.entries.map((e) => [e.subpath, `./${e.source}`])),
    publish: { include: includes(manifest), exclude: ["**/*.test.ts"] },
    ...rest,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
