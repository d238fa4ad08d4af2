/**
 * A Docker Engine of the conformance run's own: Debian's `dockerd` started with its own data and
 * exec roots, pid file and socket, without a bridge or iptables rules (`--bridge=none
 * --iptables=false --ip6tables=false`), and an image built offline from `busybox-static` with
 * `docker import`. Nothing of a Docker the machine may already run is used or touched, and no
 * image is ever pulled (`--pull=never`). Stopped with SIGTERM (the daemon stops its containers and
 * its containerd), and its directory removed.
 * @module
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { UnderlayError } from "../../sdk/errors.ts";

/**
 * The image every conformance container runs.
 *
 * @example
 * ```ts
 * await engine.docker(["run", "-d", "--pull=never", IMAGE, "sleep", "3600"]);
 * ```
 */
export const IMAGE = "underlay-conformance:busybox";

/** A command's outcome. */
export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs argv and resolves with its outcome (never rejects on a non-zero exit). */
export function run(argv: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(argv[0] as string, argv.slice(1), { encoding: "utf8", env: { ...process.env, LC_ALL: "C", ...env }, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : 1, stdout, stderr }),
    );
  });
}

/** A running engine. */
export interface Engine {
  /** Runs `docker -H <socket> <args>` with the Debian client. */
  docker(args: readonly string[]): Promise<Ran>;
  /** The daemon's version (`20.10.24+dfsg1`). */
  readonly version: string;
  /** The daemon's log file. */
  readonly log: string;
  /** Stops the daemon and removes its directory. */
  stop(): Promise<void>;
}

/** The Debian docker client (`/usr/bin/docker` of docker.io), not whatever `docker` is first on PATH. */
function client(): string {
  return existsSync("/usr/bin/docker") ? "/usr/bin/docker" : "docker";
}

/**
 * Starts a private engine and imports the busybox image. Throws `PREFLIGHT` with the daemon's log
 * when it does not come up.
 *
 * @example
 * ```ts
 * const engine = await startEngine();
 * try { await engine.docker(["network", "ls"]); } finally { await engine.stop(); }
 * ```
 */
export async function startEngine(): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), "ulconf-"));
  const sock = join(dir, "docker.sock");
  const log = join(dir, "dockerd.log");
  const out = openSync(log, "a");
  const daemon: ChildProcess = spawn(
    "dockerd",
    ["--data-root", join(dir, "data"), "--exec-root", join(dir, "exec"), "--pidfile", join(dir, "dockerd.pid"), "-H", `unix://${sock}`, "--bridge=none", "--iptables=false", "--ip6tables=false", "--ip-masq=false"],
    { stdio: ["ignore", out, out] },
  );
  let exited = false;
  daemon.on("exit", () => (exited = true));
  const docker = (args: readonly string[]): Promise<Ran> => run([client(), "-H", `unix://${sock}`, ...args]);
  const stop = async (): Promise<void> => {
    if (!exited) {
      daemon.kill("SIGTERM");
      for (let i = 0; i < 100 && !exited; i++) await sleep(200);
      if (!exited) daemon.kill("SIGKILL");
      for (let i = 0; i < 25 && !exited; i++) await sleep(200);
    }
    await run(["umount", "-R", join(dir, "data")]);
    rmSync(dir, { recursive: true, force: true });
  };
  let version = "";
  for (let i = 0; i < 150 && !exited; i++) {
    const v = await docker(["version", "--format", "{{.Server.Version}}"]);
    if (v.code === 0) {
      version = v.stdout.trim();
      break;
    }
    await sleep(200);
  }
  if (version === "") {
    const text = existsSync(log) ? readFileSync(log, "utf8").split("\n").slice(-15).join("\n") : "";
    await stop();
    throw new UnderlayError("PREFLIGHT", `dockerd did not come up${exited ? " (it exited)" : " within 30 s"} — its log ends with:\n${text}`);
  }
  try {
    await importImage(dir, docker);
  } catch (e) {
    await stop();
    throw e;
  }
  return { docker, version, log, stop };
}

/** A rootfs with the static busybox and `sleep`/`sh`/`ip` links, imported as {@link IMAGE}. */
async function importImage(dir: string, docker: Engine["docker"]): Promise<void> {
  const rootfs = join(dir, "rootfs");
  mkdirSync(join(rootfs, "bin"), { recursive: true });
  cpSync("/bin/busybox", join(rootfs, "bin", "busybox"));
  for (const tool of ["sh", "sleep", "ip", "ping"]) symlinkSync("busybox", join(rootfs, "bin", tool));
  const tar = join(dir, "rootfs.tar");
  const t = await run(["tar", "-C", rootfs, "-cf", tar, "."]);
  if (t.code !== 0) throw new UnderlayError("PREFLIGHT", `cannot pack the image rootfs: ${t.stderr.trim()}`);
  const r = await docker(["import", tar, IMAGE]);
  if (r.code !== 0) throw new UnderlayError("PREFLIGHT", `docker import failed: ${r.stderr.trim()}`);
}
