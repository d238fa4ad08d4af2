/**
 * Makes sure the Debian packages underlay's runtime and tests need are installed: finds the
 * missing commands and installs their packages with apt-get (as root), so a fresh machine needs
 * nothing by hand. Used by the test setup, the demo and `.ci/run`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Command → Debian package that provides it. */
export const RUNTIME_PACKAGES: Readonly<Record<string, string>> = {
  ip: "iproute2",
  nsenter: "util-linux",
  unshare: "util-linux",
  ping: "iputils-ping",
  sysctl: "procps",
};

function has(command: string): boolean {
  return spawnSync("sh", ["-c", 'command -v "$1" >/dev/null 2>&1', "sh", command]).status === 0;
}

let updated = false;

/**
 * Installs the packages of the missing commands (and any extra packages not yet installed).
 * Returns the packages it installed. Throws with a clear message when it cannot.
 *
 * @example
 * ```ts
 * ensureDebianPackages(RUNTIME_PACKAGES);
 * ```
 */
export function ensureDebianPackages(commands: Readonly<Record<string, string>>, extra: readonly string[] = [], log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string[] {
  const missing = [...new Set(Object.entries(commands).filter(([cmd]) => !has(cmd)).map(([, pkg]) => pkg))];
  for (const pkg of extra) {
    if (spawnSync("dpkg-query", ["-W", "-f=${Status}", pkg], { encoding: "utf8" }).stdout.includes("install ok installed")) continue;
    if (!missing.includes(pkg)) missing.push(pkg);
  }
  if (missing.length === 0) return [];
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (!root || !existsSync("/usr/bin/apt-get")) {
    throw new Error(`missing Debian packages: ${missing.join(" ")} — install them (apt-get install ${missing.join(" ")}) and try again`);
  }
  log(`installing ${missing.join(" ")} (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (!updated) {
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    updated = true;
  }
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], { stdio: "inherit", env });
  return missing;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const extra = process.argv.slice(2);
  const installed = ensureDebianPackages(RUNTIME_PACKAGES, extra);
  console.log(installed.length === 0 ? "all Debian packages present" : `installed: ${installed.join(" ")}`);
}
