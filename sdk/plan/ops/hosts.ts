/**
 * The hosts-file step: `/etc/netns/<ns>/hosts` for every endpoint namespace, so `ping web` works
 * under `ip netns exec`.
 * @module
 */
import { flat } from "../../spec/flat.ts";
import { shortHash } from "../../spec/names.ts";
import type { HostsFile } from "./types.ts";

/** Where `ip netns exec` looks for per-namespace files. */
export const ETC_NETNS = "/etc/netns";

/**
 * The directory of a namespace's files (`/etc/netns/<ns>`).
 *
 * @example
 * ```ts
 * netnsDir("demo-web"); // "/etc/netns/demo-web"
 * ```
 */
export function netnsDir(netns: string): string {
  return `${ETC_NETNS}/${netns}`;
}

/**
 * Writes one hosts file per endpoint namespace (in one step). The id names the set of
 * namespaces: when endpoints come and go, the old step is undone (removing every file it wrote)
 * and the new one writes the new set.
 *
 * @example
 * ```ts
 * hostsFiles(["demo-web", "demo-db"], "127.0.0.1\tlocalhost", PHASE.hosts).fact; // { type: "files", paths: ["/etc/netns/demo-web/hosts", …] }
 * ```
 */
export function hostsFiles(namespaces: readonly string[], content: string, phase: number): HostsFile {
  const dirs = namespaces.map(netnsDir);
  return {
    kind: "hosts-file",
    id: flat(`hosts:${shortHash(dirs.join("\n"))}`),
    phase,
    netns: null,
    namespaces,
    content,
    ensure: false,
    scope: null,
    fact: { type: "files", paths: dirs.map((d) => `${d}/hosts`), content: `${content}\n` },
    summary: flat(`write hosts files for ${namespaces.length} endpoint${namespaces.length === 1 ? "" : "s"}`),
    undo: { kind: "hosts-remove", netns: null, namespaces },
  };
}

/**
 * The line a lab's hosts files carry, naming the lab (how `gc` tells whose a file is once the
 * journal is gone).
 *
 * @example
 * ```ts
 * hostsMarker("demo"); // "# underlay lab demo"
 * ```
 */
export function hostsMarker(lab: string): string {
  return `# underlay lab ${lab}`;
}

/**
 * The lab a hosts file's content names (see {@link hostsMarker}), or `null`.
 *
 * @example
 * ```ts
 * hostsMarkerLab("127.0.0.1\tlocalhost\n# underlay lab demo\n10.0.0.2\tweb\n"); // "demo"
 * ```
 */
export function hostsMarkerLab(content: string): string | null {
  return /^# underlay lab (\S+)$/m.exec(content)?.[1] ?? null;
}
