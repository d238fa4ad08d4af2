/**
 * The CLI's version line: package version and the runtime running it; with `--verbose`, also where
 * the package lives and which TypeScript loader imports lab and tasks files.
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tsLoader, type RuntimeGlobals } from "./ts-loader.ts";

/** The underlay package.json above this module (`tasks/cli/` in the sources, `dist/tasks/cli/` when built). */
function packageJson(): { readonly dir: string; readonly version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "underlay") return { dir, version: pkg.version ?? "0.0.0" };
    }
    if (dirname(dir) === dir) return { dir: "?", version: "0.0.0" };
    dir = dirname(dir);
  }
}

/**
 * `underlay 0.1.0 (bun 1.4.5)`.
 *
 * @example
 * ```ts
 * io.out(versionLine());
 * ```
 */
export function versionLine(g: RuntimeGlobals = globalThis as RuntimeGlobals): string {
  const v = g.process?.versions ?? {};
  const runtime = v.bun !== undefined ? `bun ${v.bun}` : v.deno !== undefined ? `deno ${v.deno}` : `node ${v.node ?? "?"}`;
  return `underlay ${packageJson().version} (${runtime})`;
}

/**
 * The version line, then the package's folder and the TypeScript loader for lab and tasks files:
 * what `underlay --version --verbose` prints.
 *
 * @example
 * ```ts
 * io.out(versionDetails()); // underlay 0.1.0 (node 20.20.2)\npackage: …\nlab and tasks files (.ts): tsx 4.23.15 …
 * ```
 */
export function versionDetails(g: RuntimeGlobals = globalThis as RuntimeGlobals): string {
  return [versionLine(g), `package: ${packageJson().dir}`, `lab and tasks files (.ts): ${tsLoader(g).description}`].join("\n");
}
