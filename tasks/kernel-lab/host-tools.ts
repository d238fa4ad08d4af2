/**
 * Host tools the kernel lab needs — qemu, a static busybox, iproute2, dpkg/apt — found on PATH
 * and installed with `apt-get install -y --no-install-recommends` when missing (as root), since
 * CI runs on fresh machines.
 * @module
 */
import { accessSync, constants, readFileSync, realpathSync } from "node:fs";
import { delimiter, join } from "node:path";
import { UnderlayError } from "../../sdk/errors.ts";
import { isStaticElf } from "./elf.ts";
import { isRootUser, runHost } from "./exec.ts";

/** Where the host tools were found. */
export interface HostTools {
  /** qemu-system-x86_64. */
  readonly qemu: string;
  /** A statically linked busybox. */
  readonly busybox: string;
  /** iproute2's `ip` (copied into the guest with its libraries). */
  readonly ip: string;
  /** `dash` (the guest's `/bin/sh`), or `null` when the host has none (then busybox sh serves). */
  readonly dash: string | null;
  /** Packages installed by this call (empty when all were present). */
  readonly installed: readonly string[];
}

const EXTRA_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/**
 * Finds an executable on PATH (plus the sbin directories), resolving symlinks; `null` if absent.
 *
 * @example
 * ```ts
 * which("ip"); // "/usr/bin/ip"
 * ```
 */
export function which(name: string): string | null {
  const dirs = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), ...EXTRA_PATH];
  for (const d of dirs) {
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return realpathSync(p);
    } catch {
      /* next */
    }
  }
  return null;
}

function staticBusybox(): string | null {
  for (const p of ["/bin/busybox", "/usr/bin/busybox", which("busybox")]) {
    if (p === null) continue;
    try {
      if (isStaticElf(readFileSync(p))) return realpathSync(p);
    } catch {
      /* next */
    }
  }
  return null;
}

/**
 * Installs Debian packages non-interactively (root only); runs `apt-get update` once and retries
 * when the first attempt fails (a fresh machine may have no package lists).
 *
 * @example
 * ```ts
 * await aptInstall(["qemu-system-x86"], console.log);
 * ```
 */
export async function aptInstall(packages: readonly string[], onProgress: (line: string) => void = () => {}): Promise<void> {
  if (packages.length === 0) return;
  if (!isRootUser()) {
    throw new UnderlayError(
      "PREFLIGHT",
      `kernel lab needs ${packages.join(", ")} — install them: sudo apt-get install -y --no-install-recommends ${packages.join(" ")}`,
    );
  }
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", ...packages];
  onProgress(`installing ${packages.join(" ")} with apt-get`);
  let r = await runHost(install, { env });
  if (r.code !== 0) {
    onProgress("apt-get install failed; running apt-get update and retrying");
    await runHost(["apt-get", "update", "-q"], { env });
    r = await runHost(install, { env });
  }
  if (r.code !== 0) {
    throw new UnderlayError(
      "PREFLIGHT",
      `kernel lab: \`${install.join(" ")}\` failed (exit ${r.code}): ${r.stderr.trim().split("\n").slice(-4).join("\n")} — check the network and apt sources`,
    );
  }
}

/**
 * Finds qemu, a static busybox and `ip`, installing what is missing. Throws `PREFLIGHT` when a
 * tool is missing and cannot be installed (not root, not Debian, no network).
 *
 * @example
 * ```ts
 * const tools = await ensureHostTools((line) => console.log(line));
 * ```
 */
export async function ensureHostTools(onProgress: (line: string) => void = () => {}): Promise<HostTools> {
  for (const tool of ["apt-get", "apt-cache", "dpkg-deb", "ldd"]) {
    if (which(tool) === null) {
      throw new UnderlayError("PREFLIGHT", `kernel lab: ${tool} not found — the kernel lab needs a Debian-like host (apt, dpkg, libc-bin)`);
    }
  }
  const missing: string[] = [];
  if (which("qemu-system-x86_64") === null) missing.push("qemu-system-x86");
  if (staticBusybox() === null) missing.push("busybox-static");
  if (which("ip") === null) missing.push("iproute2");
  await aptInstall(missing, onProgress);
  const qemu = which("qemu-system-x86_64");
  const busybox = staticBusybox();
  const ip = which("ip");
  if (qemu === null || busybox === null || ip === null) {
    throw new UnderlayError("PREFLIGHT", "kernel lab: qemu-system-x86_64, a static busybox or ip is still missing after apt-get install");
  }
  return { qemu, busybox, ip, dash: which("dash"), installed: missing };
}
