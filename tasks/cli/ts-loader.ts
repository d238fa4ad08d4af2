/**
 * How the CLI imports a user's TypeScript file (a lab file, a tasks file) — the one place the
 * built package needs a TypeScript loader:
 *
 * - under Bun and Deno, their own (they run `.ts` natively);
 * - under Node, tsx (a dependency of underlay), registered once through its API (`tsx/esm/api` and
 *   `tsx/cjs/api` `register()`) just before the first `.ts` import. Node 20 has no type stripping,
 *   and Node's own (22.18+) refuses files that import `./x` without an extension or use enums, so
 *   one loader serves every Node version alike;
 * - when the CLI itself runs from its TypeScript sources (inside the underlay repository, under
 *   `node --import tsx`), the loader that runs it.
 *
 * `underlay --version --verbose` names the loader in use.
 *
 * @example
 * ```ts
 * const mod = await importUserModule("/home/me/lab.ts"); // { default: LabBuilder }
 * ```
 * @module
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/** Which loader imports TypeScript files. */
export type TsLoaderKind = "bun" | "deno" | "tsx" | "source";

/** The loader in use and how to describe it. */
export interface TsLoader {
  /** `bun` / `deno`: the runtime's own; `tsx`: registered by the CLI; `source`: the CLI runs from `.ts` already. */
  readonly kind: TsLoaderKind;
  /** One line for `--version --verbose`. */
  readonly description: string;
}

/** The globals {@link tsLoader} looks at (a parameter, so tests can pass their own). */
export interface RuntimeGlobals {
  readonly process?: { readonly versions?: Readonly<Record<string, string | undefined>> };
  readonly Deno?: unknown;
}

function tsxVersion(): string {
  try {
    const pkg = createRequire(import.meta.url)("tsx/package.json") as { version?: string };
    return pkg.version ?? "?";
  } catch {
    return "not installed";
  }
}

/**
 * The loader the CLI uses on this runtime. `moduleUrl` is where the CLI's own code lives: a `.ts`
 * URL means it runs from sources under a loader already.
 *
 * @example
 * ```ts
 * tsLoader({ process: { versions: { node: "20.20.2" } } }, "file:///x/dist/tasks/cli/ts-loader.js").kind; // "tsx"
 * ```
 */
export function tsLoader(g: RuntimeGlobals = globalThis as RuntimeGlobals, moduleUrl: string = import.meta.url): TsLoader {
  const v = g.process?.versions ?? {};
  if (v.bun !== undefined) return { kind: "bun", description: `Bun ${v.bun} runs TypeScript itself` };
  if (v.deno !== undefined || g.Deno !== undefined) return { kind: "deno", description: `Deno ${v.deno ?? ""} runs TypeScript itself`.replace("  ", " ") };
  if (moduleUrl.endsWith(".ts")) return { kind: "source", description: "the loader this CLI runs under (it runs from its TypeScript sources)" };
  return { kind: "tsx", description: `tsx ${tsxVersion()} (a dependency of underlay), registered with tsx/esm/api and tsx/cjs/api register()` };
}

let registered: Promise<void> | null = null;

/** Registers tsx's ESM and CommonJS hooks in this process, once. */
function registerTsx(): Promise<void> {
  registered ??= (async () => {
    const esm = await import("tsx/esm/api");
    const cjs = await import("tsx/cjs/api");
    esm.register();
    cjs.register();
  })();
  return registered;
}

/** Whether a path names a TypeScript module. */
function isTypeScript(path: string): boolean {
  return /\.(?:ts|mts|cts|tsx)$/.test(path);
}

/**
 * Imports a user's module by absolute path; a TypeScript file goes through {@link tsLoader}'s
 * loader (tsx is registered on first use under Node, never for plain JavaScript).
 *
 * @example
 * ```ts
 * const { default: lab } = (await importUserModule(resolve("lab.ts"))) as { default?: unknown };
 * ```
 */
export async function importUserModule(path: string): Promise<unknown> {
  if (isTypeScript(path) && tsLoader().kind === "tsx") await registerTsx();
  return import(pathToFileURL(path).href);
}

/**
 * A module's ES exports, also when it was compiled to CommonJS — a `.ts` file in a
 * `"type": "commonjs"` project is, under tsx: `import()` then hands its `module.exports` (marked
 * `__esModule`) over as `default`, so the real exports are one level down.
 *
 * @example
 * ```ts
 * const { default: lab } = esExports(await importUserModule(file));
 * ```
 */
export function esExports(mod: unknown): Readonly<Record<string, unknown>> {
  const m = (typeof mod === "object" && mod !== null ? mod : {}) as Record<string, unknown>;
  const inner = m.default;
  if (typeof inner === "object" && inner !== null && (inner as Record<string, unknown>).__esModule === true) return inner as Record<string, unknown>;
  return m;
}
