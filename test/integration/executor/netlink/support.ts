/**
 * Test support for the netlink layer on the real kernel: each test spawns `driver.ts` under a
 * runtime (`bun driver.ts …`, `deno run -A driver.ts …`, `node --import tsx driver.ts …` with
 * koffi) and reads the one JSON line it prints; and it asks `ip -json` itself.
 */
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root. */
export const root: string = fileURLToPath(new URL("../../../../", import.meta.url));

/** The runtimes with FFI (Node through koffi, the optional dependency). */
export const ffiRuntimes = ["bun", "deno", "node"] as const;
/** The runtimes with a global `Worker` (the positive control of the foreign-thread check starts one). */
export const workerRuntimes = ["bun", "deno"] as const;
/** A runtime with FFI. */
export type FfiRuntime = (typeof ffiRuntimes)[number];

/** Runs `driver.ts <scenario> …args` under `runtime`; resolves with its JSON answer (rejects with its stderr on failure). */
export function drive<T = Record<string, unknown>>(runtime: FfiRuntime, scenario: string, args: readonly string[] = [], env: Readonly<Record<string, string>> = {}): Promise<T> {
  const driver = join(root, "test/integration/executor/netlink/driver.ts");
  const [program, pre] =
    runtime === "bun" ? [join(root, "node_modules/.bin/bun"), []] : runtime === "deno" ? [join(root, "node_modules/.bin/deno"), ["run", "-A"]] : [process.execPath, ["--import", "tsx"]];
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...pre, driver, scenario, ...args], { cwd: root, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) => {
      const stdout = Buffer.concat(out).toString("utf8");
      const stderr = Buffer.concat(err).toString("utf8");
      if (code !== 0) return reject(new Error(`${runtime} driver ${scenario} exited ${code}: ${stderr}${stdout}`));
      try {
        resolve(JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as T);
      } catch {
        reject(new Error(`${runtime} driver ${scenario} printed no JSON: ${stdout}${stderr}`));
      }
    });
  });
}

/** `ip -json [-details] -n ns …` parsed. */
export function ipJson<T = Record<string, unknown>[]>(ns: string, ...args: string[]): T {
  return JSON.parse(execFileSync("ip", ["-n", ns, "-json", "-details", ...args], { encoding: "utf8" })) as T;
}

/** What `ip …` prints on standard error for a command expected to fail (its first line), and its exit code. */
export function ipFails(...args: string[]): { code: number; stderr: string } {
  try {
    execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
    return { code: 0, stderr: "" };
  } catch (e) {
    const x = e as { status: number; stderr: Buffer };
    return { code: x.status, stderr: x.stderr.toString("utf8").trim().split("\n")[0] ?? "" };
  }
}

/** Runs `ip …` (must succeed). */
export function ip(...args: string[]): string {
  return execFileSync("ip", args, { encoding: "utf8" });
}
