/**
 * underlay's side of the benchmark: the same scenario as the baselines (N endpoints = a
 * namespace + a macvlan on the sandbox's parent p0 + an IPv4 address + link up + a default
 * route), built with the SDK in this process. The sandbox host namespace and parent are made
 * before timing, as for the baselines; `down` is timed alone (the sandbox host namespace and
 * parent are removed after it, untimed — the hand-written script deletes its host namespace in
 * the same batch as the endpoints, one more line).
 */
import { lab, net, type Executor, type LabBuilder } from "../../sdk/index.ts";
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
 * Brings the lab up and down once, timing both, the way each baseline is run: `down` right after
 * `up`. Then, for the no-op re-up, brings the same lab up again (untimed) and times a second `up`
 * that has nothing to do, before taking it down (untimed). Timing the re-up between the first
 * `up` and `down` would make `down` wait ~35 ms longer after its `up` than any baseline's does,
 * which alone costs a namespace teardown batch about 1 ms more at N = 500.
 *
 * @example
 * ```ts
 * const r = await runUnderlay({ n: 100, prefix: sandboxPrefix() }, localExecutor());
 * ```
 */
export async function runUnderlay(opts: BaselineOptions, executor?: Executor): Promise<BaselineResult & UnderlayExtra> {
  const upOpts = { hostsFiles: false, handleSignals: false, ...(executor === undefined ? {} : { executor }) } as const;
  return withSandbox(opts.prefix, async (host) => {
    const l = benchLab(opts.prefix, opts.n);
    const up = await l.up(upOpts);
    await opts.afterUp?.(l.plan().endpoints.map((e) => e.netns));
    // down is timed alone: it deletes the N endpoint namespaces in one batch; the hand-written
    // script's batch also deletes its host namespace (one more line, no extra process).
    const t0 = performance.now();
    await l.down(executor === undefined ? {} : { executor });
    const downMs = performance.now() - t0;
    await l.up(upOpts);
    const again = await l.up(upOpts);
    if (again.changed !== 0) throw new Error(`re-up changed ${again.changed} steps`);
    await l.down(executor === undefined ? {} : { executor });
    await exec(["ip", "netns", "del", host]);
    return { upMs: up.ms, downMs, perEndpointUpMs: null, reUpMs: again.ms };
  });
}

/**
 * Per-endpoint cost within one `up` of `n` endpoints: the time of every step that belongs to
 * endpoint i (its namespace, link, rename, marks, address, up, route), each step charged its own
 * batch's share (batches hold at most 128 lines, fan-out processes at most 64 namespaces).
 * Returns ms per endpoint in endpoint order, and the whole `up` time.
 */
export async function perEndpointProfile(prefix: string, n: number): Promise<{ readonly perEndpoint: number[]; readonly upMs: number }> {
  return withSandbox(prefix, async (host) => {
    const cost = new Array<number>(n).fill(0);
    const re = new RegExp(`${prefix}-e(\\d+)`);
    const l = benchLab(prefix, n);
    try {
      const r = await l.up({
        hostsFiles: false,
        handleSignals: false,
        onEvent: (e) => {
          if (e.type !== "op-done") return;
          const m = re.exec(e.id);
          if (m !== null) cost[Number(m[1])] = (cost[Number(m[1])] ?? 0) + e.ms;
        },
      });
      return { perEndpoint: cost, upMs: r.ms };
    } finally {
      await l.down();
      await exec(["ip", "netns", "del", host]);
    }
  });
}
