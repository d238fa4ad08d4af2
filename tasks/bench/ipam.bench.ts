/**
 * IPAM micro-benchmark (tinybench): allocate every address of a /16, allocate 100 000 addresses
 * of an IPv6 /64, and `allocateLab` for 10 000 dual-stack endpoints. Pure CPU work, no root.
 *
 * Run directly: `bun tasks/bench/ipam.bench.ts`, `node --import tsx tasks/bench/ipam.bench.ts`
 * or `deno run -A tasks/bench/ipam.bench.ts` (add `--json` for machine-readable output).
 * @module
 */
import process from "node:process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Bench } from "tinybench";
import { UnderlayError } from "../../sdk/errors.ts";
import { allocateLab } from "../../sdk/ipam/allocate.ts";
import { SubnetPool } from "../../sdk/ipam/pool.ts";
import type { LabSpec, NetworkSpec } from "../../sdk/spec/types.ts";

/** One benchmark result: task name and mean time per run in milliseconds. */
export interface IpamBenchResult {
  /** Task name. */
  readonly name: string;
  /** Mean milliseconds per run. */
  readonly ms: number;
  /** Fastest run in milliseconds. */
  readonly minMs: number;
  /** Number of measured runs. */
  readonly runs: number;
}

/** Options of {@link runIpamBench}. */
export interface IpamBenchOptions {
  /** Measured runs per task (default 5; each run takes tens to hundreds of milliseconds). */
  readonly iterations?: number;
}

/** A lab of `n` endpoints on one dual-stack network (10.0.0.0/16 + fd00:1::/64). */
function bigLab(n: number): LabSpec {
  const net: NetworkSpec = {
    name: "big",
    driver: "macvlan",
    internal: false,
    gatewayPolicy: "first",
    subnets: [{ cidr: "10.0.0.0/16" }, { cidr: "fd00:1::/64" }],
  };
  return {
    name: "bench",
    host: null,
    sandbox: false,
    endpoints: Array.from({ length: n }, (_, i) => ({ name: `e${i}`, attachments: [{ network: net, ips: [] }] })),
  };
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new UnderlayError("USAGE", `ipam bench: ${what}`);
}

/**
 * Runs the IPAM benchmark and returns the mean and fastest time of each task.
 *
 * @example
 * ```ts
 * for (const r of await runIpamBench()) console.log(`${r.name}: ${r.ms.toFixed(1)} ms`);
 * ```
 */
export async function runIpamBench(options: IpamBenchOptions = {}): Promise<IpamBenchResult[]> {
  const bench = new Bench({ name: "ipam", iterations: options.iterations ?? 5, time: 0, warmupIterations: 1, warmupTime: 0, throws: true });
  const lab10k = bigLab(10_000);

  bench
    .add("allocate a full IPv4 /16 (65 533 addresses)", () => {
      const pool = new SubnetPool({ cidr: "10.20.0.0/16", gatewayPolicy: "first" });
      let n = 0;
      while (pool.allocate() !== null) n++;
      check(n === 65_533, `expected 65 533 addresses, got ${n}`);
    })
    .add("allocate 100 000 addresses of an IPv6 /64", () => {
      const pool = new SubnetPool({ cidr: "2001:db8:1::/64", gatewayPolicy: "first" });
      for (let i = 0; i < 100_000; i++) pool.allocate();
      check(pool.free === pool.size - 100_000n, "expected 100 000 addresses in use");
    })
    .add("allocateLab, 10 000 dual-stack endpoints", () => {
      const r = allocateLab(lab10k);
      check(r.issues.length === 0 && r.addresses.size === 10_000, "expected 10 000 addressed endpoints");
    });

  await bench.run();
  return bench.tasks.map((task) => {
    const r = task.result;
    if (r.state !== "completed") {
      throw new UnderlayError("USAGE", `ipam bench: task "${task.name}" ended ${r.state}`, { cause: "error" in r ? r.error : undefined });
    }
    return { name: task.name, ms: r.latency.mean, minMs: r.latency.min, runs: r.latency.samplesCount };
  });
}

/** Whether this file is the entry point (Bun/Deno `import.meta.main`, else argv[1]). */
function isMain(): boolean {
  const main = (import.meta as ImportMeta & { main?: boolean }).main;
  if (typeof main === "boolean") return main;
  const entry = process.argv[1];
  return entry !== undefined && resolve(entry) === fileURLToPath(import.meta.url);
}

if (isMain()) {
  const results = await runIpamBench();
  if (process.argv.includes("--json")) {
    process.stdout.write(`${JSON.stringify(results)}\n`);
  } else {
    const width = Math.max(...results.map((r) => r.name.length));
    for (const r of results) {
      process.stdout.write(`${r.name.padEnd(width)}  mean ${r.ms.toFixed(1).padStart(7)} ms  min ${r.minMs.toFixed(1).padStart(7)} ms  (${r.runs} runs)\n`);
    }
  }
}
