/**
 * underlay's side of the benchmark: the same scenario as the baselines (N endpoints = a
 * namespace + a macvlan on the sandbox's parent p0 + an IPv4 address + link up + a default
 * route), built with the SDK in this process. The sandbox host namespace and parent are made
 * before timing, as for the baselines; `down` is timed together with deleting the sandbox host
 * namespace, as the hand-written script's down does.
 */
import { lab, net, type LabBuilder } from "../../sdk/index.ts";
import { exec } from "./baselines/exec.ts";
import { GATEWAY, hostNetns, PARENT, SUBNET, withSandbox } from "./baselines/sandbox.ts";
import type { BaselineOptions, BaselineResult } from "./baselines/types.ts";

/** The benchmark lab: `n` endpoints `<prefix>-e<i>` on one macvlan bridge network on p0. */
export function benchLab(prefix: string, n: number): LabBuilder {
  const pub = net.macvlan("bench").parent(PARENT).subnet(SUBNET, { gateway: GATEWAY });
  let l = lab(prefix, { host: hostNetns(prefix) });
  for (let i = 0; i < n; i++) l = l.endpoint(`e${i}`, pub, { netns: `${prefix}-e${i}` });
  return l;
}

/** What the underlay run measured besides up/down. */
export interface UnderlayExtra {
  /** A second `up` of the same lab (nothing to do), in ms. */
  readonly reUpMs: number;
}

/**
 * Brings the lab up and down once, timing both (and a no-op re-up in between).
 *
 * @example
 * ```ts
 * const r = await runUnderlay({ n: 100, prefix: sandboxPrefix() });
 * ```
 */
export async function runUnderlay(opts: BaselineOptions): Promise<BaselineResult & UnderlayExtra> {
  return withSandbox(opts.prefix, async (host) => {
    const l = benchLab(opts.prefix, opts.n);
    const up = await l.up({ hostsFiles: false, handleSignals: false });
    const again = await l.up({ hostsFiles: false, handleSignals: false });
    if (again.changed !== 0) throw new Error(`re-up changed ${again.changed} steps`);
    await opts.afterUp?.(l.plan().endpoints.map((e) => e.netns));
    const t0 = performance.now();
    await l.down();
    await exec(["ip", "netns", "del", host]);
    const downMs = performance.now() - t0;
    return { upMs: up.ms, downMs, perEndpointUpMs: null, reUpMs: again.ms };
  });
}

/**
 * Marginal cost per endpoint as a lab grows in steps of `step` up to `n` (each `up` applies only
 * the new endpoints): ms/endpoint of each step, first to last.
 */
export async function growth(prefix: string, n: number, step: number): Promise<number[]> {
  return withSandbox(prefix, async (host) => {
    const perStep: number[] = [];
    try {
      for (let k = step; k <= n; k += step) {
        const r = await benchLab(prefix, k).up({ hostsFiles: false, handleSignals: false });
        perStep.push(r.ms / step);
      }
    } finally {
      await benchLab(prefix, n).down();
      await exec(["ip", "netns", "del", host]);
    }
    return perStep;
  });
}
