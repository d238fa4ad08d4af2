/**
 * Packaging tasks, all driven by package.json's `exports` and `bin`:
 *
 * - `build [--out <dir>]` — compile to `dist/` (run by `npm pack` through `prepack`);
 * - `api` — regenerate the committed API reports (`api/*.api.md`) and deno.json's JSR fields;
 * - `check` — regenerate both in a scratch build and fail (exit 1) if the committed files differ.
 *
 * @example
 * ```sh
 * node --import tsx tasks/package/index.ts build
 * npm run api      # after changing the public surface: review and commit the diff of api/
 * ```
 * @module
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { apiReports, API_DIR } from "./api-report.ts";
import { buildPackage } from "./build.ts";
import { denoConfig } from "./deno-config.ts";

/** The repository root. */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A generated file and what it should contain. */
export interface Generated {
  /** Path relative to the package root. */
  readonly path: string;
  /** Its expected text. */
  readonly text: string;
}

/**
 * Builds the package into a scratch folder under `<root>/.cache/` and returns every generated,
 * committed file: the API report of each entry and deno.json. Writes nothing else.
 *
 * @example
 * ```ts
 * for (const g of generatedFiles(root)) expect(readFileSync(join(root, g.path), "utf8")).toBe(g.text);
 * ```
 */
export function generatedFiles(root: string = ROOT): readonly Generated[] {
  const buildDir = join(root, ".cache", `api-build-${process.pid}-${Date.now()}`);
  try {
    const { manifest } = buildPackage({ root, outDir: buildDir });
    const reports = apiReports({ root, buildDir, entries: manifest.entries });
    const deno = denoConfig(readFileSync(join(root, "deno.json"), "utf8"), manifest);
    return [...reports.map((r) => ({ path: `${API_DIR}/${r.file}`, text: r.text })), { path: "deno.json", text: deno }];
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
}

/**
 * Committed files that differ from what {@link generatedFiles} makes, and stale reports (of an entry
 * that is gone), as paths relative to the root.
 *
 * @example
 * ```ts
 * outdatedFiles(root, generatedFiles(root)); // [] when everything is up to date
 * ```
 */
export function outdatedFiles(root: string, generated: readonly Generated[]): string[] {
  const differ = generated.filter((g) => !existsSync(join(root, g.path)) || readFileSync(join(root, g.path), "utf8") !== g.text).map((g) => g.path);
  const wanted = new Set(generated.map((g) => g.path));
  const dir = join(root, API_DIR);
  const stale = existsSync(dir) ? readdirSync(dir).map((f) => `${API_DIR}/${f}`).filter((p) => !wanted.has(p)) : [];
  return [...differ, ...stale].sort();
}

/**
 * Runs a packaging task; resolves with the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(["check"]);
 * ```
 */
export async function main(argv: readonly string[], root: string = ROOT): Promise<number> {
  const { positionals, values } = parseArgs({ args: [...argv], options: { out: { type: "string" } }, allowPositionals: true });
  const [task] = positionals;
  if (task === "build") {
    const r = buildPackage({ root, ...(values.out === undefined ? {} : { outDir: resolve(values.out) }) });
    // stderr: `npm pack --json` prints prepack's stdout into its JSON.
    console.error(`built ${r.manifest.entries.length} entries (${r.manifest.entries.map((e) => e.specifier).join(", ")}) and ${r.manifest.bins.length} bin: ${r.files.length} files in ${r.outDir}`);
    return 0;
  }
  if (task === "api") {
    const generated = generatedFiles(root);
    const outdated = outdatedFiles(root, generated);
    mkdirSync(join(root, API_DIR), { recursive: true });
    for (const p of outdated) if (!generated.some((g) => g.path === p)) rmSync(join(root, p));
    for (const g of generated) writeFileSync(join(root, g.path), g.text);
    console.log(outdated.length === 0 ? "API reports and deno.json are up to date" : `updated: ${outdated.join(", ")} — review the diff and commit it`);
    return 0;
  }
  if (task === "check") {
    const outdated = outdatedFiles(root, generatedFiles(root));
    if (outdated.length === 0) {
      console.log("API reports and deno.json match the build");
      return 0;
    }
    console.error(`out of date: ${outdated.join(", ")} — the public surface or the entry points changed; run \`npm run api\`, review the diff and commit it`);
    return 1;
  }
  console.error(`usage: tasks/package/index.ts build [--out <dir>] | api | check (received ${JSON.stringify(task ?? null)})`);
  return 2;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
