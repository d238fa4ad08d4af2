/**
 * The package build: compiles the entry points of package.json (`exports` and `bin`, see
 * {@link packageEntries}) and everything they import to ESM JavaScript and `.d.ts` declarations
 * with tsc. Relative `.ts` imports become `.js` in both (`rewriteRelativeImportExtensions` for the
 * JavaScript, a declaration transformer for the types, which tsc leaves alone), so the output runs
 * on plain Node and type-checks in a consumer without `allowImportingTsExtensions`.
 *
 * @example
 * ```ts
 * const r = buildPackage({ root: process.cwd() }); // dist/sdk/index.js, dist/sdk/index.d.ts, …
 * ```
 * @module
 */
import { chmodSync, existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";
import { UnderlayError } from "../../sdk/index.ts";
import { DIST, packageEntries, type PackageEntries } from "./entries.ts";

/** Options of {@link buildPackage}. */
export interface BuildOptions {
  /** The package root (holds package.json and tsconfig.json). */
  readonly root: string;
  /** Where to write (default `<root>/dist`); emptied first. */
  readonly outDir?: string;
}

/** What {@link buildPackage} wrote. */
export interface BuildResult {
  /** The entry points it compiled. */
  readonly manifest: PackageEntries;
  /** The output folder. */
  readonly outDir: string;
  /** Every file written, relative to `outDir`, sorted. */
  readonly files: readonly string[];
}

/** Compiler options on top of tsconfig.json's: emit JS + declarations, Node's types only (no bun-types in public types). */
const EMIT_OPTIONS: ts.CompilerOptions = {
  noEmit: false,
  declaration: true,
  rewriteRelativeImportExtensions: true,
  sourceMap: false,
  declarationMap: false,
  types: ["node"],
};

/** `./x.ts` → `./x.js` (also `.mts` → `.mjs`); anything not relative or not TypeScript stays. */
function rewrite(specifier: string): string {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return specifier;
  if (specifier.endsWith(".d.ts")) return specifier;
  return specifier.replace(/\.ts$/, ".js").replace(/\.mts$/, ".mjs").replace(/\.cts$/, ".cjs");
}

/** A declaration transformer: the module specifiers of imports, exports and `import("…")` types, rewritten. */
const rewriteDeclarations: ts.TransformerFactory<ts.SourceFile | ts.Bundle> = (context) => {
  const f = context.factory;
  const literal = (node: ts.Expression | undefined): ts.StringLiteral | undefined => (node !== undefined && ts.isStringLiteral(node) && rewrite(node.text) !== node.text ? f.createStringLiteral(rewrite(node.text)) : undefined);
  const visit = (node: ts.Node): ts.Node => {
    if (ts.isImportDeclaration(node)) {
      const s = literal(node.moduleSpecifier);
      if (s !== undefined) return f.updateImportDeclaration(node, node.modifiers, node.importClause, s, node.attributes);
    } else if (ts.isExportDeclaration(node)) {
      const s = literal(node.moduleSpecifier);
      if (s !== undefined) return f.updateExportDeclaration(node, node.modifiers, node.isTypeOnly, node.exportClause, s, node.attributes);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const s = literal(node.argument.literal as ts.Expression);
      if (s !== undefined) {
        const updated = f.updateImportTypeNode(node, f.updateLiteralTypeNode(node.argument, s), node.attributes, node.qualifier, node.typeArguments, node.isTypeOf);
        return ts.visitEachChild(updated, visit, context);
      }
    }
    return ts.visitEachChild(node, visit, context);
  };
  return (file) => (ts.isSourceFile(file) ? ts.visitEachChild(file, visit, context) : file);
};

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? listFiles(join(dir, d.name), base) : [relative(base, join(dir, d.name))]))
    .sort();
}

function diagnosticsText(diagnostics: readonly ts.Diagnostic[], root: string): string {
  return ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" });
}

/**
 * Builds the package: empties `outDir`, compiles every entry and bin of package.json with the
 * options of tsconfig.json plus emit, rewrites declaration imports, marks the bins executable.
 * Throws a `STEP_FAILED` error with tsc's diagnostics when the sources do not compile.
 *
 * @example
 * ```ts
 * buildPackage({ root: ".", outDir: ".cache/build" }).files.length; // ≈ 200
 * ```
 */
export function buildPackage(options: BuildOptions): BuildResult {
  const root = resolve(options.root);
  const outDir = resolve(options.outDir ?? join(root, DIST));
  const manifest = packageEntries(JSON.parse(readFileSync(join(root, "package.json"), "utf8")));
  const config = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (config === undefined) throw new UnderlayError("USAGE", `cannot read ${join(root, "tsconfig.json")} — the build takes its compiler options from it`);
  const rootNames = [...manifest.entries.map((e) => e.source), ...manifest.bins.map((b) => b.source)].map((s) => join(root, s));
  const missing = rootNames.filter((f) => !existsSync(f));
  if (missing.length > 0) throw new UnderlayError("USAGE", `package.json names entry points whose sources do not exist: ${missing.map((f) => relative(root, f)).join(", ")} — add the file or fix "exports"/"bin"`);
  rmSync(outDir, { recursive: true, force: true });
  const program = ts.createProgram({ rootNames, options: { ...config.options, ...EMIT_OPTIONS, rootDir: root, outDir } });
  const emitted = program.emit(undefined, undefined, undefined, false, { afterDeclarations: [rewriteDeclarations] });
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  if (diagnostics.length > 0 || emitted.emitSkipped) {
    throw new UnderlayError("STEP_FAILED", `the build failed: tsc reported ${diagnostics.length} problem(s) — fix them (npx tsc --noEmit shows the same):\n${diagnosticsText(diagnostics, root)}`);
  }
  const files = listFiles(outDir);
  const leftovers = files.filter((f) => f.endsWith(".d.ts") && ts.preProcessFile(readFileSync(join(outDir, f), "utf8"), true, true).importedFiles.some((i) => rewrite(i.fileName) !== i.fileName));
  if (leftovers.length > 0) throw new UnderlayError("STEP_FAILED", `declarations still import .ts files after the rewrite: ${leftovers.join(", ")} — the declaration transformer missed a form of import`);
  for (const b of manifest.bins) chmodSync(join(outDir, relative(DIST, b.js)), 0o755);
  return { manifest, outDir, files };
}
