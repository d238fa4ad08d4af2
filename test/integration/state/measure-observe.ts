/**
 * Measures observe() on a real kernel (root needed; not part of `vitest run`):
 *  - ms per namespace read, for 10 and 200 endpoint namespaces, each holding a macvlan `eth0`
 *    (on bridge p0 in a host namespace of its own) with an address and a route;
 *  - the cost of one `ip` call entering a namespace with `nsenter --net=…` vs `ip -n`, with the
 *    200 namespaces mounted.
 * Builds its sandbox under a unique prefix and removes it in `finally`.
 *
 *   npx tsx test/integration/state/measure-observe.ts [sizes…]     (default: 10 200)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { localExecutor } from "../../../sdk/executor/local.ts";
import { iproute2Executor } from "../../../sdk/executor/iproute2/executor.ts";
import type { Executor } from "../../../sdk/executor/types.ts";
import { observe } from "../../../sdk/state/observe.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, uniqueName } from "../../support/netns.ts";

const prefix = uniqueName("ub");
const host = `${prefix}-h`;
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const wanted = sizes.length > 0 ? sizes : [10, 200];
const executor = localExecutor();
let built = 0;

function ipBatch(netns: string | null, lines: string[]): void {
  const argv = ["ip", "-batch", "-"];
  const r = netns === null ? spawnSync(argv[0] as string, argv.slice(1), { input: lines.join("\n") }) : spawnSync("nsenter", [`--net=/run/netns/${netns}`, "--", ...argv], { input: lines.join("\n") });
  if (r.status !== 0) throw new Error(`ip -batch in ${netns ?? "-"} failed: ${String(r.stderr)}`);
}

const ep = (i: number): string => `${prefix}-e${i}`;

/** Grows the sandbox to `n` endpoints: one macvlan + address + default route each. */
function grow(n: number): void {
  if (built === 0) {
    ipBatch(null, [`netns add ${host}`]);
    ipBatch(host, ["link add p0 type bridge", "link set p0 up"]);
  }
  const fresh = Array.from({ length: n - built }, (_, k) => built + k);
  ipBatch(null, fresh.map((i) => `netns add ${ep(i)}`));
  ipBatch(host, fresh.map((i) => `link add eth0 netns ${ep(i)} link p0 type macvlan mode bridge`));
  for (const i of fresh) {
    const h = i + 2; // 10.0.0.2, 10.0.0.3, … 10.0.1.245 … — all in 10.0.0.0/16, gateway 10.0.0.1
    const a = `10.0.${h >> 8}.${h & 255}/16`;
    ipBatch(ep(i), [`addr add ${a} dev eth0`, "link set eth0 up", "link set lo up", `route add default via 10.0.0.1 dev eth0`]);
  }
  built = n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** The local executor without its runMany fan-out: one spawn per namespace from this process. */
const spawnEach: Executor = iproute2Executor({ name: "local-run-only", run: (c) => executor.run(c) });

async function timeObserve(ex: Executor, n: number, concurrency: number, runs = 7): Promise<number> {
  const names = [host, ...Array.from({ length: n }, (_, i) => ep(i))];
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const state = await observe(ex, names, { concurrency });
    times.push(performance.now() - t0);
    const missing = names.filter((x) => state.namespaces.get(x)?.links.length === 0);
    if (missing.length > 0) throw new Error(`not read: ${missing.join(", ")}`);
  }
  return median(times);
}

/** Median ms of one call for each argv shape, the shapes interleaved so that load noise hits them alike. */
function timeCalls(shapes: readonly ((ns: string) => string[])[], count: number): number[] {
  const times = shapes.map(() => [] as number[]);
  for (let i = 0; i < count; i++) {
    const ns = ep(i % built);
    shapes.forEach((shape, k) => {
      const [program, ...args] = shape(ns);
      const t0 = performance.now();
      execFileSync(program as string, args, { stdio: ["ignore", "pipe", "pipe"] });
      times[k]?.push(performance.now() - t0);
    });
  }
  return times.map(median);
}

try {
  const load = (): string => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  console.log(`sandbox ${prefix}; machine: ${execFileSync("nproc", { encoding: "utf8" }).trim()} cores, ${execFileSync("uname", ["-r"], { encoding: "utf8" }).trim()}, load ${load()}`);
  for (const n of wanted) {
    grow(n);
    const mounted = Number(execFileSync("sh", ["-c", "ls /run/netns | wc -l"], { encoding: "utf8" }).trim());
    console.log(`-- ${n} endpoints + host (${mounted} namespaces mounted on the machine, load ${load()})`);
    for (const [label, ex] of [["one spawn per namespace (run)", spawnEach], ["local fan-out (runMany)", executor]] as const) {
      for (const c of [1, 2, 4]) {
        const ms = await timeObserve(ex, n, c);
        console.log(`  observe ${n + 1} namespaces, ${label}, concurrency ${c}: ${ms.toFixed(0)} ms total, ${(ms / (n + 1)).toFixed(2)} ms/namespace`);
      }
    }
    const calls = 200;
    const [viaNsenter, viaIpN, plain] = timeCalls(
      [
        (ns) => ["nsenter", `--net=/run/netns/${ns}`, "--", "ip", "-json", "link", "show"],
        (ns) => ["ip", "-n", ns, "-json", "link", "show"],
        () => ["ip", "-json", "link", "show"],
      ],
      calls,
    );
    const mounts = execFileSync("sh", ["-c", "wc -l < /proc/self/mountinfo"], { encoding: "utf8" }).trim();
    console.log(`  one call with ${mounted} namespaces mounted (${mounts} mounts), median of ${calls}, interleaved:`);
    console.log(`    nsenter --net=/run/netns/X ip -json link show: ${viaNsenter?.toFixed(2)} ms`);
    console.log(`    ip -n X -json link show:                       ${viaIpN?.toFixed(2)} ms`);
    console.log(`    ip -json link show (no namespace switch):      ${plain?.toFixed(2)} ms`);
  }
} finally {
  removeNetnsWithPrefix(prefix);
  const left = netnsWithPrefix(prefix);
  if (left.length > 0) {
    console.error(`residue: ${left.join(", ")}`);
    process.exitCode = 1;
  } else {
    console.log(`sandbox ${prefix} removed, no residue`);
  }
}
