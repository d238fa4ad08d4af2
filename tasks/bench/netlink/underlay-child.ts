/**
 * Measured runs of underlay in a process of its own (Bun, Deno or Node): the benchmark's lab
 * (`benchLab`: N endpoints, each a namespace + a macvlan on p0 + an IPv4 address + up + a default
 * route) brought up and down through the netlink or the iproute2 executor, exactly as the
 * in-process `underlay` row does (`runUnderlay`; `down` right after `up`), `labs` times in a row,
 * each in a sandbox of its own. The first lab of a process also pays what a process pays once
 * (probing the kernel, loading the FFI, compiling the code paths); the later ones show the steady
 * state a test worker sees from its second lab on. Prints one JSON line: `{ runtime, executor, n,
 * runs: [{ upMs, downMs, upCpuMs, downCpuMs }], peakRssMB }` — times inside the process (no
 * process start, like the floor's), CPU of the whole process (every thread), and the process's
 * peak resident memory (`VmHWM`).
 *
 * Usage: `bun tasks/bench/netlink/underlay-child.ts <netlink|iproute2> <n> <prefix> [labs]` (or
 * `deno run -A …`, `node --import tsx …`), as root.
 */
import { readFileSync } from "node:fs";
import { localExecutor, netlinkExecutor, type Executor } from "../../../sdk/index.ts";
import { detectRuntime } from "../../../sdk/executor/netlink/runtime.ts";
import { exec } from "../baselines/exec.ts";
import { withSandbox } from "../baselines/sandbox.ts";
import { benchLab } from "../underlay-run.ts";

const g = globalThis as { Deno?: { args: string[] } };
const [which, nText, prefix, labsText = "1"] = g.Deno?.args ?? process.argv.slice(2);
const n = Number(nText);
const labs = Number(labsText);
if ((which !== "netlink" && which !== "iproute2") || !Number.isInteger(n) || n <= 0 || prefix === undefined || !Number.isInteger(labs) || labs < 1 || labs > 9) {
  throw new Error("usage: underlay-child.ts <netlink|iproute2> <n> <prefix> [labs 1-9]");
}

const executor: Executor = which === "netlink" ? await netlinkExecutor() : localExecutor();
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const opts = { hostsFiles: false, handleSignals: false, executor } as const;
const runs: { upMs: number; downMs: number; upCpuMs: number; downCpuMs: number }[] = [];
for (let k = 0; k < labs; k++) {
  // Each lab its own sandbox: the prefix with the lab's number (names stay within 15 bytes).
  const p = labs === 1 ? prefix : `${prefix}${k}`;
  runs.push(
    await withSandbox(p, async (host) => {
      const l = benchLab(p, n);
      const c0 = cpu();
      const up = await l.up(opts);
      const c1 = cpu();
      const t1 = performance.now();
      await l.down({ executor });
      const downMs = performance.now() - t1;
      const c2 = cpu();
      await exec(["ip", "netns", "del", host]);
      return { upMs: up.ms, downMs, upCpuMs: c1 - c0, downCpuMs: c2 - c1 };
    }),
  );
}
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
await executor.close?.();
console.log(JSON.stringify({ runtime: detectRuntime(), executor: executor.name, n, runs, peakRssMB: Number(hwm ?? NaN) / 1024 }));
