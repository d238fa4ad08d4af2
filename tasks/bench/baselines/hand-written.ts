/**
 * Baseline 1 — the best hand-written iproute2, the target underlay must come within 1.25× of:
 * one `ip -batch` creates every endpoint namespace; one `ip -batch` in the sandbox host
 * namespace creates every macvlan directly inside its endpoint namespace; then one `ip -batch`
 * per endpoint namespace (address, up, default route), two at a time. Down is one `ip -batch` of
 * `netns del` lines, endpoints first, then the host namespace.
 * @module
 */
import { exec, inNetns } from "./exec.ts";
import { mapLimit } from "../../../sdk/lib/map-limit.ts";
import { checkOptions, endpointCidr, endpointNetns, GATEWAY, hostNetns, PARENT, withSandbox } from "./sandbox.ts";
import type { BaselineOptions, BaselineResult } from "./types.ts";

/** Options of {@link runHandWritten}. */
export interface HandWrittenOptions extends BaselineOptions {
  /** How many endpoint batches run at once (default 2, one per core of the reference machine). */
  readonly concurrency?: number;
}

/** The `ip -batch` scripts of {@link runHandWritten}, as plain text. */
export interface HandWrittenScripts {
  /** Run in the caller's namespace: `netns add` for every endpoint. */
  readonly netnsAdd: string;
  /** Run in the host namespace: `link add eth0 netns <ns> link p0 type macvlan mode bridge` per endpoint. */
  readonly links: string;
  /** Run in endpoint `i`'s namespace: address, link up, default route. */
  readonly endpoint: (i: number) => string;
  /** Run in the caller's namespace: `netns del` for every endpoint, then the host namespace. */
  readonly down: string;
}

/**
 * Renders the hand-written baseline's batch scripts (pure).
 *
 * @example
 * ```ts
 * handWrittenScripts("ub3fa9c1", 1).endpoint(0);
 * // "addr add 10.64.0.2/16 dev eth0\nlink set eth0 up\nroute add default via 10.64.0.1 dev eth0\n"
 * ```
 */
export function handWrittenScripts(prefix: string, n: number): HandWrittenScripts {
  const endpoints = endpointNetns(prefix, n);
  return {
    netnsAdd: endpoints.map((ns) => `netns add ${ns}\n`).join(""),
    links: endpoints.map((ns) => `link add eth0 netns ${ns} link ${PARENT} type macvlan mode bridge\n`).join(""),
    endpoint: (i) =>
      `addr add ${endpointCidr(i)} dev eth0\nlink set eth0 up\nroute add default via ${GATEWAY} dev eth0\n`,
    down: [...endpoints, hostNetns(prefix)].map((ns) => `netns del ${ns}\n`).join(""),
  };
}

/**
 * Runs the hand-written baseline once: builds the sandbox, times `up` and `down`, removes the
 * sandbox. `perEndpointUpMs` holds each endpoint batch's duration.
 *
 * @example
 * ```ts
 * const { upMs, downMs } = await runHandWritten({ n: 100, prefix: sandboxPrefix() });
 * ```
 */
export async function runHandWritten(opts: HandWrittenOptions): Promise<BaselineResult> {
  checkOptions(opts);
  const scripts = handWrittenScripts(opts.prefix, opts.n);
  const endpoints = endpointNetns(opts.prefix, opts.n);
  return withSandbox(opts.prefix, async (host) => {
    const upStart = performance.now();
    await exec(["ip", "-batch", "-"], { input: scripts.netnsAdd });
    await exec(inNetns(host, ["ip", "-batch", "-"]), { input: scripts.links });
    const perEndpointUpMs = await mapLimit(endpoints, opts.concurrency ?? 2, async (ns, i) => {
      const done = await exec(inNetns(ns, ["ip", "-batch", "-"]), { input: scripts.endpoint(i) });
      return done.ms;
    });
    const upMs = performance.now() - upStart;
    await opts.afterUp?.(endpoints);

    const downStart = performance.now();
    await exec(["ip", "-batch", "-"], { input: scripts.down });
    const downMs = performance.now() - downStart;
    return { upMs, downMs, perEndpointUpMs };
  });
}
