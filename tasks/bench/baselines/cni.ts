/**
 * Baseline 3 — the CNI reference plugins (Debian `containernetworking-plugins`): the `macvlan`
 * plugin with `host-local` IPAM, one ADD per endpoint, the way a container runtime calls them.
 * The endpoint namespaces are created first with one `ip -batch` (counted in `up`). Each plugin
 * call runs inside the sandbox host namespace (`nsenter --net=…`) so it finds the parent `p0`.
 * IPAM state goes to a temporary `dataDir`, never to /var/lib/cni. Down is one DEL per endpoint,
 * then one `ip -batch` of `netns del`.
 * @module
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UnderlayError } from "../../../sdk/errors.ts";
import { exec, inNetns } from "./exec.ts";
import { mapLimit } from "../../../sdk/lib/map-limit.ts";
import { checkOptions, endpointNetns, GATEWAY, hostNetns, PARENT, SUBNET, withSandbox } from "./sandbox.ts";
import type { BaselineOptions, BaselineResult } from "./types.ts";

/** Where Debian installs the CNI plugins. */
export const CNI_PATH = "/usr/lib/cni";

/** Options of {@link runCni}. */
export interface CniOptions extends BaselineOptions {
  /** How many plugin calls run at once (default 1: one ADD, then the next, like the reference numbers). */
  readonly concurrency?: number;
}

/**
 * The network configuration given to the plugin on stdin (pure).
 *
 * @example
 * ```ts
 * JSON.parse(cniConfig("ub3fa9c1", "/tmp/x/ipam")).ipam.gateway; // "10.64.0.1"
 * ```
 */
export function cniConfig(name: string, dataDir: string): string {
  return JSON.stringify({
    cniVersion: "1.0.0",
    name,
    type: "macvlan",
    master: PARENT,
    mode: "bridge",
    ipam: {
      type: "host-local",
      subnet: SUBNET,
      gateway: GATEWAY,
      routes: [{ dst: "0.0.0.0/0" }],
      dataDir,
    },
  });
}

/**
 * The CNI environment of one plugin call (pure).
 *
 * @example
 * ```ts
 * cniEnv("ADD", "ub3fa9c1-e0").CNI_NETNS; // "/run/netns/ub3fa9c1-e0"
 * ```
 */
export function cniEnv(command: "ADD" | "DEL", netns: string): Record<string, string> {
  return {
    CNI_COMMAND: command,
    CNI_CONTAINERID: netns,
    CNI_NETNS: `/run/netns/${netns}`,
    CNI_IFNAME: "eth0",
    CNI_PATH,
  };
}

/**
 * Makes sure the `macvlan` and `host-local` plugins are installed, running
 * `apt-get install -y containernetworking-plugins` (after `apt-get update` if the first try
 * fails) when they are missing. Throws `PREFLIGHT` when they still cannot be found.
 *
 * @example
 * ```ts
 * await ensureCniPlugins();
 * ```
 */
export async function ensureCniPlugins(): Promise<void> {
  const present = (): boolean => ["macvlan", "host-local"].every((p) => existsSync(join(CNI_PATH, p)));
  if (present()) return;
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const install = ["apt-get", "install", "-y", "containernetworking-plugins"];
  const first = await exec(install, { env, check: false });
  if (first.code !== 0) {
    await exec(["apt-get", "update"], { env, check: false });
    await exec(install, { env, check: false });
  }
  if (!present()) {
    throw new UnderlayError(
      "PREFLIGHT",
      `CNI plugins macvlan and host-local not found in ${CNI_PATH} — install them with: apt-get install -y containernetworking-plugins`,
    );
  }
}

/**
 * Runs the CNI baseline once: builds the sandbox, times `up` (namespaces + one ADD each) and
 * `down` (one DEL each + namespace removal), removes the sandbox and the IPAM directory.
 * `perEndpointUpMs` holds each ADD's duration.
 *
 * @example
 * ```ts
 * const { upMs, downMs } = await runCni({ n: 100, prefix: sandboxPrefix() });
 * ```
 */
export async function runCni(opts: CniOptions): Promise<BaselineResult> {
  checkOptions(opts);
  await ensureCniPlugins();
  const endpoints = endpointNetns(opts.prefix, opts.n);
  const limit = opts.concurrency ?? 1;
  const dir = mkdtempSync(join(tmpdir(), "underlay-cni-"));
  const config = cniConfig(opts.prefix, join(dir, "ipam"));
  const plugin = (host: string, command: "ADD" | "DEL", ns: string): Promise<number> =>
    exec(inNetns(host, [join(CNI_PATH, "macvlan")]), { env: cniEnv(command, ns), input: config }).then((r) => r.ms);
  try {
    return await withSandbox(opts.prefix, async (host) => {
      const upStart = performance.now();
      await exec(["ip", "-batch", "-"], { input: endpoints.map((ns) => `netns add ${ns}\n`).join("") });
      const perEndpointUpMs = await mapLimit(endpoints, limit, (ns) => plugin(host, "ADD", ns));
      const upMs = performance.now() - upStart;
      await opts.afterUp?.(endpoints);

      const downStart = performance.now();
      await mapLimit(endpoints, limit, (ns) => plugin(host, "DEL", ns));
      await exec(["ip", "-batch", "-"], {
        input: [...endpoints, hostNetns(opts.prefix)].map((ns) => `netns del ${ns}\n`).join(""),
      });
      const downMs = performance.now() - downStart;
      return { upMs, downMs, perEndpointUpMs };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
