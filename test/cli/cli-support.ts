/**
 * Support for the CLI tests: run the real `underlay` bin as a subprocess (its own state dir via
 * `UNDERLAY_STATE_DIR`), write lab and tasks files into a temp dir (importing the SDK by absolute
 * path, computed from this file's location), and check for residue.
 */
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { labRecords, netnsWithPrefix } from "../support/netns.ts";

/** Absolute paths of the SDK, the task runner and the bin. */
export const SDK = fileURLToPath(new URL("../../sdk/index.ts", import.meta.url));
export const TASK_RUNNER = fileURLToPath(new URL("../../tasks/task-runner/index.ts", import.meta.url));
export const BIN = fileURLToPath(new URL("../../tasks/underlay.mjs", import.meta.url));

/** What a CLI run returned. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link cli}. */
export interface CliOptions {
  /** State directory (`UNDERLAY_STATE_DIR`). */
  readonly stateDir: string;
  /** Working directory (default: the system temp dir, i.e. not the repo). */
  readonly cwd?: string;
  /** Extra environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Run as another user: `setpriv --reuid <uid>` (for the non-root plan). */
  readonly asUid?: number;
}

/**
 * Runs `node tasks/underlay.mjs <args>` and collects its output (never throws on a non-zero exit).
 *
 * @example
 * ```ts
 * const r = await cli(["plan", labFile], { stateDir });
 * ```
 */
export function cli(args: readonly string[], options: CliOptions): Promise<CliResult> {
  const base = [process.execPath, BIN, ...args];
  const argv = options.asUid === undefined ? base : ["setpriv", `--reuid=${options.asUid}`, `--regid=${options.asUid}`, "--clear-groups", ...base];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), {
      cwd: options.cwd ?? tmpdir(),
      env: { ...process.env, UNDERLAY_STATE_DIR: options.stateDir, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
  });
}

/**
 * A temp dir (world-readable, so an unprivileged run can read the lab files) for lab files and state.
 *
 * @example
 * ```ts
 * const dir = tempDir("ul-cli-");
 * ```
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * Writes a lab file whose body may use `lab` and `net` (imported from the SDK by absolute path).
 *
 * @example
 * ```ts
 * const file = writeLab(dir, "lab.ts", `export default lab("x", { host: "x-h", sandbox: true });`);
 * ```
 */
export function writeLab(dir: string, name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `import { lab, net } from ${JSON.stringify(SDK)};\n${body}\n`);
  chmodSync(file, 0o644);
  return file;
}

/**
 * Writes a tasks file whose body may use `defineTasks`, `lab` and `net`.
 *
 * @example
 * ```ts
 * writeTasks(dir, "tasks.ts", `export default defineTasks({ a: { run() {} } });`);
 * ```
 */
export function writeTasks(dir: string, name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `import { lab, net } from ${JSON.stringify(SDK)};\nimport { defineTasks } from ${JSON.stringify(TASK_RUNNER)};\n${body}\n`);
  return file;
}

/**
 * Everything a lab with this name prefix left behind: namespaces, hosts dirs, journal and lock files.
 *
 * @example
 * ```ts
 * expect(residue("uc12ab34", stateDir)).toEqual([]);
 * ```
 */
export function residue(prefix: string, stateDir: string): string[] {
  const etc = existsSync("/etc/netns") ? readdirSync("/etc/netns").filter((d) => d.startsWith(prefix)).map((d) => `/etc/netns/${d}`) : [];
  const state = existsSync(stateDir) ? readdirSync(stateDir).filter((f) => f.startsWith(prefix)).map((f) => join(stateDir, f)) : [];
  return [...netnsWithPrefix(prefix).map((n) => `netns ${n}`), ...etc, ...state, ...labRecords(prefix)];
}

/**
 * Last-resort cleanup after a test has asserted (or failed to assert) no residue.
 *
 * @example
 * ```ts
 * afterAll(() => scrub("uc12ab34", stateDir));
 * ```
 */
export function scrub(prefix: string, stateDir: string): void {
  for (const item of residue(prefix, stateDir)) {
    if (item.startsWith("netns ")) {
      try {
        execFileSync("ip", ["netns", "del", item.slice(6)]);
      } catch {
        /* gone meanwhile */
      }
    } else {
      rmSync(item, { recursive: true, force: true });
    }
  }
}
