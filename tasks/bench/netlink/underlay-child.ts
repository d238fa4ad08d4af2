/**
 * One measured run of underlay in a process of its own (Bun, Deno or Node): the benchmark's lab
 * (`benchLab`: N endpoints, each a namespace + a macvlan on p0 + an IPv4 address + up + a default
 * route) brought up and down through the netlink or the iproute2 executor, exactly as the
 * in-process `underlay` row does (`runUnderlay`; `down` right after `up`). Prints one JSON line: `{ runtime, executor, n,
 * upMs, downMs, upCpuMs, downCpuMs, peakRssMB }` — times inside the process (no process start,
 * like the floor's), CPU of the whole process (every thread) during `up` and `down`, and the
 * process's peak resident memory (`VmHWM`).
 *
 * Usage: `bun tasks/bench/netlink/underlay-child.ts <netlink|iproute2> <n> <prefix>` (or
 * `deno run -A …`, `node --import tsx …`), as root.
 */
import { readFileSync } from "node:fs";
import { localExecutor, netlinkExecutor, type Executor } from "../../../sdk/index.ts";
import { detectRuntime } from "../../../sdk/executor/netlink/runtime.ts";
import { exec } from "../baselines/exec.ts";
import { withSandbox } from "../baselines/sandbox.ts";
import { benchLab } from "../underlay-run.ts";

const g = globalThis as { Deno?: { args: string[] } };
const [which, nText, prefix] = g.Deno?.args ?? process.argv.slice(2);
const n = Number(nText);
if ((which !== "netlink" && which !== "iproute2") || !Number.isInteger(n) || n <= 0 || prefix === undefined) throw new Error("usage: underlay-child.ts <netlink|iproute2> <n> <prefix>");

const executor: Executor = which === "netlink" ? await netlinkExecutor() : localExecutor();
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const opts = { hostsFiles: false, handleSignals: false, executor } as const;
const r = await withSandbox(prefix, async (host) => {
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
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
await executor.close?.();
console.log(JSON.stringify({ runtime: detectRuntime(), executor: executor.name, n, ...r, peakRssMB: Number(hwm ?? NaN) / 1024 }));
