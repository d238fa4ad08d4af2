/**
 * The public-API report: for every entry point of package.json, API Extractor's `.api.md` report of
 * the built declarations — every exported name with its type. The reports are committed under
 * `api/`; CI regenerates them and fails when they differ, so a change to the surface is a visible
 * diff. The entry list comes from package.json (see {@link packageEntries}), so a new subpath gets
 * its report without touching this file.
 *
 * @example
 * ```ts
 * const reports = apiReports({ root: ".", buildDir: ".cache/api-build" }); // [{ file: "underlay.api.md", text }, …]
 * ```
 * @module
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { CompilerState, Extractor, ExtractorConfig, ExtractorLogLevel, type ExtractorMessage } from "@microsoft/api-extractor";
import { UnderlayError } from "../../sdk/index.ts";
import { DIST, type Entry } from "./entries.ts";

/** The folder of the committed reports, relative to the package root. */
export const API_DIR = "api";

/** One generated report. */
export interface ApiReport {
  /** The entry it describes. */
  readonly entry: Entry;
  /** File name under {@link API_DIR}: `underlay.api.md`. */
  readonly file: string;
  /** The report's text. */
  readonly text: string;
}

/** Options of {@link apiReports}. */
export interface ApiReportOptions {
  /** The package root (package.json, node_modules). */
  readonly root: string;
  /** A finished build of the package (the `outDir` of `buildPackage`); it must lie inside `root`, so that dependencies resolve. */
  readonly buildDir: string;
  /** The entries to report on (from `packageEntries`). */
  readonly entries: readonly Entry[];
}

/** Compiler options API Extractor analyses the declarations with: what a strict `nodenext` consumer uses. */
const CONSUMER_OPTIONS = { module: "nodenext", moduleResolution: "nodenext", target: "es2022", lib: ["es2023", "esnext.disposable"], strict: true, types: ["node"] };

function configFor(entry: Entry, options: ApiReportOptions, scratch: string): ExtractorConfig {
  return ExtractorConfig.prepare({
    configObject: {
      projectFolder: options.root,
      mainEntryPointFilePath: join(options.buildDir, relative(DIST, entry.types)),
      compiler: { overrideTsconfig: { compilerOptions: CONSUMER_OPTIONS } },
      apiReport: { enabled: true, reportFolder: scratch, reportTempFolder: join(scratch, "temp"), reportFileName: entry.reportName },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // Release tags (@public/@beta) are not used by this project; TSDoc style is checked elsewhere.
        extractorMessageReporting: { default: { logLevel: ExtractorLogLevel.None, addToApiReportFile: false } },
        tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
        compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
      },
    },
    configObjectFullPath: undefined,
    packageJsonFullPath: join(options.root, "package.json"),
  });
}

function extract(entry: Entry, config: ExtractorConfig, compilerState: CompilerState, scratch: string): ApiReport {
  const file = `${entry.reportName}.api.md`;
  const problems: string[] = [];
  const result = Extractor.invoke(config, {
    localBuild: true,
    compilerState,
    messageCallback: (m: ExtractorMessage) => {
      if (m.logLevel === ExtractorLogLevel.Error || m.logLevel === ExtractorLogLevel.Warning) {
        // A new report is "missing" in the scratch folder by design.
        if (m.messageId !== "console-api-report-created" && m.messageId !== "console-api-report-copied") problems.push(`${m.messageId}: ${m.text}`);
      }
      m.handled = true;
    },
  });
  if (!result.succeeded || problems.length > 0) {
    throw new UnderlayError("STEP_FAILED", `API Extractor could not analyse ${entry.specifier} (${entry.types}): ${problems.join("; ") || `${result.errorCount} error(s)`} — fix the declarations it names`);
  }
  return { entry, file, text: readFileSync(join(scratch, file), "utf8") };
}

/**
 * Generates the API report of every entry from a finished build (nothing is written outside a
 * scratch folder inside `buildDir`). Throws when API Extractor reports a compiler problem in the
 * declarations — they would fail a consumer's type check too.
 *
 * @example
 * ```ts
 * for (const r of apiReports({ root, buildDir, entries })) writeFileSync(join(root, API_DIR, r.file), r.text);
 * ```
 */
export function apiReports(options: ApiReportOptions): readonly ApiReport[] {
  const root = resolve(options.root);
  const scratch = join(resolve(options.buildDir), ".api-report");
  mkdirSync(scratch, { recursive: true });
  try {
    const configs = options.entries.map((e) => configFor(e, { ...options, root }, scratch));
    const [first] = configs;
    if (first === undefined) return [];
    // One TypeScript program for every entry (API Extractor would build one per entry otherwise).
    const compilerState = CompilerState.create(first, { additionalEntryPoints: configs.map((c) => c.mainEntryPointFilePath) });
    return options.entries.map((e, i) => extract(e, configs[i] as ExtractorConfig, compilerState, scratch));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
