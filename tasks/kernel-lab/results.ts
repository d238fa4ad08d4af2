/**
 * Where the kernel lab's results live. Test runs record them in the git-ignored
 * `.cache/kernel-lab/RESULTS.md` of the checkout ({@link recordResults}), so `npm test` leaves the
 * tree clean; `npm run kernel-lab -- results` ({@link publishResults}) copies them to the tracked
 * `test/kernel-lab/RESULTS.md`, the record that README › Kernel support points to.
 * @module
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { UnderlayError } from "../../sdk/errors.ts";
import { withFileLock } from "../../sdk/lib/file-lock.ts";
import { parseResults, renderResults, type FileResults, type ResultsData } from "./results-render.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The paths of the results: the tests' own (`cached`, git-ignored), the tracked copy, and the
 * directory of the kernel-lab test files (a file no longer there loses its rows).
 *
 * @example
 * ```ts
 * resultsPaths().cached; // "<checkout>/.cache/kernel-lab/RESULTS.md"
 * ```
 */
export function resultsPaths(root: string = ROOT): { readonly cached: string; readonly tracked: string; readonly tests: string } {
  return {
    cached: join(root, ".cache", "kernel-lab", "RESULTS.md"),
    tracked: join(root, "test", "kernel-lab", "RESULTS.md"),
    tests: join(root, "test", "kernel-lab"),
  };
}

function readData(path: string): ResultsData {
  try {
    return parseResults(readFileSync(path, "utf8"));
  } catch {
    return {};
  }
}

function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/**
 * Replaces one test file's rows in the cached results (under a lock: test files finish
 * concurrently). Rows of test files that no longer exist go; every other file keeps its last run.
 *
 * @example
 * ```ts
 * afterAll(() => recordResults({ file: "scenarios-vlan.test.ts", guestKernel, hostKernel: release(), at: new Date().toISOString(), rows }));
 * ```
 */
export async function recordResults(results: FileResults, paths = resultsPaths()): Promise<void> {
  mkdirSync(dirname(paths.cached), { recursive: true });
  await withFileLock(`${paths.cached}.lock`, async () => {
    const kept = Object.entries(readData(paths.cached)).filter(([file]) => existsSync(join(paths.tests, file)));
    writeAtomic(paths.cached, renderResults({ ...Object.fromEntries(kept), [results.file]: results }));
  });
}

/** What {@link publishResults} wrote. */
export interface PublishReport {
  /** The tracked file written. */
  readonly path: string;
  /** The guest kernel of the published results. */
  readonly guestKernel: string;
  /** Test files published, and how many of their scenarios passed. */
  readonly files: readonly { readonly file: string; readonly passed: number; readonly total: number }[];
  /** Test files left out: run on another guest kernel than the newest run (run them again to publish them). */
  readonly dropped: readonly { readonly file: string; readonly guestKernel: string }[];
}

/**
 * Writes the tracked `test/kernel-lab/RESULTS.md` from the cached results of the last test runs,
 * keeping only the test files run on the guest kernel of the newest run (the table then names one
 * kernel). Throws `PREFLIGHT` when no test run has recorded results yet.
 *
 * @example
 * ```ts
 * const report = await publishResults(); // npm run kernel-lab -- results
 * console.log(`${report.path}: ${report.files.length} test files on ${report.guestKernel}`);
 * ```
 */
export async function publishResults(paths = resultsPaths()): Promise<PublishReport> {
  const none = (): UnderlayError =>
    new UnderlayError(
      "PREFLIGHT",
      `no kernel-lab results in ${paths.cached} — run the kernel-lab tests first (\`CI=true npx vitest run test/kernel-lab\`, or \`npm run kernel-lab -- test\`, which also publishes)`,
    );
  if (!existsSync(paths.cached)) throw none();
  return withFileLock(`${paths.cached}.lock`, async () => {
    const runs = Object.values(readData(paths.cached)).filter((f) => existsSync(join(paths.tests, f.file)));
    const newest = [...runs].sort((a, b) => (a.at < b.at ? 1 : -1))[0];
    if (newest === undefined) throw none();
    const kept = runs.filter((f) => f.guestKernel === newest.guestKernel);
    writeAtomic(paths.tracked, renderResults(Object.fromEntries(kept.map((f) => [f.file, f]))));
    return {
      path: paths.tracked,
      guestKernel: newest.guestKernel,
      files: kept
        .map((f) => ({ file: f.file, passed: f.rows.filter((r) => r.state === "pass").length, total: f.rows.length }))
        .sort((a, b) => (a.file < b.file ? -1 : 1)),
      dropped: runs.filter((f) => f.guestKernel !== newest.guestKernel).map((f) => ({ file: f.file, guestKernel: f.guestKernel })),
    };
  });
}
