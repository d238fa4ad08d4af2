/**
 * Measured runs of underlay in a process of its own (Bun, Deno or Node), served one lab at a time
 * so that the benchmark can interleave them with the other methods' runs: each line read from
 * stdin is a sandbox prefix, and the child brings the benchmark's lab (`benchLab`: N endpoints,
 * each a namespace + a macvlan on p0 + an IPv4 address + up + a default route) up and down in a
 * sandbox of that prefix, through the netlink or the iproute2 executor, exactly as the in-process
 * `underlay` row does (`runUnderlay`; `down` right after `up`). It answers each with one JSON
 * line `{ upMs, downMs, upCpuMs, downCpuMs }` — times inside the process (no process start, like
 * the floor's) and CPU of the whole process (every thread). At the end of its input it prints
 * `{ runtime, executor, n, peakRssMB }` (the process's peak resident memory, `VmHWM`) and exits.
 *
 * The process's first lab also pays what a process pays once (probing the kernel, loading the
 * FFI, compiling the code paths); the later ones show the steady state a test worker sees.
 *
 * Usage: `bun tasks/bench/netlink/underlay-child.ts <netlink|iproute2> <n>` (or `deno run -A …`,
 * `node --import tsx …`), as root; then write prefixes, one per line.
 */
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { localExecutor, netlinkExecutor, type Executor } from "../../../sdk/index.ts";
import { detectRuntime } from "../../../sdk/executor/netlink/runtime.ts";
import { exec } from "../baselines/exec.ts";
import { withSandbox } from "../baselines/sandbox.ts";
import { benchLab } from "../underlay-run.ts";

const g = globalThis as { Deno?: { args: string[] } };
const [which, nText] = g.Deno?.args ?? process.argv.slice(2);
const n = Number(nText);
if ((which !== "netlink" && which !== "iproute2") || !Number.isInteger(n) || n <= 0) {
  throw new Error("usage: underlay-child.ts <netlink|iproute2> <n>, then one sandbox prefix per line on stdin");
}

const executor: Executor = which === "netlink" ? await netlinkExecutor() : localExecutor();
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const opts = { hostsFiles: false, handleSignals: false, executor } as const;
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  const prefix = line.trim();
  if (prefix === "") continue;
  const run = await withSandbox(prefix, async (host) => {
    const l = benchLab(prefix, n);
    const c0 = cpu();
    const up = await l.up(opts);
    const c1 = cpu();
    const t1 = performance.now();
    await l.down({ executor });
    const downMs = performance.now() - t1;
    const c2 = cpu();
    await exec(["ip", "netns", "del", host]);
    return { upMs: up.ms, downMs, upCpuMs: c1 - c0, downCpuMs: c2 - c1 };
  });
  console.log(JSON.stringify(run));
}
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
await executor.close?.();
console.log(JSON.stringify({ runtime: detectRuntime(), executor: executor.name, n, peakRssMB: Number(hwm ?? NaN) / 1024 }));
