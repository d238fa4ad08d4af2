/**
 * Reads the output of `sysctl KEY…` (`key = value` lines). Keys are stored in the canonical
 * dotted form ({@link sysctlKey}); keys that do not exist produce no line (sysctl reports them on
 * standard error) and are simply absent.
 * @module
 */
import { sysctlKey } from "../lib/canonical.ts";

/**
 * Parses `sysctl` output into a map from canonical key to value.
 *
 * @example
 * ```ts
 * parseSysctl("net.ipv6.conf.all.forwarding = 0\n"); // { "net.ipv6.conf.all.forwarding": "0" }
 * ```
 */
export function parseSysctl(stdout: string): Record<string, string> {
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const line of stdout.split("\n")) {
    const eq = line.indexOf(" = ");
    if (eq === -1) continue;
    values[sysctlKey(line.slice(0, eq))] = line.slice(eq + 3);
  }
  return values;
}
