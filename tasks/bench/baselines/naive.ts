/**
 * Baseline 2 — the naive shell script: one `ip` process per step. Each macvlan is created in the
 * sandbox host namespace and then moved (and renamed to eth0) into its endpoint namespace; the
 * address, link state and default route are set with `ip -n <ns>`. Down deletes the namespaces
 * one `ip netns del` at a time. Both halves are generated as bash scripts, written to a temporary
 * directory before timing, and each is run by one `bash <file>` (so this really is a shell script,
 * with `set -eu`; a file, not stdin, because bash reads a pipe one byte at a time).
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exec } from "./exec.ts";
import { checkOptions, endpointCidr, endpointNetns, GATEWAY, hostNetns, PARENT, withSandbox } from "./sandbox.ts";
import type { BaselineOptions, BaselineResult } from "./types.ts";

/** The two bash scripts of {@link runNaive}. */
export interface NaiveScripts {
  /** Creates every endpoint, six `ip` processes each. */
  readonly up: string;
  /** Deletes every endpoint namespace, then the host namespace, one `ip netns del` each. */
  readonly down: string;
}

/**
 * Renders the naive baseline's bash scripts (pure).
 *
 * @example
 * ```ts
 * naiveScripts("ub3fa9c1", 1).up.split("\n")[2];
 * // "ip -n ub3fa9c1-h link add mv0 link p0 type macvlan mode bridge"
 * ```
 */
export function naiveScripts(prefix: string, n: number): NaiveScripts {
  const host = hostNetns(prefix);
  const up = endpointNetns(prefix, n).flatMap((ns, i) => [
    `ip netns add ${ns}`,
    `ip -n ${host} link add mv${i} link ${PARENT} type macvlan mode bridge`,
    `ip -n ${host} link set mv${i} netns ${ns} name eth0`,
    `ip -n ${ns} addr add ${endpointCidr(i)} dev eth0`,
    `ip -n ${ns} link set eth0 up`,
    `ip -n ${ns} route add default via ${GATEWAY} dev eth0`,
  ]);
  const down = [...endpointNetns(prefix, n), host].map((ns) => `ip netns del ${ns}`);
  return {
    up: ["set -eu", ...up, ""].join("\n"),
    down: ["set -eu", ...down, ""].join("\n"),
  };
}

/**
 * Runs the naive baseline once: builds the sandbox, times `up` and `down` (each one bash
 * process running its script), removes the sandbox. `perEndpointUpMs` is `null`: the script
 * runs as a whole.
 *
 * @example
 * ```ts
 * const { upMs } = await runNaive({ n: 100, prefix: sandboxPrefix() });
 * ```
 */
export async function runNaive(opts: BaselineOptions): Promise<BaselineResult> {
  checkOptions(opts);
  const scripts = naiveScripts(opts.prefix, opts.n);
  const dir = mkdtempSync(join(tmpdir(), "underlay-naive-"));
  try {
    const upFile = join(dir, "up.sh");
    const downFile = join(dir, "down.sh");
    writeFileSync(upFile, scripts.up);
    writeFileSync(downFile, scripts.down);
    return await withSandbox(opts.prefix, async () => {
      const upStart = performance.now();
      await exec(["bash", upFile]);
      const upMs = performance.now() - upStart;
      await opts.afterUp?.(endpointNetns(opts.prefix, opts.n));

      const downStart = performance.now();
      await exec(["bash", downFile]);
      const downMs = performance.now() - downStart;
      return { upMs, downMs, perEndpointUpMs: null };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
