/**
 * A measurement, not a test: the in-process netlink layer against the raw-netlink C floor
 * (`floor.c` from the shared perf folder, compiled here with gcc into a temporary directory —
 * never copied into the repository). For each N, interleaved over repetitions and each started on
 * a quiet CPU: `floor -t 1 up N` / `down N` (one thread, each request acknowledged on its own),
 * `floor -t 1 -b` (the same, pipelined), and `tasks/bench/netlink/endpoints.ts` under Bun and under
 * Deno (the same endpoints through this library: pipelined per endpoint). Each reports the time
 * inside its own process (no process start), and the on-CPU and run-queue time of its working
 * thread (`/proc/thread-self/schedstat`, as floor.c reports it), which a busy shared machine
 * disturbs far less than wall time. Prints ms per endpoint (min / median) and the median ratios
 * against the floor; writes `bench-results/netlink-floor.json`.
 *
 * Usage (as root): `node --import tsx tasks/bench/netlink-floor.ts [--n 10,100,500] [--reps 5] [--floor path/to/floor.c] [--warmup 0]`
 * (`--warmup K`: each library run first creates and deletes K endpoints, untimed; the floor needs none).
 * (or `UNDERLAY_FLOOR_C=path/to/floor.c`; default: `../shared/perf/floor.c` beside the repository).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildFloor, floorRun as floorRunOf } from "./netlink/floor.ts";
import { settleCpu } from "./settle.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const { values } = parseArgs({ options: { n: { type: "string", default: "10,100,500" }, reps: { type: "string", default: "5" }, floor: { type: "string" }, warmup: { type: "string", default: "0" } } });
const ns = values.n.split(",").map(Number);
const reps = Number(values.reps);
const floorSource = values.floor ?? process.env["UNDERLAY_FLOOR_C"] ?? resolve(root, "../shared/perf/floor.c");

type Method = "floor" | "floor -b" | "bun" | "deno";
interface Run { readonly method: Method; readonly n: number; readonly upMs: number; readonly downMs: number; readonly upCpuMs: number; readonly upWaitMs: number; readonly threads?: number }

function run(program: string, args: readonly string[]): string {
  const r = spawnSync(program, args, { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${program} ${args.join(" ")} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

function floorRun(bin: string, n: number, batched: boolean): Run {
  return { method: batched ? "floor -b" : "floor", ...floorRunOf(bin, n, batched) };
}

function libraryRun(runtime: "bun" | "deno", n: number): Run {
  const worker = join(root, "tasks/bench/netlink/endpoints.ts");
  const prefix = `nb${process.pid % 10000}`;
  const args = [worker, prefix, String(n), values.warmup];
  const out = runtime === "bun" ? run(join(root, "node_modules/.bin/bun"), args) : run(join(root, "node_modules/.bin/deno"), ["run", "-A", ...args]);
  const r = JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as { upMs: number; downMs: number; threads: number; upCpuMs: number; upWaitMs: number };
  return { method: runtime, n, upMs: r.upMs, downMs: r.downMs, upCpuMs: r.upCpuMs, upWaitMs: r.upWaitMs, threads: r.threads };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const bin = buildFloor(floorSource, console.log);
const methods: Method[] = bin === null ? ["bun", "deno"] : ["floor", "floor -b", "bun", "deno"];
const runs: Run[] = [];
try {
  for (const n of ns) {
    for (let rep = 0; rep < reps; rep++) {
      for (const method of methods) {
        await settleCpu({ maxMs: 10_000 });
        const r = method === "floor" || method === "floor -b" ? floorRun(bin as string, n, method === "floor -b") : libraryRun(method, n);
        runs.push(r);
        console.log(`  ${method.padEnd(8)} n=${String(n).padStart(4)} rep ${rep + 1}/${reps}: up ${(r.upMs / n).toFixed(3)} ms/ep (on-CPU ${(r.upCpuMs / n).toFixed(3)}, run-queue wait ${(r.upWaitMs / n).toFixed(3)}), down ${(r.downMs / n).toFixed(3)} ms/ep${r.threads ? `, ${r.threads} foreign threads` : ""}`);
      }
    }
  }
} finally {
  if (bin !== null) rmSync(dirname(bin), { recursive: true, force: true });
}

const rows: Record<string, unknown>[] = [];
console.log("\nms per endpoint (min / median over repetitions), ratios of medians against `floor -t 1`:");
console.log("| method | N | up min | up median | down min | down median | up × floor | down × floor | up on-CPU median | on-CPU × floor |");
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const n of ns) {
  const of = (m: Method, k: "upMs" | "downMs" | "upCpuMs"): number[] => runs.filter((r) => r.method === m && r.n === n).map((r) => r[k] / n);
  const floorUp = bin === null ? NaN : median(of("floor", "upMs"));
  const floorDown = bin === null ? NaN : median(of("floor", "downMs"));
  const floorCpu = bin === null ? NaN : median(of("floor", "upCpuMs"));
  for (const m of methods) {
    const up = of(m, "upMs");
    const down = of(m, "downMs");
    const cpu = of(m, "upCpuMs");
    const row = { method: m, n, upMin: Math.min(...up), upMedian: median(up), downMin: Math.min(...down), downMedian: median(down), upRatio: median(up) / floorUp, downRatio: median(down) / floorDown, upCpuMedian: median(cpu), upCpuRatio: median(cpu) / floorCpu };
    rows.push(row);
    const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : "–");
    const x = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(2)}×` : "–");
    console.log(`| ${m} | ${n} | ${f(row.upMin)} | ${f(row.upMedian)} | ${f(row.downMin)} | ${f(row.downMedian)} | ${x(row.upRatio)} | ${x(row.downRatio)} | ${f(row.upCpuMedian)} | ${x(row.upCpuRatio)} |`);
  }
}
mkdirSync(join(root, "bench-results"), { recursive: true });
writeFileSync(join(root, "bench-results/netlink-floor.json"), `${JSON.stringify({ floorSource, reps, warmup: Number(values.warmup), runs, rows }, null, 1)}\n`);
