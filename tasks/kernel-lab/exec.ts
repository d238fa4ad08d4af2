/**
 * Host-side process helper for the kernel lab's asset preparation (apt-get, dpkg-deb, ldd, …).
 * argv only, never a shell string; `node:` builtins only, so Node, Bun and Deno run it alike.
 * @module
 */
import { spawn } from "node:child_process";
import { UnderlayError } from "../../sdk/errors.ts";

/** What a host command returned. */
export interface HostResult {
  /** Exit code (signal deaths map to 128). */
  readonly code: number;
  /** Standard output as UTF-8. */
  readonly stdout: string;
  /** Standard error as UTF-8. */
  readonly stderr: string;
}

/** Options of {@link runHost}. */
export interface RunHostOptions {
  /** Working directory. */
  readonly cwd?: string;
  /** Extra environment variables (merged over `process.env`). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Runs a program on the host and collects its output. Rejects with `EXEC` only when the program
 * cannot be started (missing binary); a non-zero exit resolves normally.
 *
 * @example
 * ```ts
 * const r = await runHost(["dpkg-deb", "-f", "k.deb", "Depends"]);
 * ```
 */
export function runHost(argv: readonly string[], options: RunHostOptions = {}): Promise<HostResult> {
  const [program, ...args] = argv;
  if (program === undefined) return Promise.reject(new UnderlayError("EXEC", "empty command: argv must name a program"));
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => reject(new UnderlayError("EXEC", `cannot run ${program}: ${e.message}`, { cause: e })));
    child.on("close", (code, signal) =>
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    );
  });
}

/**
 * Like {@link runHost} but throws a `PREFLIGHT` error naming the command, its exit code and
 * stderr when it fails; `hint` says what to check.
 *
 * @example
 * ```ts
 * const { stdout } = await mustRunHost(["apt-cache", "show", "linux-image-amd64"], "run apt-get update");
 * ```
 */
export async function mustRunHost(
  argv: readonly string[],
  hint: string,
  options: RunHostOptions = {},
): Promise<HostResult> {
  const r = await runHost(argv, options);
  if (r.code !== 0) {
    const tail = r.stderr.trim().split("\n").slice(-5).join("\n");
    throw new UnderlayError(
      "PREFLIGHT",
      `kernel lab: \`${argv.join(" ")}\` failed with exit code ${r.code}: ${tail || "(no stderr)"} — ${hint}`,
    );
  }
  return r;
}

/** True when the current process is root. */
export function isRootUser(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/**
 * Runs a program (feeding `input` to its stdin, if given) and returns its standard output as
 * bytes; throws `PREFLIGHT` (with `hint`) when it cannot start or exits non-zero.
 *
 * @example
 * ```ts
 * const ko = await runHostBytes(["xz", "-dc", "veth.ko.xz"], "install xz-utils");
 * ```
 */
export function runHostBytes(argv: readonly string[], hint: string, input?: Uint8Array): Promise<Uint8Array> {
  const [program, ...args] = argv;
  if (program === undefined) return Promise.reject(new UnderlayError("EXEC", "empty command: argv must name a program"));
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (b: Buffer) => out.push(b));
    child.stderr?.on("data", (b: Buffer) => err.push(b));
    child.stdin?.on("error", () => {
      /* the tool may stop reading early (trailing data); its exit code tells */
    });
    child.stdin?.end(input);
    child.on("error", (e) => reject(new UnderlayError("PREFLIGHT", `kernel lab: cannot run ${program}: ${e.message} — ${hint}`, { cause: e })));
    child.on("close", (code) => {
      if (code === 0) resolve(new Uint8Array(Buffer.concat(out)));
      else {
        const stderr = Buffer.concat(err).toString("utf8").trim();
        reject(new UnderlayError("PREFLIGHT", `kernel lab: \`${argv.join(" ")}\` failed (exit ${code}): ${stderr} — ${hint}`));
      }
    });
  });
}
