/**
 * Running a consumer's test suite as a subprocess — under vitest or `bun test` — with its own
 * lab-name prefix and state directory, and finding what it left behind: namespaces and hosts
 * directories with the prefix, files in the state directory, and processes whose command line
 * holds a marker.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { netnsWithPrefix } from "./netns.ts";

/** Repository root. */
export const root: string = fileURLToPath(new URL("../../", import.meta.url));

/** What a suite run returned. */
export interface SuiteRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

/** A running suite: its process, and its outcome. */
export interface RunningSuite {
  readonly pid: number;
  readonly done: Promise<SuiteRun>;
}

/**
 * A lab-name prefix for one suite run: three characters, a letter then two random ones, so that
 * `<prefix><pid><n>-<endpoint>` fits and two runs at once almost never share it.
 */
export function suitePrefix(): string {
  const chars = "abcdefghijklmnopqrstuvwxyz0123456789";
  const [a, b, c] = [...randomBytes(3)] as [number, number, number];
  return `${chars[a % 26]}${chars[b % 36]}${chars[c % 36]}`;
}

/** Starts `argv` from `cwd` with `env` added, in its own process group (so a signal can reach the whole run). */
export function startSuite(argv: readonly string[], cwd: string, env: Readonly<Record<string, string>>): RunningSuite {
  const child = spawn(argv[0] as string, argv.slice(1), { cwd, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const out: Buffer[] = [];
  child.stdout.on("data", (b: Buffer) => out.push(b));
  child.stderr.on("data", (b: Buffer) => out.push(b));
  const done = new Promise<SuiteRun>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, output: Buffer.concat(out).toString("utf8") }));
  });
  return { pid: child.pid as number, done };
}

/** `vitest run --root <dir>` (the suite's own config). */
export function vitestArgv(dir: string): string[] {
  return [join(root, "node_modules/.bin/vitest"), "run", "--root", dir];
}

/** `bun test --parallel=<workers> [files…]`, run from the suite's directory. */
export function bunTestArgv(workers: number, files: readonly string[] = []): string[] {
  return [join(root, "node_modules/.bin/bun"), "test", `--parallel=${workers}`, ...files];
}

/** Pids and command lines of processes whose command line contains `marker`. */
export function processesWith(marker: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
      if (cmd.includes(marker) && Number(pid) !== process.pid) found.push(`${pid} ${cmd}`);
    } catch {
      /* gone */
    }
  }
  return found;
}

/** What a run with this prefix and state directory left: namespaces, hosts directories, state files. */
export function leftBehind(prefix: string, stateDir: string): string[] {
  const etc = existsSync("/etc/netns") ? readdirSync("/etc/netns").filter((d) => d.startsWith(prefix)).map((d) => `/etc/netns/${d}`) : [];
  const state = existsSync(stateDir) ? readdirSync(stateDir).map((f) => join(stateDir, f)) : [];
  return [...netnsWithPrefix(prefix).map((n) => `netns ${n}`), ...etc, ...state];
}
