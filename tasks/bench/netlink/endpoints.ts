/**
 * One measured run of the netlink layer, in this process (Bun or Deno): N endpoints created and
 * deleted exactly the way the raw-netlink floor (`floor.c`) makes them — a named namespace, a
 * macvlan `eth0` created from the host namespace straight into it (parent bridge `par0`, asked
 * for ifindex 2, a fixed MAC), `lo` up, an IPv4 /16, `eth0` up, a default route — and deleted by
 * `umount2` + `unlink`. Prints one JSON line: `{ runtime, n, upMs, downMs, threads, upCpuMs, upWaitMs, downCpuMs }` (the
 * last three: on-CPU and run-queue time of the JS thread, the way floor.c reports its thread's).
 *
 * Usage: `bun tasks/bench/netlink/endpoints.ts <prefix> <n> [warm-up]` (or `deno run -A …`); as
 * root. `warm-up` endpoints (default 0) are created and deleted first, untimed, so that the
 * JavaScript engine has compiled the code the timed ones run.
 */
import { readFileSync } from "node:fs";
import { openNetlink } from "../../../sdk/executor/netlink/netlink.ts";

/** On-CPU and run-queue nanoseconds of the calling thread (`/proc/thread-self/schedstat`), as floor.c reads them. */
function schedstat(): [number, number] {
  const [cpu, wait] = readFileSync("/proc/thread-self/schedstat", "utf8").trim().split(/\s+/).map(Number);
  return [cpu ?? 0, wait ?? 0];
}

const g = globalThis as { Deno?: { args: string[] } };
const [prefix, nText, warmText] = g.Deno?.args ?? process.argv.slice(2);
const n = Number(nText);
const warmup = Number(warmText ?? "0");
if (prefix === undefined || !Number.isInteger(n) || n <= 0) throw new Error("usage: endpoints.ts <prefix> <n>");

const hex = (v: number): string => v.toString(16).padStart(2, "0");
const nl = await openNetlink();
const host = `${prefix}-host`;
const names = Array.from({ length: n }, (_, i) => `${prefix}-e${i}`);
try {
  nl.netnsAdd(host);
  nl.linkAdd({ netns: host, name: "par0", kind: "bridge", up: true });
  nl.linkSet({ netns: host, dev: "lo", up: true });
  const parent = nl.linkIndex(host, "par0");
  const endpoint = (e: string, i: number): void => {
    nl.netnsAdd(e);
    nl.linkAdd({ netns: host, name: "eth0", targetNetns: e, kind: "macvlan", parent, mode: "bridge", mac: `02:f1:00:${hex((i >> 16) & 255)}:${hex((i >> 8) & 255)}:${hex(i & 255)}`, index: 2 });
    nl.batch(e, [
      { op: "linkSet", dev: 1, up: true },
      { op: "addrAdd", dev: 2, cidr: `10.98.${1 + Math.floor(i / 250)}.${1 + (i % 250)}/16` },
      { op: "linkSet", dev: 2, up: true },
      { op: "routeAdd", dst: "default", via: "10.98.0.1", dev: 2 },
    ]);
    nl.release(e);
  };
  for (let i = 0; i < warmup; i++) {
    endpoint(`${prefix}-w${i}`, 0xf000 + i);
    nl.netnsDel(`${prefix}-w${i}`);
  }

  const s0 = schedstat();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) endpoint(names[i] as string, i);
  const t1 = performance.now();
  const s1 = schedstat();
  for (const e of names) nl.netnsDel(e);
  const t2 = performance.now();
  const s2 = schedstat();
  const ms = (a: number, b: number): number => (b - a) / 1e6;
  console.log(JSON.stringify({
    runtime: nl.runtime, n, upMs: t1 - t0, downMs: t2 - t1, threads: nl.foreignThreads().length,
    upCpuMs: ms(s0[0], s1[0]), upWaitMs: ms(s0[1], s1[1]), downCpuMs: ms(s1[0], s2[0]),
  }));
} finally {
  for (const e of nl.netnsList().filter((x) => x.startsWith(`${prefix}-`))) nl.netnsDel(e);
  nl.close();
}
