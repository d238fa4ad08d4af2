/**
 * The package's entry points, read from one place: the `exports` map (and `bin`) of package.json.
 * The build compiles exactly these sources, the API report covers exactly these subpaths, the
 * JSR config (deno.json) lists exactly these, and the pack test imports every one of them — so
 * adding a subpath is one line in package.json.
 *
 * Every entry has the form
 * `"./sub": { "types": "./dist/<path>.d.ts", "import": "./dist/<path>.js", "default": "./dist/<path>.js" }`
 * and is compiled from `<path>.ts`. `default` (the same file) lets Node ≥ 20.19 `require()` the ES
 * module too — which is what a lab file becomes in a `"type": "commonjs"` project under tsx.
 *
 * @example
 * ```ts
 * const { entries, bins } = packageEntries(JSON.parse(readFileSync("package.json", "utf8")));
 * entries[0]; // { subpath: ".", source: "sdk/index.ts", js: "dist/sdk/index.js", types: "dist/sdk/index.d.ts", reportName: "underlay" }
 * ```
 * @module
 */
import { type Issue } from "../../sdk/index.ts";
import { invalidSpec } from "../../sdk/errors.ts";

/** The folder the build writes, relative to the package root. */
export const DIST = "dist";

/** One public entry point (a subpath of the `exports` map). */
export interface Entry {
  /** The subpath as written in `exports`: `"."`, `"./ipam"`, … */
  readonly subpath: string;
  /** Its TypeScript source, relative to the package root: `sdk/index.ts`. */
  readonly source: string;
  /** The compiled module: `dist/sdk/index.js`. */
  readonly js: string;
  /** Its declarations: `dist/sdk/index.d.ts`. */
  readonly types: string;
  /** The import specifier a consumer writes: `underlay`, `underlay/ipam`. */
  readonly specifier: string;
  /** File-name stem of its API report: `underlay`, `underlay-ipam`. */
  readonly reportName: string;
}

/** One command of the `bin` map. */
export interface Bin {
  /** The command name: `underlay`. */
  readonly name: string;
  /** Its TypeScript source: `tasks/cli.ts`. */
  readonly source: string;
  /** The compiled file the command runs: `dist/tasks/cli.js`. */
  readonly js: string;
}

/** What {@link packageEntries} reads from package.json. */
export interface PackageEntries {
  /** The package name. */
  readonly name: string;
  /** The package version. */
  readonly version: string;
  /** Every public entry, in the order of the `exports` map. */
  readonly entries: readonly Entry[];
  /** Every command of `bin`. */
  readonly bins: readonly Bin[];
}

/** Subpaths that are files, not modules (exported as they are). */
const PLAIN_FILES = new Set(["./package.json"]);

/** `./dist/sdk/index.js` → `sdk/index`, or null when the path is not of that form. */
function stem(path: unknown, suffix: string): string | null {
  const prefix = `./${DIST}/`;
  if (typeof path !== "string" || !path.startsWith(prefix) || !path.endsWith(suffix)) return null;
  const s = path.slice(prefix.length, -suffix.length);
  return s === "" ? null : s;
}

function record(value: unknown): Readonly<Record<string, unknown>> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/**
 * Reads the entry points from a parsed package.json, checking every entry's shape; throws one
 * `INVALID_SPEC` error listing every problem.
 *
 * @example
 * ```ts
 * const js = "./dist/sdk/index.js";
 * packageEntries({ name: "underlay", version: "0.1.0", exports: { ".": { types: "./dist/sdk/index.d.ts", import: js, default: js } }, bin: {} });
 * ```
 */
export function packageEntries(manifest: unknown): PackageEntries {
  const issues: Issue[] = [];
  const pkg = record(manifest) ?? {};
  const name = typeof pkg.name === "string" ? pkg.name : "";
  const version = typeof pkg.version === "string" ? pkg.version : "";
  if (name === "") issues.push({ path: "name", message: `expected the package name but received ${JSON.stringify(pkg.name)}` });
  if (version === "") issues.push({ path: "version", message: `expected a version but received ${JSON.stringify(pkg.version)}` });
  const entries: Entry[] = [];
  const exportsMap = record(pkg.exports);
  if (exportsMap === null) issues.push({ path: "exports", message: `expected a map of subpaths but received ${JSON.stringify(pkg.exports)}` });
  for (const [subpath, target] of Object.entries(exportsMap ?? {})) {
    if (PLAIN_FILES.has(subpath)) continue;
    const where = `exports[${JSON.stringify(subpath)}]`;
    const t = record(target);
    const js = stem(t?.import, ".js");
    const types = stem(t?.types, ".d.ts");
    const fallback = stem(t?.default, ".js");
    if (subpath !== "." && !/^\.\/[a-z0-9-]+(\/[a-z0-9-]+)*$/.test(subpath)) {
      issues.push({ path: where, message: `expected a subpath like "./ipam" but received ${JSON.stringify(subpath)}` });
    }
    if (t === null || js === null || types === null || js !== types || fallback !== js || Object.keys(t).join(",") !== "types,import,default") {
      issues.push({
        path: where,
        message: `expected { "types": "./${DIST}/<path>.d.ts", "import": "./${DIST}/<path>.js", "default": "./${DIST}/<path>.js" } (that order, one <path>) but received ${JSON.stringify(target)}`,
      });
      continue;
    }
    const specifier = subpath === "." ? name : `${name}/${subpath.slice(2)}`;
    entries.push({ subpath, source: `${js}.ts`, js: `${DIST}/${js}.js`, types: `${DIST}/${types}.d.ts`, specifier, reportName: specifier.replaceAll("/", "-") });
  }
  if (exportsMap !== null && !Object.hasOwn(exportsMap, ".")) issues.push({ path: "exports", message: `expected a "." entry (the package root) but received only ${JSON.stringify(Object.keys(exportsMap))}` });
  const bins: Bin[] = [];
  for (const [cmd, path] of Object.entries(record(pkg.bin) ?? {})) {
    const js = stem(path, ".js");
    if (js === null) {
      issues.push({ path: `bin.${cmd}`, message: `expected "./${DIST}/<path>.js" but received ${JSON.stringify(path)}` });
      continue;
    }
    bins.push({ name: cmd, source: `${js}.ts`, js: `${DIST}/${js}.js` });
  }
  if (issues.length > 0) throw invalidSpec(issues, "package.json entry points");
  return { name, version, entries, bins };
}
