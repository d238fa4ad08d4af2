/**
 * Test support for real-kernel tests: unique names, root detection, and a residue check.
 * Every integration test builds its own sandbox (a host namespace holding the parent link,
 * endpoint namespaces under it) with names from {@link uniqueName}, and asserts on teardown that
 * no namespace carrying its prefix is left.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

/** Where `ip netns exec` finds per-namespace files (underlay writes hosts files there). */
const ETC_NETNS = "/etc/netns";
/** The machine-wide lab registry (`sdk/runner/registry.ts`). */
const REGISTRY = "/run/underlay/labs";

/**
 * The lab registry's records of labs whose name starts with `prefix` (paths): a lab torn down
 * leaves none.
 */
export function labRecords(prefix: string): string[] {
  return existsSync(REGISTRY) ? readdirSync(REGISTRY).filter((f) => f.startsWith(prefix)).map((f) => join(REGISTRY, f)) : [];
}

/** True when running as root (integration tests need it). */
export const isRoot: boolean = typeof process.getuid === "function" && process.getuid() === 0;

/** Under CI a skip of a real-kernel test is a failure. */
export const inCI: boolean = process.env.CI === "true";

/**
 * A short unique name (≤ 8 bytes), e.g. `ut3fa9c1`, so that `<name>-<endpoint>` stays within
 * the 15-byte interface/namespace limit.
 */
export function uniqueName(prefix = "ut"): string {
  return `${prefix}${randomBytes(3).toString("hex")}`;
}

/** Names of all named network namespaces (`ip netns list`). */
export function listNetns(): string[] {
  const out = execFileSync("ip", ["-json", "netns", "list"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  if (out === "") return [];
  return (JSON.parse(out) as { name: string }[]).map((n) => n.name);
}

/** Namespaces whose name starts with `prefix`. */
export function netnsWithPrefix(prefix: string): string[] {
  return listNetns().filter((n) => n.startsWith(prefix));
}

/**
 * Deletes every namespace starting with `prefix`, every `/etc/netns/<prefix>…` directory (hosts
 * files) and every lab record of such a lab, as a last-resort cleanup in `afterAll`, after the
 * test has already asserted there is no residue. Returns what it removed (files and directories
 * as their path), so that asserting it is empty makes leftovers of any kind a failure.
 */
export function removeNetnsWithPrefix(prefix: string): string[] {
  const found = netnsWithPrefix(prefix);
  for (const ns of found) {
    try {
      execFileSync("ip", ["netns", "del", ns]);
    } catch {
      /* already gone */
    }
  }
  const dirs = existsSync(ETC_NETNS) ? readdirSync(ETC_NETNS).filter((d) => d.startsWith(prefix)).map((d) => join(ETC_NETNS, d)) : [];
  const records = labRecords(prefix);
  for (const d of [...dirs, ...records]) rmSync(d, { recursive: true, force: true });
  return [...found, ...dirs, ...records];
}

/**
 * Fails (throws) when a real-kernel test would be skipped under CI; otherwise returns whether
 * the test may run. Use as `describe.runIf(requireRoot("macvlan lab"))(…)`.
 */
export function requireRoot(what: string): boolean {
  if (isRoot) return true;
  if (inCI) throw new Error(`${what}: needs root under CI=true (a skip here is a failure)`);
  console.warn(`skipping ${what}: needs root`);
  return false;
}
